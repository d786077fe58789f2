// Every revocation type rescind knows, by name: the one list the engine reads.
// Adding a type is adding its provider module and one line here (docs/providers.md).

import type { Cloud, TypeName } from '../vocabulary.js';
import { ackUserPermissions } from './alibabacloud/ack.js';
import { esaClientCertificate } from './alibabacloud/esa.js';
import { whoamiAlibaba } from './alibabacloud/identity.js';
import { cceClusterCertificate } from './huaweicloud/cce.js';
import { ccmSubordinateCa } from './huaweicloud/ccm.js';
import { whoamiHuawei } from './huaweicloud/identity.js';
import { kmsGrant } from './huaweicloud/kms.js';
import type { AnyRevocationType, ProviderRequest, WhoamiResponse } from './types.js';

/**
 * registry maps each type name to its provider. The compiler checks that every name of
 * typeNames has one, and that each provider's `type` is its key.
 */
export const registry = {
  'huaweicloud.cce.cluster-certificate': cceClusterCertificate,
  'huaweicloud.ccm.subordinate-ca': ccmSubordinateCa,
  'alibabacloud.esa.client-certificate': esaClientCertificate,
  'huaweicloud.kms.grant': kmsGrant,
  'alibabacloud.ack.user-permissions': ackUserPermissions,
} as const satisfies { [K in TypeName]: { readonly type: K } };

/**
 * providerOf is the provider of a type, seen from the engine: targets, selectors and options are plan
 * data that the type's schema has accepted, so they have the provider's shapes.
 */
export function providerOf(type: TypeName): AnyRevocationType {
  return registry[type] as unknown as AnyRevocationType;
}

/** whoami is how each cloud says who an account authenticates as: its caller's IDs and its root's. */
export const whoami: Readonly<Record<Cloud, (req: ProviderRequest) => Promise<WhoamiResponse>>> = {
  huaweicloud: whoamiHuawei,
  alibabacloud: whoamiAlibaba,
};
