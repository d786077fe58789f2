// The emulator's registry of services: routes.ts builds its tables and server.ts its
// dispatch from this list. A new service is its module (exporting its EmulatorService)
// and one entry here; see "Adding a service" in docs/emulator.md.

import { ackService } from './alibabacloud/ack.js';
import { esaService } from './alibabacloud/esa.js';
import { stsService } from './alibabacloud/sts.js';
import { cceService } from './huaweicloud/cce.js';
import { ccmService } from './huaweicloud/ccm.js';
import { iamService } from './huaweicloud/iam.js';
import { kmsService } from './huaweicloud/kms.js';

/** services are the services of the emulator, in routing order: one per service of the vocabulary. */
export const services = [
  cceService,
  ccmService,
  kmsService,
  iamService,
  esaService,
  ackService,
  stsService,
] as const;

/** Operation is an API operation of the emulator, named as the clouds' SDKs name it (the stats key). */
export type Operation = (typeof services)[number]['operations'][number];

/** pagedOperations are the list operations that page: hostile paging may be set for them (paging.ts). */
export const pagedOperations: readonly string[] = services.flatMap((s): readonly string[] => s.paged ?? []);
