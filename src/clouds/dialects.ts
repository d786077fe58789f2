// Each cloud's dialect by name, for the code that holds a cloud as a value.

import type { Cloud } from '../vocabulary.js';
import { alibabaDialect } from './alibabacloud/dialect.js';
import { huaweiDialect } from './huaweicloud/dialect.js';
import type { Dialect } from './wire.js';

/** dialects holds each cloud's dialect. */
export const dialects: Readonly<Record<Cloud, Dialect>> = {
  huaweicloud: huaweiDialect,
  alibabacloud: alibabaDialect,
};
