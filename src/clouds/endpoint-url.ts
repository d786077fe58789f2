// Which URLs may carry credentials and revocations: https://, or plain http:// to this
// machine only, never with credentials written into the URL. One rule, read by `validate`
// for the config's endpoints and enforced by the HTTP layer on every request.

import { isIPv4, isIPv6 } from 'node:net';

/**
 * isLoopbackHost says whether a URL hostname is loopback: `localhost`, 127.0.0.0/8 or ::1 (with or
 * without brackets). Names that merely resolve to loopback are not.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  if (isIPv6(host)) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * EndpointUrlCheck is the parsed URL, or why it is refused: `shown` names the URL without anything
 * secret (its origin, or `the endpoint` when it does not parse) and `error` says why, without the URL.
 */
export type EndpointUrlCheck = { url: URL } | { shown: string; error: string };

/**
 * checkEndpointUrl accepts https://, and http:// to a loopback host, without credentials in the URL:
 * credentials and revocations never travel in clear text, and a URL is no place for a secret.
 */
export function checkEndpointUrl(url: string | URL): EndpointUrlCheck {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return { shown: 'the endpoint', error: 'not a valid URL' };
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return { shown: parsed.origin, error: 'a URL must not hold credentials' };
  }
  if (parsed.protocol === 'https:') return { url: parsed };
  if (parsed.protocol === 'http:') {
    if (isLoopbackHost(parsed.hostname)) return { url: parsed };
    return {
      shown: parsed.origin,
      error:
        'plain http:// is only allowed to a loopback host (127.0.0.0/8, ::1, localhost); credentials and revocations to another machine need https://',
    };
  }
  return { shown: parsed.origin, error: `unsupported protocol ${parsed.protocol} (https:// expected)` };
}
