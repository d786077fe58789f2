// The local cloud emulator: one node:http server on 127.0.0.1 that routes each request
// to its cloud and operation, authenticates it for real, injects the configured faults,
// answers from the live state, and serves the admin endpoints under /_emulator/, the
// metadata services of both clouds and its OIDC issuer (public.ts).

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALIBABA_RETRY_AFTER_HEADER, ALIBABA_THROTTLE_CODE } from '../clouds/alibabacloud/dialect.js';
import { decodeQuery } from '../clouds/canonical.js';
import { dialects } from '../clouds/dialects.js';
import { isLoopbackHost } from '../clouds/endpoint-url.js';
import { HUAWEI_THROTTLE_CODE } from '../clouds/huaweicloud/dialect.js';
import type { ServiceName } from '../vocabulary.js';
import { alibabaError } from './alibabacloud/errors.js';
import { V1_COMMON_PARAMETERS } from './auth/alibabacloud-v1.js';
import { NonceCache, type SignedRequest } from './auth/index.js';
import { type Caller, callerOf } from './caller.js';
import type { Cloud, CloudRequest, CloudResponse, Store } from './cloud.js';
import { type FaultDecision, FaultInjector, type FaultSettings, parseFaultUpdate } from './faults.js';
import { Gate, type GateCaller, isRefusal } from './gate.js';
import { apigwError } from './huaweicloud/errors.js';
import { OidcIssuer } from './oidc.js';
import { Pager, type PagingFaults, parsePagingFaults } from './paging.js';
import { holdPersist, PERSIST_MAX_BYTES, type Persist } from './persist.js';
import {
  adminOidc,
  isPublicPath,
  type PublicAnswer,
  type PublicOperation,
  publicOperation,
  servePublic,
} from './public.js';
import { cloudOfRequest, matchRoute, missResponse, type Route } from './routes.js';
import { loadPersisted, loadSeed } from './seed.js';
import type { EmulatorService } from './service.js';
import { type Operation, pagedOperations, services } from './services.js';
import { Sessions } from './sessions.js';
import type { EmulatorState } from './state.js';

// The services by name: where a routed request is handed.
const SERVICES: ReadonlyMap<ServiceName, EmulatorService> = new Map(
  services.map((s): [ServiceName, EmulatorService] => [s.service, s]),
);

/** MAX_BODY_BYTES is the largest request body the emulator reads (1 MiB); a larger one gets the cloud's 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** EmulatorOptions configure startEmulator; every fault is off by default. */
export interface EmulatorOptions extends Partial<FaultSettings> {
  /** port to listen on, on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** state is a seed file (YAML or JSON) or a parsed seed; default: the demo seed. */
  state?: string | EmulatorState;
  /** persist is a file that keeps the state across runs: loaded when present, rewritten on every change. */
  persist?: string;
  /** now is the clock of signatures and rules; default: the system clock. */
  now?: () => Date;
  /** maxBodyBytes overrides MAX_BODY_BYTES. */
  maxBodyBytes?: number;
  /** requestTimeoutMs is how long a client may take to send a whole request; default 60 000. */
  requestTimeoutMs?: number;
  /** credentialTtlSeconds overrides the seed's: the lifetime of every temporary credential issued. */
  credentialTtlSeconds?: number;
  /** oidcIssuer overrides the seed's oidc.issuer: the iss of the tokens the emulator mints. */
  oidcIssuer?: string;
  /** paging is hostile paging per list operation, as POST /_emulator/faults sets it (paging.ts). */
  paging?: PagingFaults;
}

/** StatsKey is what GET /_emulator/stats counts: a cloud operation, or a read of a metadata service. */
export type StatsKey = Operation | PublicOperation;

/** EmulatorStats are the counters of GET /_emulator/stats, keyed by operation name. */
export interface EmulatorStats {
  requests: Partial<Record<StatsKey, number>>;
  maxInFlight: Partial<Record<StatsKey, number>>;
  /** throttled counts throttling answers. */
  throttled: number;
  /** faults counts injected 5xx answers and dropped connections. */
  faults: number;
}

