// Which URLs may carry credentials and revocations: https://, or plain http:// to this
// machine only, never with credentials written into the URL. One rule, read by `validate`
// for the config's endpoints and enforced by the HTTP layer on every request. Also how a
// proxy URL is read (from the environment or the config), and what of it may be shown.

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
 * METADATA_HOSTS are the addresses of the clouds' instance metadata services, which answer plain HTTP
 * only and only inside an instance: Alibaba ECS 100.100.100.200, Huawei ECS 169.254.169.254.
 */
export const METADATA_HOSTS: readonly string[] = ['100.100.100.200', '169.254.169.254'];

/**
 * checkEndpointUrl accepts https://, and http:// to a loopback host (or to one of plainHttpHosts: the
 * metadata services), without credentials in the URL: credentials and revocations never travel in
 * clear text to another machine, and a URL is no place for a secret.
 */
export function checkEndpointUrl(
  url: string | URL,
  plainHttpHosts: readonly string[] = [],
): EndpointUrlCheck {
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
    if (isLoopbackHost(parsed.hostname) || plainHttpHosts.includes(parsed.hostname)) return { url: parsed };
    const also = plainHttpHosts.length === 0 ? '' : ` or to ${plainHttpHosts.join(', ')}`;
    return {
      shown: parsed.origin,
      error: `plain http:// is only allowed to a loopback host (127.0.0.0/8, ::1, localhost)${also}; credentials and revocations to another machine need https://`,
    };
  }
  return { shown: parsed.origin, error: `unsupported protocol ${parsed.protocol} (https:// expected)` };
}

/** ProxyUrlCheck is a proxy URL as parsed, or why it cannot be one. */
export type ProxyUrlCheck =
  | { readonly url: URL; readonly shown: string; readonly secrets: readonly string[] }
  | { readonly error: string };

/**
 * parseProxyUrl reads a proxy URL as the variables hold it: `http://host:port`, `https://host:port`, or
 * `host:port` (http, as curl reads it), with optional `user:password@`. shown is its origin, without
 * credentials; secrets are the credentials (the password, and `user:password` whose base64 is the
 * Proxy-Authorization header), for redaction. The error never repeats the value.
 */
export function parseProxyUrl(text: string): ProxyUrlCheck {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { error: 'is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      error: `is a ${url.protocol.slice(0, -1)} proxy; rescind speaks to http:// and https:// proxies`,
    };
  }
  if (url.hostname === '') return { error: 'names no host' };
  const secrets: string[] = [];
  if (url.password !== '') {
    const user = safeDecode(url.username);
    const password = safeDecode(url.password);
    secrets.push(password, url.password, `${user}:${password}`, `${url.username}:${url.password}`);
  }
  return { url, shown: url.origin, secrets };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
