// A small client for the emulator's tests: signs requests with rescind's own signers
// (src/clouds/*/sign.ts), sends them with undici over real HTTP and parses the answer.
// Also the demo credentials of plans/examples/emulator-seed.yaml and the admin calls.

import { request } from 'undici';
import {
  type AlibabaCredentials,
  type AlibabaQuery,
  buildCanonicalQuery as aliQuery,
  signAlibabaRequest,
} from '../../src/clouds/alibabacloud/sign.js';
import {
  type HuaweiCredentials,
  type HuaweiQuery,
  buildCanonicalQuery as hwQuery,
  signHuaweiRequest,
} from '../../src/clouds/huaweicloud/sign.js';

/** demo holds the demo seed's identities and scopes. */
export const demo = {
  huawei: { accessKey: 'RESCINDDEMOHWAK00001', secretKey: 'rescind-demo-huawei-secret' },
  token: 'rescind-demo-iam-token',
  alibaba: { accessKeyId: 'RESCINDDEMOALIAK0001', accessKeySecret: 'rescind-demo-alibaba-secret' },
  projectId: '0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f',
  domainId: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
} as const;

/** demoIdentities are the demo seed's callers, for seeds a test writes itself. */
export const demoIdentities = {
  huaweicloud: {
    cloud: 'huaweicloud',
    accessKey: demo.huawei.accessKey,
    secretKey: demo.huawei.secretKey,
    userId: '0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f',
    domainId: demo.domainId,
  },
  alibabacloud: {
    cloud: 'alibabacloud',
    accessKeyId: demo.alibaba.accessKeyId,
    accessKeySecret: demo.alibaba.accessKeySecret,
    uid: '200000000000000001',
    accountId: '1000000000000001',
  },
} as const;

/** Answer is a parsed answer: status, headers, body text and JSON (undefined when empty or not JSON). */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: unknown;
}

/** HuaweiCall is a Huawei Cloud request: a JSON body is sent as application/json. */
export interface HuaweiCall {
  method: string;
  path: string;
  query?: HuaweiQuery;
  /** body: an object is sent as JSON; a string or bytes are sent as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  /** auth: AK/SK credentials (default: the demo ones), a token, or none. */
  auth?: HuaweiCredentials | { token: string } | 'none';
  /** projectId / domainId are sent (and signed) as X-Project-Id / X-Domain-Id. */
  projectId?: string;
  domainId?: string;
  now?: Date;
}

/** callHuawei signs and sends a Huawei Cloud request to the emulator at base. */
export async function callHuawei(base: string, call: HuaweiCall): Promise<Answer> {
  const headers: Record<string, string> = { ...call.headers };
  let body: string | Uint8Array | undefined;
  if (call.body !== undefined) {
    body =
      typeof call.body === 'string' || call.body instanceof Uint8Array
        ? call.body
        : JSON.stringify(call.body);
    headers['content-type'] ??= 'application/json';
  }
  if (call.projectId !== undefined) headers['x-project-id'] = call.projectId;
  if (call.domainId !== undefined) headers['x-domain-id'] = call.domainId;
  const url = `${base}${call.path}`;
  const auth = call.auth ?? demo.huawei;
  if (auth !== 'none') {
    if ('token' in auth) headers['x-auth-token'] = auth.token;
    else {
      const signed = signHuaweiRequest(
        {
          method: call.method,
          url,
          query: call.query ?? {},
          headers,
          ...(body !== undefined ? { body } : {}),
        },
        auth,
        call.now ?? new Date(),
      );
      Object.assign(headers, signed);
    }
  }
  const query = hwQuery(call.query ?? {});
  return send(call.method, query === '' ? url : `${url}?${query}`, headers, body);
}

/** AlibabaCall is an Alibaba Cloud request (RPC: pathname '/'; ROA: the API path). */
export interface AlibabaCall {
  method: string;
  pathname: string;
  action: string;
  version: string;
  query?: AlibabaQuery;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  credentials?: AlibabaCredentials;
  now?: Date;
  nonce?: string;
  /** tamper changes the signed request before it is sent (after signing). */
  tamper?: (req: {
    url: string;
    headers: Record<string, string>;
    body: string | Uint8Array | undefined;
  }) => void;
}

/** callAlibaba signs and sends an Alibaba Cloud request to the emulator at base. */
export async function callAlibaba(base: string, call: AlibabaCall): Promise<Answer> {
  const headers: Record<string, string> = { ...call.headers };
  const signed = signAlibabaRequest(
    {
      method: call.method,
      host: new URL(base).host,
      pathname: call.pathname,
      action: call.action,
      version: call.version,
      query: call.query ?? {},
      headers,
      ...(call.body !== undefined ? { body: call.body } : {}),
    },
    call.credentials ?? demo.alibaba,
    call.now ?? new Date(),
    ...(call.nonce !== undefined ? [call.nonce] : []),
  );
  const query = aliQuery(call.query ?? {});
  const req = {
    url: `${base}${call.pathname}${query === '' ? '' : `?${query}`}`,
    headers: { ...headers, ...signed },
    body: call.body,
  };
  call.tamper?.(req);
  return send(call.method, req.url, req.headers, req.body);
}

/** esa calls an ESA RPC action with the demo credentials. */
export function esa(base: string, action: string, query: AlibabaQuery, extra: Partial<AlibabaCall> = {}) {
  return callAlibaba(base, { method: 'GET', pathname: '/', action, version: '2024-09-10', query, ...extra });
}

/** ack calls an ACK ROA operation with the demo credentials. */
export function ack(
  base: string,
  method: string,
  pathname: string,
  action: string,
  query: AlibabaQuery = {},
  extra: Partial<AlibabaCall> = {},
) {
  return callAlibaba(base, { method, pathname, action, version: '2015-12-15', query, ...extra });
}

/** adminCall calls an admin endpoint (no signature). */
export async function adminCall(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  let text: string | undefined;
  if (body !== undefined) {
    text = typeof body === 'string' ? body : JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  return send(method, `${base}${path}`, headers, text);
}

/** rawCall sends a request exactly as given, unsigned. */
export function rawCall(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Uint8Array,
): Promise<Answer> {
  return send(method, `${base}${path}`, headers, body);
}

async function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
): Promise<Answer> {
  const res = await request(url, {
    method: method as 'GET',
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(',') : v;
  return { status: res.statusCode, headers: flat, text, json };
}
