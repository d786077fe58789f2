// The base URL of each service for an account: an override from the config
// (`endpoint` for every service, `endpoints.<service>` for one), or the cloud's
// regional pattern (cloud-apis.md). Plain http:// is refused except on loopback.

import { assertSecureUrl } from '../http/client.js';
import { InsecureUrlError } from '../http/errors.js';
import type { ServiceName } from '../vocabulary.js';
import type { Account } from './config.js';

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

/** defaultEndpoint is the public endpoint of a service in a region, by the clouds' published patterns. */
export function defaultEndpoint(service: ServiceName, region: string): EndpointResult {
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
  }
}

/** checkEndpoint is assertSecureUrl as a result: the URL without a final slash, or why it is refused. */
export function checkEndpoint(raw: string): EndpointResult {
  try {
    return { url: assertSecureUrl(raw).href.replace(/\/+$/, '') };
  } catch (e) {
    if (e instanceof InsecureUrlError) return { error: e.reason };
    throw e;
  }
}

/** endpointFor is the base URL of a service for an account: endpoints.<service>, then endpoint, then the default. */
export function endpointFor(account: Account, service: ServiceName): EndpointResult {
  const override = account.endpoints?.[service] ?? account.endpoint;
  return override !== undefined ? checkEndpoint(override) : defaultEndpoint(service, account.region);
}
