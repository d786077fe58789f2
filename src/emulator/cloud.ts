// What the service modules of the emulator share: the request they are handed
// (already routed, read and authenticated), who calls (a seed identity, or a session
// the emulator issued), the response they return, the store of the live state and of
// the issued credentials, and small helpers for reading JSON bodies and parameters.

import type { OidcIssuer } from './oidc.js';
import type { Pager } from './paging.js';
import type { AlibabaCaller, HuaweiCaller } from './principal.js';
import type { Sessions } from './sessions.js';
import type { EmulatorState } from './state.js';

/** Cloud is a cloud the emulator answers for. */
export type { Cloud } from '../vocabulary.js';
export type { AlibabaCaller, HuaweiCaller, HuaweiPrincipal, HuaweiUserRef } from './principal.js';

/** CloudRequest is one authenticated request to one operation (of Op, the service's operations). */
export interface CloudRequest<I, Op extends string = string> {
  /** op is the operation, named as the clouds' SDKs name it. */
  op: Op;
  method: string;
  /** params are the decoded path parameters of the route, by name. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  requestId: string;
  /** host is the Host header, the HostId of Alibaba's errors. */
  host: string;
  caller: I;
  now: Date;
  /** referenceTime is what time-relative rules measure from (the seed's referenceTime, or now). */
  referenceTime: Date;
}

/** HuaweiRequest is a request to a Huawei Cloud operation. */
export type HuaweiRequest<Op extends string = string> = CloudRequest<HuaweiCaller, Op>;

/** AlibabaRequest is a request to an Alibaba Cloud operation. */
export type AlibabaRequest<Op extends string = string> = CloudRequest<AlibabaCaller, Op>;

/** AnonymousRequest is a request to an operation that needs no caller, or checks its own credential. */
export type AnonymousRequest<Op extends string = string> = CloudRequest<undefined, Op>;

/** CloudResponse is an answer: status, a JSON body (absent: no body) and extra headers. */
export interface CloudResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** countAs counts the request under another operation of the service, told apart by its body. */
  countAs?: string;
}

/**
 * Store holds the live state (a handler that changes it calls changed()), the credentials the
 * emulator issued, its OIDC issuer, the pager of every list, and the configured lifetime of what it
 * issues.
 */
export interface Store {
  readonly state: EmulatorState;
  changed(): void;
  readonly sessions: Sessions;
  readonly oidc: OidcIssuer;
  /** pager cuts every list's pages, with the hostile paging a test set (POST /_emulator/faults). */
  readonly pager: Pager;
  /** credentialLifetime is how long (seconds) an issued credential lives when asked for requested seconds. */
  credentialLifetime(requested: number): number;
}

/** JsonObject is a parsed JSON object body. */
export type JsonObject = Record<string, unknown>;

/** parseJsonObject parses body as a JSON object: undefined when it is empty, an error text when not an object. */
export function parseJsonObject(body: Buffer): { value?: JsonObject } | { error: string } {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { error: 'the request body is not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: 'the request body must be a JSON object' };
  }
  return { value: value as JsonObject };
}

/** unknownKey is the first key of obj that is not in allowed. */
export function unknownKey(
  obj: Readonly<Record<string, unknown>>,
  allowed: readonly string[],
): string | undefined {
  return Object.keys(obj).find((k) => !allowed.includes(k));
}

/** unknownParam is the first query parameter not in allowed. */
export function unknownParam(query: URLSearchParams, allowed: readonly string[]): string | undefined {
  for (const k of query.keys()) if (!allowed.includes(k)) return k;
  return undefined;
}

/** repeatedParam is the first query parameter given more than once. */
export function repeatedParam(query: URLSearchParams): string | undefined {
  const seen = new Set<string>();
  for (const k of query.keys()) {
    if (seen.has(k)) return k;
    seen.add(k);
  }
  return undefined;
}

/** parseWhole parses a decimal whole number in [min, max], or undefined. */
export function parseWhole(text: string, min: number, max: number): number | undefined {
  if (!/^[0-9]{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}
