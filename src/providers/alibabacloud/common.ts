// What the two Alibaba Cloud providers share: telling a missing resource (absent) from
// a request the cloud did not understand, and small readers of the untyped JSON the
// cloud answers.

import { alibabaDialect } from '../../clouds/alibabacloud/dialect.js';
import { CloudError } from '../../http/errors.js';

/**
 * isMissing tells whether a call failed because the resource it names does not exist, as Alibaba
 * Cloud's dialect reads the answer (a `...NotFound` code about the resource, not about the request).
 */
export function isMissing(err: unknown): err is CloudError {
  return err instanceof CloudError && alibabaDialect.isMissing(err.status, err.cloudCode);
}

/** isCount tells whether a JSON value is a whole number ≥ 0 (a total or a page number). */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
