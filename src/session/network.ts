// How an opened account's requests travel, from its network settings and the environment: its proxy
// (the config's, or HTTPS_PROXY / HTTP_PROXY / NO_PROXY), the CAs it trusts besides Node's (caFile, read
// through the bounded file reader), its timeouts and retries. Accounts whose settings come out the same
// share one transport: Transports makes each once per opening.

import { createHash, X509Certificate } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { parseProxyUrl } from '../clouds/endpoint-url.js';
import type { NetworkSettings } from '../config/config.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { readBytes } from '../document/read.js';
import type { HttpClientOptions } from '../http/client.js';
import {
  createTransport,
  type HttpTransport,
  type ProxySetting,
  type TransportOptions,
} from '../http/transport.js';

/** ResolvedNetwork is what an account's settings come to: its transport's options, and its clients'. */
export interface ResolvedNetwork {
  readonly transport: TransportOptions;
  readonly client: Pick<HttpClientOptions, 'headersTimeoutMs' | 'bodyTimeoutMs' | 'timeoutMs'> & {
    readonly maxAttempts?: number;
  };
}

/** NetworkContext is where an account's network settings are read: the environment, the config's folder. */
export interface NetworkContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** configDir is the config file's folder, against which caFile is resolved. */
  readonly configDir: string;
  /** builtin: the account talks to the built-in emulator on loopback, which no proxy or CA concerns. */
  readonly builtin: boolean;
  /** files keeps the CA files read during one opening, by path: many accounts name the same one. */
  readonly files: Map<string, CaRead>;
}

/** CaRead is a CA file read: its certificates, or why it cannot be used (the end of a message). */
export type CaRead = { certificates: string[] } | { error: string };

/**
 * resolveNetwork turns an account's network settings into transport and client options, or the
 * diagnostic that says why it cannot: a proxy variable that is not a proxy URL (`account.proxy`, naming
 * the variable, never its value), a caFile that cannot be read or holds no certificate
 * (`account.ca-file`). name is the account's, for messages.
 */
export function resolveNetwork(
  name: string,
  settings: NetworkSettings,
  ctx: NetworkContext,
): { network: ResolvedNetwork } | { diagnostic: Diagnostic } {
  const transport: { proxy?: ProxySetting; ca?: readonly string[]; connectTimeoutMs?: number } = {};
  if (!ctx.builtin) {
    const proxy = proxySetting(name, settings.proxy, ctx.env);
    if ('diagnostic' in proxy) return proxy;
    transport.proxy = proxy.setting;
    if (settings.caFile !== undefined) {
      const ca = readCaFile(name, settings.caFile, ctx);
      if ('diagnostic' in ca) return ca;
      transport.ca = ca.certificates;
    }
  }
  const { connect, read, call } = settings.timeouts ?? {};
  if (connect !== undefined) transport.connectTimeoutMs = seconds(connect);
  return {
    network: {
      transport,
      client: {
        ...(read === undefined ? {} : { headersTimeoutMs: seconds(read), bodyTimeoutMs: seconds(read) }),
        ...(call === undefined ? {} : { timeoutMs: seconds(call) }),
        ...(settings.retries === undefined ? {} : { maxAttempts: settings.retries + 1 }),
      },
    },
  };
}

const seconds = (s: number): number => Math.round(s * 1000);

// The first variable of names that is set and not empty, with its name.
function firstSet(
  env: NetworkContext['env'],
  names: readonly string[],
): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value };
  }
  return undefined;
}

