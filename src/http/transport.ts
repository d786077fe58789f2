// Where requests travel: a keep-alive undici Agent (a pool per endpoint origin), the proxy each origin
// goes through (HTTPS_PROXY / HTTP_PROXY / NO_PROXY as given, or one proxy for every request, or none),
// and the CAs a server's certificate may chain to (Node's, plus extra PEM certificates). A transport
// may carry the clients of many accounts: accounts with the same network settings share one, so that
// two thousand accounts on one endpoint keep one bounded pool. Loopback is never proxied.

import { BlockList, isIP } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import { isLoopbackHost, parseProxyUrl } from '../clouds/endpoint-url.js';
import { Agent, Pool, type ProxyAgent, proxyAgentClass } from './undici.js';

/**
 * ProxySetting says which proxy requests go through: `none`; one `url` for every request; or `env`, the
 * variables' values as read (https for https:// URLs, falling back to http; NO_PROXY exempts hosts).
 * Whatever the setting, a loopback host (127.0.0.0/8, ::1, localhost) is reached directly.
 */
export type ProxySetting =
  | { readonly kind: 'none' }
  | { readonly kind: 'url'; readonly url: string }
  | {
      readonly kind: 'env';
      readonly httpsProxy?: string | undefined;
      readonly httpProxy?: string | undefined;
      readonly noProxy?: string | undefined;
    };

/** TransportOptions configure a transport. Durations are in milliseconds. */
export interface TransportOptions {
  /** connections is the most sockets per endpoint origin (and per proxy tunnel origin); default 8. */
  readonly connections?: number;
  /** keepAliveTimeoutMs is how long an idle socket is kept when the server does not say; default 10 000. */
  readonly keepAliveTimeoutMs?: number;
  /** connectTimeoutMs limits a TCP connection and its TLS handshake (and a proxy's tunnel); default 5 000. */
  readonly connectTimeoutMs?: number;
  /** proxy is the proxy setting; default none. */
  readonly proxy?: ProxySetting;
  /**
   * ca are PEM certificates trusted besides Node's public CAs. Given any, they also stand in for what
   * NODE_EXTRA_CA_CERTS added to Node's store: a caller that wants those lists them too (the session does).
   */
  readonly ca?: readonly string[];
}

/** DEFAULT_CONNECT_TIMEOUT_MS is how long a connection may take: two SYN retransmissions (1 s, 3 s) fit. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** HttpTransport is a transport: the dispatcher the clients compose their interceptors on. */
export interface HttpTransport {
  /** dispatcher sends each request directly or through its proxy. */
  readonly dispatcher: Dispatcher;
  readonly connectTimeoutMs: number;
  /** secrets are the proxies' credentials, to be redacted wherever the clients write. */
  readonly secrets: readonly string[];
  /** via names the proxy a request to origin goes through (its origin, no credentials); undefined when direct. */
  via(origin: string): string | undefined;
  /**
   * retain counts one more user of the transport and returns its release: the transport closes when
   * every user has released it.
   */
  retain(): () => Promise<void>;
}

/**
 * noProxyMatches says whether NO_PROXY exempts a host, as curl and undici read it: entries separated by
 * commas or spaces; `*` exempts every host; `example.com`, `.example.com` and `*.example.com` exempt the
 * host and its subdomains; `host:port` only that port; an IP address exempts that address, an
 * `address/bits` range (CIDR) every address in it. Case does not matter.
 */