/** RunningEmulator is a started emulator: its base URL and port, who may call it, and close(). */
export interface RunningEmulator {
  url: string;
  port: number;
  /** caller is who calls for cloud with the state's first access key (callerOf); undefined when none can. */
  caller(cloud: Cloud): Caller | undefined;
  /** close stops listening, ends every open connection and resolves when the server is closed. */
  close(): Promise<void>;
}

/**
 * startEmulator starts the emulator on 127.0.0.1. It throws EmulatorStateError (with located
 * diagnostics) when the seed or the persisted state is not valid, and a RangeError for a fault
 * setting out of range.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  // Slow clients are cut off: headers within 20 s, the whole request within the request timeout.
  const requestTimeout = options.requestTimeoutMs ?? 60_000;
  const server = createServer(
    {
      keepAliveTimeout: 30_000,
      headersTimeout: Math.min(20_000, requestTimeout),
      requestTimeout,
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, requestTimeout / 2)),
    },
    (req, res) => {
      emulator.handle(req, res).catch((e: unknown) => {
        // A bug: answer 500 rather than leave the client hanging.
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: `emulator bug: ${e instanceof Error ? e.message : String(e)}` }));
        } else {
          res.destroy();
        }
      });
    },
  );
  server.on('clientError', (err: Error & { code?: string }, socket) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });
  // At most this many connections at once, each buffering at most maxBodyBytes of an authenticated body.
  server.maxConnections = MAX_CONNECTIONS;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    emulator.release();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  emulator.url = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    caller: (cloud) => callerOf(emulator.state, cloud),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          emulator.release();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** MAX_CONNECTIONS bounds the emulator's open connections; more wait in the kernel's queue, then fail. */
export const MAX_CONNECTIONS = 512;

class Emulator implements Store {
  state: EmulatorState;
  // The seed: what the state starts as and goes back to on reset. The built-in demo seed is read only
  // when needed (no state persisted, or a reset): a kept state makes its YAML and schema check moot.
  #seed: EmulatorState | undefined;
  readonly #persist: Persist | undefined;
  readonly #now: () => Date;
  readonly #maxBody: number;
  readonly #faults: FaultInjector;
  readonly sessions = new Sessions();
  readonly oidc: OidcIssuer;
  /** pager cuts every list's pages, with the hostile paging set by options or POST /_emulator/faults. */
  readonly pager = new Pager();
  /** url is the emulator's base URL, set once it listens. */
  url = 'http://127.0.0.1';
  readonly #gate = new Gate(this.sessions, new NonceCache(30 * 60 * 1000));
  readonly #credentialTtl: number | undefined;
  #stats: EmulatorStats = emptyStats();
  readonly #inFlight = new Map<StatsKey, number>();