// The account's proxy: the config's (none, or a URL), else the environment's. Lower-case variables come
// first, as curl and undici read them. http:// endpoints are loopback only, which no proxy serves, so
// HTTP_PROXY is read as the fallback of https://, the way undici and npm do.
function proxySetting(
  name: string,
  configured: string | undefined,
  env: NetworkContext['env'],
): { setting: ProxySetting } | { diagnostic: Diagnostic } {
  if (configured === 'none') return { setting: { kind: 'none' } };
  if (configured !== undefined) {
    const parsed = parseProxyUrl(configured);
    if ('error' in parsed)
      return { diagnostic: problem('account.proxy', `account ${name}: the proxy URL ${parsed.error}`) };
    return { setting: { kind: 'url', url: configured } };
  }
  const chosen = firstSet(env, ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']);
  if (chosen === undefined) return { setting: { kind: 'none' } };
  const parsed = parseProxyUrl(chosen.value);
  if ('error' in parsed) {
    return {
      diagnostic: problem(
        'account.proxy',
        `account ${name}: the environment variable ${chosen.name} ${parsed.error}`,
      ),
    };
  }
  const noProxy = firstSet(env, ['no_proxy', 'NO_PROXY'])?.value;
  return {
    setting: { kind: 'env', httpsProxy: chosen.value, ...(noProxy === undefined ? {} : { noProxy }) },
  };
}

// At most this many certificates in a caFile: a bundle of every public CA holds some 150.
const MAX_CA_CERTIFICATES = 1000;

// The certificates of the account's caFile, each checked to be one, and those of NODE_EXTRA_CA_CERTS:
// CAs given to a connection replace Node's whole store, where those had been added.
function readCaFile(
  name: string,
  caFile: string,
  ctx: NetworkContext,
): { certificates: string[] } | { diagnostic: Diagnostic } {
  const path = isAbsolute(caFile) ? caFile : resolve(ctx.configDir, caFile);
  let read = ctx.files.get(path);
  if (read === undefined) {
    read = readCertificates(path, caFile, ctx.env);
    ctx.files.set(path, read);
  }
  if ('error' in read) return { diagnostic: problem('account.ca-file', `account ${name}: ${read.error}`) };
  return read;
}

function readCertificates(path: string, caFile: string, env: NetworkContext['env']): CaRead {
  const read = readBytes(path, caFile);
  if ('diagnostic' in read) return { error: `caFile: ${read.diagnostic.message}` };
  const blocks = pemCertificates(Buffer.from(read.bytes).toString('latin1'));
  if (blocks.length === 0) {
    return { error: `caFile ${caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)` };
  }
  if (blocks.length > MAX_CA_CERTIFICATES) {
    return { error: `caFile ${caFile} holds more than ${MAX_CA_CERTIFICATES} certificates` };
  }
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      return { error: `certificate ${i + 1} of caFile ${caFile} is not a valid certificate` };
    }
  }
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra !== undefined && extra !== '') {
    // Node warns at start and goes on without them when it cannot read them; so does this.
    const more = readBytes(resolve(extra), extra);
    if ('bytes' in more) blocks.push(...pemCertificates(Buffer.from(more.bytes).toString('latin1')));
  }
  return { certificates: blocks };
}

function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Transports makes one transport per distinct transport options (proxy, CAs, connect timeout,
 * connections), so that accounts with the same settings share one pool per origin.
 */
export class Transports {
  readonly #made = new Map<string, HttpTransport>();
  readonly #base: Pick<TransportOptions, 'connections' | 'keepAliveTimeoutMs' | 'connectTimeoutMs'>;

  /** base are options every transport starts from (the session's tuning), under each account's own. */
  constructor(base: Pick<TransportOptions, 'connections' | 'keepAliveTimeoutMs' | 'connectTimeoutMs'>) {
    this.#base = base;
  }

  /** for returns the transport of these options, made on first use. */
  for(options: TransportOptions): HttpTransport {
    const merged: TransportOptions = { ...this.#base, ...options };
    const key = JSON.stringify([
      merged.proxy ?? null,
      createHash('sha256')
        .update((merged.ca ?? []).join('\n'))
        .digest('base64'),
      merged.connectTimeoutMs ?? null,
      merged.connections ?? null,
      merged.keepAliveTimeoutMs ?? null,
    ]);
    let transport = this.#made.get(key);
    if (transport === undefined) {
      transport = createTransport(merged);
      this.#made.set(key, transport);
    }
    return transport;
  }
}

function problem(code: Diagnostic['code'], message: string): Diagnostic {
  return { severity: 'error', code, message };
}