export function noProxyMatches(hostname: string, port: number, noProxy: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const cidr = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(entry);
    if (cidr !== null) {
      if (inRange(host, cidr[1] ?? '', Number(cidr[2]))) return true;
      continue;
    }
    // `[::1]:443`, `host:443`, `::1` (an IPv6 address alone has colons but no port).
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const withPort = bracketed === null ? /^([^:]+):(\d+)$/.exec(entry) : null;
    const name = bracketed?.[1] ?? withPort?.[1] ?? entry;
    const portText = bracketed?.[2] ?? withPort?.[2];
    if (portText !== undefined && Number(portText) !== port) continue;
    const bare = name.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

// Whether an IP address lies in the range base/bits (both of one family).
function inRange(host: string, base: string, bits: number): boolean {
  const family = isIP(host);
  if (family === 0 || isIP(base) !== family || bits > (family === 4 ? 32 : 128)) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(base, bits, type);
  return list.check(host, type);
}

/**
 * proxyFor is the proxy URL (as given, credentials included) that a request to url goes through under
 * setting; undefined for a direct connection. Loopback hosts are always direct.
 */
export function proxyFor(url: URL, setting: ProxySetting): string | undefined {
  if (isLoopbackHost(url.hostname) || setting.kind === 'none') return undefined;
  if (setting.kind === 'url') return setting.url;
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  if (setting.noProxy !== undefined && noProxyMatches(url.hostname, port, setting.noProxy)) return undefined;
  const chosen = url.protocol === 'https:' ? (setting.httpsProxy ?? setting.httpProxy) : setting.httpProxy;
  return chosen === '' ? undefined : chosen;
}

/**
 * createTransport makes a transport: a direct Agent, and one ProxyAgent per proxy in use (made on first
 * use). TLS to endpoints and to https:// proxies checks certificates against Node's CAs plus options.ca;
 * nothing here can turn that check off. A proxy's tunnel (its CONNECT answer) must come within the
 * connect timeout.
 */
export function createTransport(options: TransportOptions = {}): HttpTransport {
  const connections = options.connections ?? 8;
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 10_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const setting = options.proxy ?? { kind: 'none' };
  const ca = options.ca ?? [];
  // One secure context for every connection: passing `ca` to each connection would parse Node's whole
  // store again each time. Adding CAs means listing Node's own first: `ca` replaces the default store.
  const secureContext =
    ca.length === 0 ? undefined : createSecureContext({ ca: [...rootCertificates, ...ca] });
  const tls = { timeout: connectTimeoutMs, ...(secureContext === undefined ? {} : { secureContext }) };
  const direct = new Agent({ connections, keepAliveTimeout, connect: tls });

  const secrets: string[] = [];
  const shown = new Map<string, string>();
  for (const url of proxyUrls(setting)) {
    const parsed = parseProxyUrl(url);
    if ('error' in parsed) throw new TypeError(`a proxy URL ${parsed.error}`);
    secrets.push(...parsed.secrets);
    shown.set(url, parsed.shown);
  }
  const proxies = new Map<string, ProxyAgent>();
  const proxyAgent = (url: string): ProxyAgent => {
    let agent = proxies.get(url);
    if (agent === undefined) {
      const parsed = parseProxyUrl(url) as { url: URL };
      const ProxyAgent = proxyAgentClass();
      agent = new ProxyAgent({
        uri: parsed.url.href,
        connections,
        keepAliveTimeout,
        requestTls: tls,
        proxyTls: tls,
        // The CONNECT exchange with the proxy: its answer within the connect timeout.
        clientFactory: (origin, opts) => new Pool(origin, { ...opts, headersTimeout: connectTimeoutMs }),
      });
      proxies.set(url, agent);
    }
    return agent;
  };
  const routes = new Map<string, string | undefined>();
  const route = (origin: string): string | undefined => {
    if (routes.has(origin)) return routes.get(origin);
    let chosen: string | undefined;
    try {
      chosen = proxyFor(new URL(origin), setting);
    } catch {
      chosen = undefined;
    }
    routes.set(origin, chosen);
    return chosen;
  };
  const dispatcher = direct.compose((dispatch) => (opts, handler) => {
    const proxy = route(String(opts.origin ?? ''));
    return proxy === undefined ? dispatch(opts, handler) : proxyAgent(proxy).dispatch(opts, handler);
  });

  let users = 0;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= Promise.all([dispatcher.close(), ...[...proxies.values()].map((p) => p.close())]).then(
      () => undefined,
    );
    return closed;
  };
  return {
    dispatcher,
    connectTimeoutMs,
    secrets,
    via: (origin) => {
      const proxy = route(origin);
      return proxy === undefined ? undefined : shown.get(proxy);
    },
    retain: () => {
      if (closed !== undefined) throw new Error('the transport is closed');
      users += 1;
      let released = false;
      return () => {
        if (!released) {
          released = true;
          users -= 1;
        }
        return users === 0 ? close() : Promise.resolve();
      };
    },
  };
}

function proxyUrls(setting: ProxySetting): string[] {
  if (setting.kind === 'url') return [setting.url];
  if (setting.kind === 'none') return [];
  return [setting.httpsProxy, setting.httpProxy].filter((u): u is string => u !== undefined && u !== '');
}