  constructor(options: EmulatorOptions) {
    this.#seed = options.state === undefined ? undefined : loadSeed(options.state);
    this.#persist = options.persist === undefined ? undefined : holdPersist(options.persist);
    let persisted: EmulatorState | undefined;
    try {
      persisted =
        this.#persist === undefined ? undefined : loadPersisted(this.#persist.file, PERSIST_MAX_BYTES);
    } catch (e) {
      this.#persist?.release();
      throw e;
    }
    this.state = persisted ?? structuredClone(this.#seeded());
    this.#now = options.now ?? (() => new Date());
    this.#maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
    const settings: Record<string, unknown> = {};
    for (const name of ['latencyMs', 'jitterMs', 'errorRate', 'throttleRps', 'dropRate', 'seed'] as const) {
      if (options[name] !== undefined) settings[name] = options[name];
    }
    const parsed = parseFaultUpdate(settings);
    if ('error' in parsed) throw new RangeError(parsed.error);
    this.#faults = new FaultInjector(parsed.update);
    const paging = parsePagingFaults(options.paging ?? {}, pagedOperations);
    if ('error' in paging) throw new RangeError(paging.error);
    this.pager.update(paging.update);
    this.#gate.index(this.state);
    const ttl = options.credentialTtlSeconds;
    if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 1 && ttl <= 86_400)) {
      throw new RangeError(`credentialTtlSeconds must be a whole number from 1 to 86400, not ${ttl}`);
    }
    this.#credentialTtl = ttl;
    const issuer = options.oidcIssuer;
    this.oidc = new OidcIssuer(() => issuer ?? this.state.oidc?.issuer ?? this.url);
    try {
      if (persisted === undefined) this.changed();
    } catch (e) {
      this.#persist?.release();
      throw e;
    }
  }

  #seeded(): EmulatorState {
    this.#seed ??= loadSeed(undefined);
    return this.#seed;
  }

  /** changed saves the state when it is persisted. */
  changed(): void {
    this.#persist?.save(this.state);
  }

  /** release gives the persist file back. */
  release(): void {
    this.#persist?.release();
  }

  /** credentialLifetime is the option's lifetime, else the seed's, else what the request asked for. */
  credentialLifetime(requested: number): number {
    return this.#credentialTtl ?? this.state.credentialTtlSeconds ?? requested;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';
    if (rawPath.startsWith('/_emulator/') || rawPath === '/_emulator') {
      return this.#admin(req, res, method, rawPath, rawQuery);
    }
    if (isPublicPath(rawPath)) return this.#public(req, res, method, rawPath);
    const headers = flattenHeaders(req.headers);
    const cloud = cloudOfRequest(headers, rawPath, rawQuery);
    const requestId = cloud === 'huaweicloud' ? randomUUID().replaceAll('-', '') : randomUUID().toUpperCase();
    const host = headers.host ?? '';
    // A request without a body (most GETs) needs no wait for one. A request answered before its body
    // is read closes its connection, so that an unread body is never read.
    const hasBody = headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined;
    const match = matchRoute(cloud, method, rawPath, headers, rawQuery);
    if ('miss' in match)
      return send(res, cloud, requestId, missResponse(match.miss, requestId, host), hasBody);
    const declared = Number(headers['content-length'] ?? 0);
    if (declared > this.#maxBody) {
      return send(res, cloud, requestId, tooLarge(cloud, requestId, host, this.#maxBody), true);
    }

    const { route } = match;
    const op = route.op;
    this.#count(op);
    // An operation that authenticates itself (or needs no caller) passes the gateway anonymously.
    const anonymous =
      route.auth === 'none' ||
      (route.auth === 'optional' &&
        headers.authorization === undefined &&
        headers['x-auth-token'] === undefined);
    try {
      const now = this.#now();
      const decision = this.#faults.decide(op, now.getTime());
      // Who is calling is checked from the headers before any body is buffered.
      const refused = anonymous
        ? undefined
        : this.#precheck(route.cloud, headers, rawQuery, now, requestId, host);
      if (refused !== undefined) {
        if (decision.delayMs > 0) await sleep(decision.delayMs);
        return send(res, cloud, requestId, refused, hasBody);
      }
      const body = hasBody ? await readBody(req, this.#maxBody) : EMPTY;
      if (body === 'destroyed') return;
      if (body === 'too-large') {
        return send(res, cloud, requestId, tooLarge(cloud, requestId, host, this.#maxBody), true);
      }
      const signed: SignedRequest = { method, path: rawPath, query: rawQuery, headers, body };
      const response = this.#answer(route, decision, signed, anonymous, requestId, host, now);
      if (decision.delayMs > 0) await sleep(decision.delayMs);
      if (response === 'drop') {
        this.#stats.faults++;
        res.destroy();
        return;
      }
      if (response.countAs !== undefined && response.countAs !== op) {
        this.#stats.requests[op] = (this.#stats.requests[op] ?? 1) - 1;
        const other = response.countAs as Operation;
        this.#stats.requests[other] = (this.#stats.requests[other] ?? 0) + 1;
      }
      send(res, cloud, requestId, response);
    } finally {
      this.#inFlight.set(op, (this.#inFlight.get(op) ?? 1) - 1);
    }
  }

  // Counts a request of key and its concurrency; the caller decrements #inFlight when it is answered.
  #count(key: StatsKey): void {
    this.#stats.requests[key] = (this.#stats.requests[key] ?? 0) + 1;
    const inFlight = (this.#inFlight.get(key) ?? 0) + 1;
    this.#inFlight.set(key, inFlight);
    if (inFlight > (this.#stats.maxInFlight[key] ?? 0)) this.#stats.maxInFlight[key] = inFlight;
  }

  // The cloud's refusal of a caller that the headers alone show is unknown, expired or malformed.
  #precheck(
    cloud: Cloud,
    headers: Readonly<Record<string, string>>,
    rawQuery: string,
    now: Date,
    requestId: string,
    host: string,
  ): CloudResponse | undefined {
    const refusal = this.#gate.precheck(cloud, headers, rawQuery, now);
    if (refusal === undefined) return undefined;
    return cloud === 'huaweicloud'
      ? apigwError(refusal.status, refusal.code, refusal.message, requestId)
      : alibabaError(refusal.status, refusal.code, refusal.message, requestId, host);
  }

  // The answer to an authenticated-or-not request, after faults: 'drop' destroys the connection.
  #answer(
    route: Route,
    decision: FaultDecision,
    signed: SignedRequest,
    anonymous: boolean,
    requestId: string,
    host: string,
    now: Date,
  ): CloudResponse | 'drop' {
    const authenticated = anonymous ? undefined : this.#gate.authenticate(route.cloud, signed, now);
    if (authenticated !== undefined && isRefusal(authenticated)) {
      const { status, code, message } = authenticated;
      return route.cloud === 'huaweicloud'
        ? apigwError(status, code, message, requestId)
        : alibabaError(status, code, message, requestId, host);
    }
    const caller: GateCaller | undefined = authenticated;
    if (decision.throttled) {
      this.#stats.throttled++;
      return throttled(
        route.cloud,
        requestId,
        host,
        this.#faults.settings.throttleRps,
        decision.retryAfterMs,
      );
    }
    if (decision.drop === 'before') return 'drop';
    const service = SERVICES.get(route.service);
    if (service === undefined) throw new Error(`no service ${route.service} in services.ts`);
    if (decision.serverError) {
      this.#stats.faults++;
      return service.internalError(requestId, host);
    }
    const query = parseQuery(signed.query);
    // A signature-1.0 call's common parameters are the gateway's, not the action's.
    if (route.cloud === 'alibabacloud' && signed.headers.authorization === undefined) {
      for (const name of V1_COMMON_PARAMETERS) query.delete(name);
    }
    const referenceTime = this.state.referenceTime !== undefined ? new Date(this.state.referenceTime) : now;
    const base: Omit<CloudRequest<never>, 'caller'> = {
      op: route.op,
      method: signed.method,
      params: route.params,
      query,
      headers: signed.headers,
      body: Buffer.from(signed.body.buffer, signed.body.byteOffset, signed.body.byteLength),
      requestId,
      host,
      now,
      referenceTime,
    };
    const response =
      caller === undefined
        ? dispatchAnonymous(service, { ...base, caller }, this)
        : dispatch(service, { ...base, caller }, this);
    return decision.drop === 'after' ? 'drop' : response;
  }

  // A metadata service or the OIDC issuer's public documents: loopback only. A metadata read is
  // counted and gets the configured faults (latency, drops, a plain 500, a plain 429 when throttled).
  async #public(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    const headers = flattenHeaders(req.headers);
    // Nothing here reads a body: one that was sent closes the connection.
    const close = headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined;
    const reply = (answer: PublicAnswer) => {
      if (res.destroyed) return;
      const text = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? '');
      res.writeHead(answer.status, {
        'content-length': Buffer.byteLength(text),
        'content-type': answer.json !== undefined ? 'application/json' : 'text/plain',
        ...(close ? { connection: 'close' } : {}),
      });
      res.end(text);
    };
    const refused = browserRefusal(req.headers);
    if (refused !== undefined) return reply({ status: 403, text: `${refused}\n` });
    const op = publicOperation(path);
    if (op === undefined) return reply(servePublic(method, path, headers, this, this.#now(), this.url));
    this.#count(op);
    try {
      const now = this.#now();
      const decision = this.#faults.decide(op, now.getTime());
      let answer: PublicAnswer | 'drop';
      if (decision.throttled) {
        this.#stats.throttled++;
        answer = { status: 429, text: 'Too Many Requests\n' };
      } else if (decision.drop === 'before') {
        answer = 'drop';
      } else if (decision.serverError) {
        this.#stats.faults++;
        answer = { status: 500, text: 'Internal Server Error\n' };
      } else {
        answer = servePublic(method, path, headers, this, now, this.url);
        if (decision.drop === 'after') answer = 'drop';
      }
      if (decision.delayMs > 0) await sleep(decision.delayMs);
      if (answer === 'drop') {
        this.#stats.faults++;
        res.destroy();
        return;
      }
      reply(answer);
    } finally {
      this.#inFlight.set(op, (this.#inFlight.get(op) ?? 1) - 1);
    }
  }

  async #admin(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    rawQuery: string,
  ): Promise<void> {
    const reply = (status: number, value?: unknown, close = false) => {
      const text = value === undefined ? '' : `${JSON.stringify(value, null, 2)}\n`;
      const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(text) };
      if (value !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
      if (close) headers.connection = 'close';
      res.writeHead(status, headers);
      res.end(text);
    };
    // The admin endpoints hold the seed's secret keys and change what the emulator does: only a client
    // on this machine talking to it by a loopback name may use them, never a web page (a rebound DNS
    // name, or a request from another origin).
    const refused = browserRefusal(req.headers);
    if (refused !== undefined) return reply(403, { error: refused }, true);
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === 'destroyed') return;
    const allowed: Record<string, string> = {
      '/_emulator/state': 'GET',
      '/_emulator/stats': 'GET',
      '/_emulator/reset': 'POST',
      '/_emulator/faults': 'GET, POST',
      '/_emulator/oidc/token': 'POST',
      '/_emulator/github/token': 'GET',
    };
    const allow = allowed[path];
    if (allow === undefined) {
      return reply(404, { error: `no admin endpoint ${path}; there are ${Object.keys(allowed).join(', ')}` });
    }
    if (!allow.split(', ').includes(method)) {
      res.setHeader('allow', allow);
      return reply(405, { error: `${path} takes ${allow}` });
    }
    if (body === 'too-large') return reply(413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    if (path === '/_emulator/oidc/token' || path === '/_emulator/github/token') {
      const answer = adminOidc(path, rawQuery, req.headers.authorization, body, this, this.#now());
      return reply(answer.status, answer.json);
    }
    switch (path) {
      case '/_emulator/state':
        return reply(200, this.state);
      case '/_emulator/stats':
        return reply(200, this.#stats);
      case '/_emulator/reset':
        this.state = structuredClone(this.#seeded());
        this.#gate.index(this.state);
        this.sessions.reset();
        this.#stats = emptyStats();
        this.#faults.reset();
        this.pager.reset();
        this.changed();
        return reply(204);
      default: {
        const settings = () => ({ ...this.#faults.settings, paging: this.pager.faults });
        if (method === 'GET') return reply(200, settings());
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.from(body).toString('utf8'));
        } catch {
          return reply(400, { error: 'the body must be JSON, like {"errorRate": 0.1}' });
        }
        // `paging` (hostile paging per list operation) is checked apart from the numeric settings.
        let paging: ReturnType<typeof parsePagingFaults> = { update: {} };
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && 'paging' in parsed) {
          const { paging: value, ...rest } = parsed as Record<string, unknown>;
          paging = parsePagingFaults(value, pagedOperations);
          parsed = rest;
        }
        if ('error' in paging) return reply(400, { error: paging.error });
        const update = parseFaultUpdate(parsed);
        if ('error' in update) return reply(400, { error: update.error });
        this.#faults.update(update.update);
        this.pager.update(paging.update);
        return reply(200, settings());
      }
    }
  }
}

// Hands an authenticated request to its service's handler (the caller is of the service's cloud).
function dispatch(service: EmulatorService, req: CloudRequest<GateCaller>, store: Store): CloudResponse {
  const { caller } = req;
  if (service.cloud === 'huaweicloud') {
    if (caller.cloud === 'huaweicloud') return service.handle({ ...req, caller }, store);
  } else if (caller.cloud === 'alibabacloud') {
    return service.handle({ ...req, caller }, store);
  }
  throw new Error(`a ${caller.cloud} caller was routed to ${service.service}`);
}

// Hands a request that passed the gateway without a caller to its service's anonymous handler.
function dispatchAnonymous(
  service: EmulatorService,
  req: CloudRequest<undefined>,
  store: Store,
): CloudResponse {
  if (service.handleAnonymous === undefined)
    throw new Error(`${service.service} has no anonymous operations`);
  return service.handleAnonymous(req, store);
}

function emptyStats(): EmulatorStats {
  return { requests: {}, maxInFlight: {}, throttled: 0, faults: 0 };
}

const EMPTY = new Uint8Array(0);

// Node joins repeated headers with ", " but keeps an array for set-cookie: one string per name.
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  if (headers['set-cookie'] === undefined) return headers as Record<string, string>;
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return flat;
}

// The body's bytes; 'too-large' as soon as it passes max (nothing more is read: the answer closes the
// connection); 'destroyed' when the connection ended first.
function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | 'too-large' | 'destroyed'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Uint8Array | 'too-large' | 'destroyed') => {
      if (done) return;
      done = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        finish('too-large');
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () =>
      finish(size > max ? 'too-large' : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.on('error', () => finish('destroyed'));
    req.on('close', () => finish('destroyed'));
  });
}

// A raw query as the verifiers read it: `+` stays a plus sign, a malformed %-sequence is kept.
// The query as a URLSearchParams, decoded the way the signature was checked.
function parseQuery(raw: string): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(decodeQuery(raw)))
    for (const v of values) params.append(name, v);
  return params;
}

