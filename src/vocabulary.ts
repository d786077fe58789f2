// The words every layer shares: the clouds, the revocation type names and the
// cloud services. The bottom of the house: everything may import it, and it
// imports nothing.

/** clouds lists the clouds rescind revokes in. */
export const clouds = ['huaweicloud', 'alibabacloud'] as const;

/** Cloud is a cloud rescind revokes in. */
export type Cloud = (typeof clouds)[number];

/**
 * serviceNames lists the cloud services rescind calls: one per revocation type, and each cloud's
 * identity service, which says who a run authenticates as (Huawei IAM, Alibaba STS).
 */
export const serviceNames = ['cce', 'ccm', 'kms', 'esa', 'ack', 'iam', 'sts'] as const;

/** ServiceName is a cloud service rescind calls: the middle word of a type name, or an identity service. */
export type ServiceName = (typeof serviceNames)[number];

/** typeNames lists every revocation type, in the order of the product specification. */
export const typeNames = [
  'huaweicloud.cce.cluster-certificate',
  'huaweicloud.ccm.subordinate-ca',
  'alibabacloud.esa.client-certificate',
  'huaweicloud.kms.grant',
  'alibabacloud.ack.user-permissions',
] as const;

/** TypeName is the `type` of a revocation: `<cloud>.<service>.<credential>`. */
export type TypeName = (typeof typeNames)[number];

/** isTypeName tells whether a value is the name of a revocation type. */
export function isTypeName(value: unknown): value is TypeName {
  return typeof value === 'string' && (typeNames as readonly string[]).includes(value);
}

/** cloudOfType is the cloud a revocation type revokes in: the first word of its name. */
export function cloudOfType(type: TypeName): Cloud {
  return type.startsWith('huaweicloud.') ? 'huaweicloud' : 'alibabacloud';
}

/** serviceOfType is the service a revocation type calls: the second word of its name. */
export function serviceOfType(type: TypeName): ServiceName {
  return type.split('.')[1] as ServiceName;
}

/** cloudServices lists the services of each cloud: the services of its types, and its identity service. */
export const cloudServices: Readonly<Record<Cloud, readonly ServiceName[]>> = {
  huaweicloud: ['cce', 'ccm', 'kms', 'iam'],
  alibabacloud: ['esa', 'ack', 'sts'],
};

/** identityService is the service that says who a run authenticates as, per cloud. */
export const identityService: Readonly<Record<Cloud, ServiceName>> = {
  huaweicloud: 'iam',
  alibabacloud: 'sts',
};
