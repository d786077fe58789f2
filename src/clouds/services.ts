// Where each service of a cloud answers and how fast it lets one caller go: the clouds'
// published regional endpoint patterns and documented request quotas (docs/clouds.md#endpoints-and-quotas).

import type { ServiceName } from '../vocabulary.js';

// CCM is a global service served from six regions (services/ccm/v1/CcmRegion.ts of the Node SDK).
const CCM_REGIONS: Readonly<Record<string, string>> = {
  'cn-north-4': 'https://ccm.cn-north-4.myhuaweicloud.com',
  'ap-southeast-3': 'https://ccm.ap-southeast-3.myhuaweicloud.com',
  'eu-west-101': 'https://ccm.eu-west-101.myhuaweicloud.com',
  'ru-moscow-1': 'https://ccm.ru-moscow-1.myhuaweicloud.com',
  'my-kualalumpur-1': 'https://ccm.my-kualalumpur-1.myhuaweicloud.com',
  'sa-brazil-1': 'https://ccm.myhuaweicloud.com',
};

/** EndpointResult is a service's base URL (no trailing slash), or why there is none. */
export type EndpointResult = { url: string } | { error: string };

/** REGION is what a region ID looks like (the config schema's pattern): ap-southeast-1, cn-hangzhou. */
export const REGION = /^[a-z]{2,4}(-[a-z0-9]+){1,4}$/;

/**
 * defaultEndpoint is the public endpoint of a service in a region, by the clouds' published patterns.
 * A region that is not a region ID is refused, so that no URL is ever built on another host.
 */
export function defaultEndpoint(service: ServiceName, region: string): EndpointResult {
  if (!REGION.test(region)) return { error: 'the region is not a region ID such as ap-southeast-1' };
  switch (service) {
    case 'cce':
    case 'kms':
      // eu-west-101 is served from the .eu domain (CceRegion.ts, KmsRegion.ts).
      return {
        url: `https://${service}.${region}.myhuaweicloud.${region === 'eu-west-101' ? 'eu' : 'com'}`,
      };
    case 'ccm': {
      const url = CCM_REGIONS[region];
      return url !== undefined
        ? { url }
        : {
            error: `CCM has no endpoint in ${region}; it is served from ${Object.keys(CCM_REGIONS).join(', ')}: set endpoints.ccm`,
          };
    }
    case 'esa':
      // ESA has two sites: the China site in cn-hangzhou and the international one in ap-southeast-1.
      return {
        url: `https://esa.${region.startsWith('cn-') ? 'cn-hangzhou' : 'ap-southeast-1'}.aliyuncs.com`,
      };
    case 'ack':
      return { url: `https://cs.${region}.aliyuncs.com` };
    case 'iam':
      return { url: `https://iam.${region}.myhuaweicloud.${region === 'eu-west-101' ? 'eu' : 'com'}` };
    case 'sts':
      return { url: `https://sts.${region}.aliyuncs.com` };
  }
}

/**
 * DEFAULT_RATE_LIMITS are the requests per second per service of a real-cloud account that sets no
 * rateLimits: KMS documents 20 TPS per user; Huawei's gateway allows 200 per API; Alibaba publishes
 * no ESA or ACK quota, so rescind stays well under any.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<ServiceName | 'default', number>> = {
  default: 50,
  cce: 50,
  ccm: 50,
  kms: 20,
  esa: 50,
  ack: 50,
  iam: 10,
  sts: 10,
};
