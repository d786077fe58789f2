// Helpers of the credential-source tests: the seed of test/fixtures/emulator/credentials.yaml and
// its names, tokens minted by the emulator's issuer (or signed by a stranger's key), and a
// signature-1.0 RPC request, signed here independently of the emulator's verifier.

import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Answer, adminCall, rawCall } from './emulator-client.js';

/** credentialsSeed is the seed of the credential sources. */
export const credentialsSeed = fileURLToPath(
  new URL('../fixtures/emulator/credentials.yaml', import.meta.url),
);

/** names are the IDs of credentialsSeed. */
export const names = {
  issuer: 'https://token.actions.githubusercontent.com',
  githubRequestToken: 'rescind-test-actions-request-token',
  alibaba: {
    account: '1000000000000001',
    user: { accessKeyId: 'RESCINDDEMOALIAK0001', accessKeySecret: 'rescind-demo-alibaba-secret' },
    root: { accessKeyId: 'RESCINDROOTALIAK0001', accessKeySecret: 'rescind-root-alibaba-secret' },
    ciRole: 'acs:ram::1000000000000001:role/rescind-ci',
    ciRoleId: '300000000000000001',
    partnerRole: 'acs:ram::1000000000000001:role/rescind-partner',
    ecsRole: 'rescind-ecs',
    ecsRoleId: '300000000000000003',
    provider: 'acs:ram::1000000000000001:oidc-provider/github',
    audience: 'sts.aliyuncs.com',
    siteId: 1234567890123,
    certificateId: 'baba39055622c008b90285a8838ed09a',
  },
  huawei: {
    user: { accessKey: 'RESCINDDEMOHWAK00001', secretKey: 'rescind-demo-huawei-secret' },
    other: { accessKey: 'RESCINDOTHERHWAK0001', secretKey: 'rescind-other-huawei-secret' },
    token: 'rescind-demo-iam-token',
    userId: '0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f',
    domainId: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    domainName: 'rescind-demo',
    projectId: '0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f',
    region: 'ap-southeast-1',
    agency: 'rescind-ops',
    agencyId: '8e1f2a3b4c5d6e7f8091a2b3c4d5e6f7',
    ecsAgencyId: '3d4e5f60718293a4b5c6d7e8f9a0b1c2',
    idp: 'github',
    audience: 'huaweicloud',
    keyId: '0d0466b0-e727-4d9c-b35d-f84bb474a37f',
  },
} as const;

/** MintRequest is the body of POST /_emulator/oidc/token. */
export interface MintRequest {
  sub: string;
  aud: string | string[];
  ttlSeconds?: number;
  iss?: string;
  claims?: Record<string, unknown>;
}

/** mint asks the emulator's issuer for a token. */
export async function mint(base: string, req: MintRequest): Promise<string> {
  const answer = await adminCall(base, 'POST', '/_emulator/oidc/token', req);
  if (answer.status !== 200) throw new Error(`mint: ${answer.status} ${answer.text}`);
  return (answer.json as { token: string }).token;
}

/** strangerToken is a well-formed RS256 token of claims, signed by a key the emulator never saw. */
export function strangerToken(claims: Record<string, unknown>): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const data = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'stranger' })}.${b64(claims)}`;
  return `${data}.${sign('sha256', Buffer.from(data), privateKey).toString('base64url')}`;
}

/** rpcTimestamp is a signature-1.0 Timestamp: `YYYY-MM-DDTHH:mm:ssZ`. */
export function rpcTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

/**
 * callRpcV1 sends an Alibaba RPC action signed with signature 1.0 (HMAC-SHA1 over the sorted
 * parameters), the way @alicloud/credentials signs AssumeRole: common parameters in the query, the
 * action's in a form body (POST) or the query (GET). Without credentials the request is anonymous.
 */
export async function callRpcV1(
  base: string,
  action: string,
  version: string,
  params: Record<string, string>,
  opts: {
    credentials?: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
    method?: 'GET' | 'POST';
    now?: Date;
    tamper?: (query: Record<string, string>) => void;
  } = {},
): Promise<Answer> {
  const method = opts.method ?? 'POST';
  const query: Record<string, string> = {
    Action: action,
    Version: version,
    Format: 'JSON',
    Timestamp: rpcTimestamp(opts.now ?? new Date()),
  };
  const creds = opts.credentials;
  if (creds !== undefined) {
    Object.assign(query, {
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      AccessKeyId: creds.accessKeyId,
      ...(creds.securityToken !== undefined ? { SecurityToken: creds.securityToken } : {}),
    });
  }
  const inQuery = method === 'GET' ? { ...query, ...params } : query;
  if (creds !== undefined) {
    const all = { ...query, ...params };
    const enc = (s: string) =>
      encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const canonical = Object.keys(all)
      .sort()
      .map((k) => `${enc(k)}=${enc(all[k] ?? '')}`)
      .join('&');
    const toSign = `${method}&${enc('/')}&${enc(canonical)}`;
    inQuery.Signature = createHmac('sha1', `${creds.accessKeySecret}&`).update(toSign).digest('base64');
  }
  opts.tamper?.(inQuery);
  const qs = Object.entries(inQuery)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  const body = method === 'POST' ? new URLSearchParams(params).toString() : undefined;
  const headers: Record<string, string> =
    body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
  return rawCall(base, method, `/?${qs}`, headers, body);
}
