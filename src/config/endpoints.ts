// The base URL of each service for an account: an override from the config
// (`endpoint` for every service, `endpoints.<service>` for one), or the cloud's
// regional pattern (cloud-apis.md). Plain http:// is refused except on loopback.

import { isLoopbackHost } from '../http/client.js';
import type { Cloud } from '../plan/revocation-plan.js';
import type { Account, ServiceName } from './config.js';

/** servicesOf lists the services rescind calls in a cloud. */
export const servicesOf: Readonly<Record<Cloud, readonly ServiceName[]>> = {
  huaweicloud: ['cce', 'ccm', 'kms'],
  alibabacloud: ['esa', 'ack'],
};

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

/**
 * checkEndpoint accepts an https:// URL, or an http:// URL on loopback, and returns it without a final
 * slash. Its messages never repeat the URL: a config value may hold what should have been a secret.
 */
export function checkEndpoint(raw: string): EndpointResult {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: 'the endpoint is not a URL' };
  }
  if (url.username !== '' || url.password !== '')
    return { error: 'an endpoint URL must not hold credentials' };
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { error: 'the endpoint must be an https:// URL' };
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      error:
        'plain http:// is allowed to 127.0.0.1 only; credentials and revocations to another machine need https://',
    };
  }
  return { url: url.href.replace(/\/+$/, '') };
}

/** endpointFor is the base URL of a service for an account: endpoints.<service>, then endpoint, then the default. */
export function endpointFor(account: Account, service: ServiceName): EndpointResult {
  const override = account.endpoints?.[service] ?? account.endpoint;
  return override !== undefined ? checkEndpoint(override) : defaultEndpoint(service, account.region);
}