function throttled(
  cloud: Cloud,
  requestId: string,
  host: string,
  rps: number,
  retryAfterMs: number,
): CloudResponse {
  if (cloud === 'huaweicloud') {
    return apigwError(
      429,
      HUAWEI_THROTTLE_CODE,
      `The throttling threshold has been reached: policy user over ratelimit,limit:${rps},time:1 second`,
      requestId,
    );
  }
  const answer = alibabaError(
    429,
    ALIBABA_THROTTLE_CODE,
    'Request was denied due to user flow control.',
    requestId,
    host,
  );
  return { ...answer, headers: { [ALIBABA_RETRY_AFTER_HEADER]: String(retryAfterMs) } };
}

function tooLarge(cloud: Cloud, requestId: string, host: string, max: number): CloudResponse {
  if (cloud === 'huaweicloud') return apigwError(413, 'APIGW.0201', 'Request entity too large.', requestId);
  return alibabaError(
    413,
    'RequestEntityTooLarge',
    `The request body is larger than ${max} bytes.`,
    requestId,
    host,
  );
}

function send(
  res: ServerResponse,
  cloud: Cloud,
  requestId: string,
  response: CloudResponse,
  close = false,
): void {
  if (res.destroyed) return;
  const text = response.body === undefined ? '' : JSON.stringify(response.body);
  const headers: Record<string, string | number> = {
    [dialects[cloud].requestIdHeader]: requestId,
    'content-length': Buffer.byteLength(text),
    ...response.headers,
    ...(close ? { connection: 'close' } : {}),
  };
  if (response.body !== undefined) headers['content-type'] = 'application/json;charset=UTF-8';
  res.writeHead(response.status, headers);
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Why a request to an admin endpoint is refused: a Host that is not a loopback name, or a request a
// browser sent from another origin; undefined when it may go on.
function browserRefusal(headers: IncomingHttpHeaders): string | undefined {
  const host = headers.host ?? '';
  const hostname = /^(\[[^\]]*\]|[^:]*)(:\d+)?$/.exec(host)?.[1] ?? '';
  if (!isLoopbackHost(hostname)) {
    return 'the admin endpoints answer only a loopback Host (127.0.0.1, localhost or [::1])';
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    let originHost = '';
    try {
      originHost = new URL(origin).hostname;
    } catch {
      originHost = '';
    }
    if (!isLoopbackHost(originHost)) return 'the admin endpoints refuse requests from another origin';
  }
  if (headers['sec-fetch-site'] === 'cross-site') return 'the admin endpoints refuse cross-site requests';
  return undefined;
}
