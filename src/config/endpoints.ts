// The base URL of each service for an account: an override from the config
// (`endpoint` for every service, `endpoints.<service>` for one), or the cloud's
// regional pattern. Plain http:// is refused except on loopback.

import { checkEndpointUrl } from '../clouds/endpoint-url.js';
import { defaultEndpoint, type EndpointResult } from '../clouds/services.js';
import type { ServiceName } from '../vocabulary.js';
import type { Account } from './config.js';

/** checkEndpoint is checkEndpointUrl as a result: the URL without a final slash, or why it is refused. */
export function checkEndpoint(raw: string): EndpointResult {
  const checked = checkEndpointUrl(raw);
  return 'error' in checked ? { error: checked.error } : { url: withoutTrailingSlashes(checked.url.href) };
}

/** endpointFor is the base URL of a service for an account: endpoints.<service>, then endpoint, then the default. */
export function endpointFor(account: Account, service: ServiceName): EndpointResult {
  const override = account.endpoints?.[service] ?? account.endpoint;
  return override !== undefined ? checkEndpoint(override) : defaultEndpoint(service, account.region);
}

// The URL without its trailing slashes; a loop, since /\/+$/ retries from every slash of a long run.
function withoutTrailingSlashes(href: string): string {
  let end = href.length;
  while (end > 0 && href[end - 1] === '/') end--;
  return href.slice(0, end);
}
