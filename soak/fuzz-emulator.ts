// Scenario 3b, property-based fuzzing of the emulator over real HTTP with fast-check, no faults injected:
// - random requests (methods, paths near and far from the routes, queries, headers, bodies), unsigned,
//   with garbage signatures, with the demo IAM token, or signed for real by the demo credentials (so that
//   they reach the services' handlers): never a 5xx, never a hang, and the state the emulator keeps stays
//   a valid seed;
// - tampered requests: a valid signed request of the demo credentials (reads, and revokes) with one byte
//   of its method, path, query, a signed header, its Authorization or its body changed: always a 4xx,
//   never accepted, and a tampered revoke changes nothing. Untampered twins are sent too: they succeed,
//   so the templates really are valid.
// Random requests go to one emulator (they may revoke things), tampered ones to another.

import { connect } from 'node:net';
import fc from 'fast-check';
import {
  buildCanonicalQuery as aliQuery,
  parseAuthorization as parseAliAuthorization,
  signAlibabaRequest,
} from '../src/clouds/alibabacloud/sign.js';
import {
  buildCanonicalQuery as hwQuery,
  parseAuthorization as parseHwAuthorization,
  signHuaweiRequest,
} from '../src/clouds/huaweicloud/sign.js';
import { checkData } from '../src/document/pipeline.js';
import { startEmulator } from '../src/emulator/server.js';
import type { EmulatorState } from '../src/emulator/state.js';
import { ruleBook } from '../src/validate/check-document.js';
import { demo } from '../test/helpers/emulator-client.js';
import { type ScenarioResult, seconds, stateOf } from './lib.js';

/** EmulatorFuzzOptions: how many random and tampered requests, and the seed. */
export interface EmulatorFuzzOptions {
  runs: number;
  tamperRuns: number;
  seed: number;
}

/** REQUEST_MS bounds one request: the emulator answers in milliseconds. */
const REQUEST_MS = 10_000;

// The demo seed's resources.
const P = demo.projectId;
const D = demo.domainId;
const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const GRANT = '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d';
const CA = '6434f74f-2d13-4e6a-89eb-93ee313f1a43';
const CLUSTER = '4c1f6a2e-8b3d-11ef-9a1b-0255ac100031';
const SITE = '1234567890123';
const CERT = '3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c';
const UID = '276543210987654321';
const ACK_CLUSTER = 'c5b5e80b0b64a4bf6939d2d8fbbc5abcd';

/** Raw is a request exactly as sent. */
interface Raw {
  method: string;
  /** path with its query string. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

type Query = Record<string, string>;

function huawei(
  base: string,
  method: string,
  path: string,
  query: Query,
  headers: Record<string, string>,
  body?: string,
): Raw {
  const all = {
    ...headers,
    ...(body === undefined ? {} : { 'content-type': headers['content-type'] ?? 'application/json' }),
  };
  const signed = signHuaweiRequest(
    { method, url: `${base}${path}`, query, headers: all, ...(body === undefined ? {} : { body }) },
    demo.huawei,
    new Date(),
  );
  const q = hwQuery(query);
  return {
    method,
    path: q === '' ? path : `${path}?${q}`,
    headers: { ...all, ...signed },
    ...(body === undefined ? {} : { body }),
  };
}

function alibaba(
  base: string,
  method: string,
  pathname: string,
  action: string,
  version: string,
  query: Query,
  headers: Record<string, string> = {},
  body?: string,
): Raw {
  const signed = signAlibabaRequest(
    {
      method,
      host: new URL(base).host,
      pathname,
      action,
      version,
      query,
      headers,
      ...(body === undefined ? {} : { body }),
    },
    demo.alibaba,
    new Date(),
  );
  const q = aliQuery(query);
  return {
    method,
    path: q === '' ? pathname : `${pathname}?${q}`,
    headers: { ...headers, ...signed },
    ...(body === undefined ? {} : { body }),
  };
}

/** Template is a valid signed request of the demo credentials; revoke templates change state when accepted. */
interface Template {
  name: string;
  revoke: boolean;
  build(base: string): Raw;
}

const TEMPLATES: readonly Template[] = [
  {
    name: 'KMS ListGrants',
    revoke: false,
    build: (b) =>
      huawei(
        b,
        'POST',
        `/v1.0/${P}/kms/list-grants`,
        {},
        { 'x-project-id': P },
        JSON.stringify({ key_id: KEY, limit: '10' }),
      ),
  },
  {
    name: 'IAM ShowPermanentAccessKey',
    revoke: false,
    build: (b) => huawei(b, 'GET', `/v3.0/OS-CREDENTIAL/credentials/${demo.huawei.accessKey}`, {}, {}),
  },
  {
    name: 'CCM ListCertificateAuthority',
    revoke: false,
    build: (b) =>
      huawei(
        b,
        'GET',
        '/v1/private-certificate-authorities',
        { limit: '10', offset: '0' },
        { 'x-domain-id': D },
      ),
  },
  {
    name: 'CCM ShowCertificateAuthority',
    revoke: false,
    build: (b) => huawei(b, 'GET', `/v1/private-certificate-authorities/${CA}`, {}, { 'x-domain-id': D }),
  },
  {
    name: 'CCE ShowCluster',
    revoke: false,
    build: (b) => huawei(b, 'GET', `/api/v3/projects/${P}/clusters/${CLUSTER}`, {}, { 'x-project-id': P }),
  },
  {
    name: 'ESA ListClientCertificates',
    revoke: false,
    build: (b) =>
      alibaba(b, 'GET', '/', 'ListClientCertificates', '2024-09-10', { SiteId: SITE, PageSize: '20' }),
  },
  {
    name: 'ESA ListClientCertificates (form body)',
    revoke: false,
    build: (b) =>
      alibaba(
        b,
        'POST',
        '/',
        'ListClientCertificates',
        '2024-09-10',
        {},
        { 'content-type': 'application/x-www-form-urlencoded' },
        `SiteId=${SITE}&PageSize=20`,
      ),
  },
  {
    name: 'STS GetCallerIdentity',
    revoke: false,
    build: (b) => alibaba(b, 'GET', '/', 'GetCallerIdentity', '2015-04-01', {}),
  },
  {
    name: 'ACK DescribeUserPermission',
    revoke: false,
    build: (b) => alibaba(b, 'GET', `/permissions/users/${UID}`, 'DescribeUserPermission', '2015-12-15', {}),
  },
  {
    name: 'KMS CancelGrant',
    revoke: true,
    build: (b) =>
      huawei(
        b,
        'POST',
        `/v1.0/${P}/kms/revoke-grant`,
        {},
        { 'x-project-id': P },
        JSON.stringify({ key_id: KEY, grant_id: GRANT }),
      ),
  },
  {
    name: 'ESA RevokeClientCertificate',
    revoke: true,
    build: (b) => alibaba(b, 'GET', '/', 'RevokeClientCertificate', '2024-09-10', { SiteId: SITE, Id: CERT }),
  },
  {
    name: 'CCM RevokeCertificateAuthority',
    revoke: true,
    build: (b) =>
      huawei(b, 'POST', `/v1/private-certificate-authorities/${CA}/revoke`, {}, { 'x-domain-id': D }, '{}'),
  },
  {
    name: 'ACK CleanClusterUserPermissions',
    revoke: true,
    build: (b) =>
      alibaba(
        b,
        'DELETE',
        `/cluster/${ACK_CLUSTER}/user/${UID}/permissions`,
        'CleanClusterUserPermissions',
        '2015-12-15',
        { Force: 'true' },
      ),
  },
];

/** Sent is an answer's status line, or no answer. */
type Sent = { status: number; text: string } | { error: string };

/**
 * send writes raw's bytes exactly (request line, headers, body) on a new connection and reads the answer
 * until the server closes it: no client library normalizes what was tampered with (a URL parser would
 * trim, encode or resolve a changed path, and refuse some bytes).
 */
function send(base: string, raw: Raw): Promise<Sent> {
  const { port } = new URL(base);
  const body = raw.body === undefined ? undefined : Buffer.from(raw.body, 'utf8');
  const headers: Record<string, string> = { host: new URL(base).host, ...raw.headers, connection: 'close' };
  if (body !== undefined) headers['content-length'] = String(body.length);
  const head = `${raw.method} ${raw.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), '127.0.0.1');
    const done = (sent: Sent) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(sent);
    };
    const timer = setTimeout(() => done({ error: `no answer within ${REQUEST_MS} ms` }), REQUEST_MS);
    socket.on('connect', () => {
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body ?? Buffer.alloc(0)]));
    });
    socket.on('data', (b: Buffer) => chunks.push(b));
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      done(
        status === undefined
          ? { error: `closed without an answer: ${JSON.stringify(text.slice(0, 200))}` }
          : { status: Number(status), text: text.slice(text.indexOf('\r\n\r\n') + 4, 600) },
      );
    });
  });
}

// The parts of a request one byte can change, and what they may become.
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i));

function signedHeaderNames(raw: Raw): string[] {
  const auth = raw.headers.authorization ?? '';
  const parsed = parseHwAuthorization(auth) ?? parseAliAuthorization(auth);
  const signed = parsed?.signedHeaders.split(';') ?? [];
  return [...signed.filter((h) => raw.headers[h] !== undefined), 'authorization'];
}

interface Tamper {
  template: number;
  part: number;
  at: number;
  char: number;
}

// Changes one byte of one signed part of raw; undefined when the choice changes nothing.
function tamper(raw: Raw, t: Tamper): { raw: Raw; what: string } | undefined {
  const q = raw.path.indexOf('?');
  const parts: { name: string; value: string; put: (v: string) => Raw }[] = [
    { name: 'method', value: raw.method, put: (v) => ({ ...raw, method: v }) },
    {
      name: 'path',
      value: q < 0 ? raw.path : raw.path.slice(0, q),
      put: (v) => ({ ...raw, path: q < 0 ? v : v + raw.path.slice(q) }),
    },
    ...(q < 0
      ? []
      : [
          {
            name: 'query',
            value: raw.path.slice(q + 1),
            put: (v: string) => ({ ...raw, path: `${raw.path.slice(0, q)}?${v}` }),
          },
        ]),
    ...(raw.body === undefined || raw.body === ''
      ? []
      : [{ name: 'body', value: raw.body, put: (v: string) => ({ ...raw, body: v }) }]),
    ...signedHeaderNames(raw).map((h) => ({
      name: `header ${h}`,
      value: raw.headers[h] ?? '',
      put: (v: string) => ({ ...raw, headers: { ...raw.headers, [h]: v } }),
    })),
  ];
  const part = parts[t.part % parts.length];
  if (part === undefined || part.value === '') return undefined;
  const at = t.at % part.value.length;
  const char = PRINTABLE[t.char % PRINTABLE.length] ?? 'x';
  if (part.value[at] === char) return undefined;
  const value = part.value.slice(0, at) + char + part.value.slice(at + 1);
  return {
    raw: part.put(value),
    what: `${part.name}[${at}] ${JSON.stringify(part.value[at])} -> ${JSON.stringify(char)}`,
  };
}

// Random requests: near the routes and far from them.
const segment = fc.oneof(
  fc.constantFrom(
    'v1.0',
    'v1',
    'v3',
    'v3.0',
    'api',
    'kms',
    'list-grants',
    'revoke-grant',
    'list-retirable-grants',
    'projects',
    P,
    'clusters',
    CLUSTER,
    'clustercertrevoke',
    'private-certificate-authorities',
    CA,
    'revoke',
    'OS-CREDENTIAL',
    'credentials',
    demo.huawei.accessKey,
    'auth',
    'tokens',
    'cluster',
    ACK_CLUSTER,
    'user',
    UID,
    'permissions',
    'users',
    'kubeconfig',
    'states',
    '',
    '..',
    '%2e%2e',
    '%00',
    '%ff',
    '%',
    'ï',
  ),
  fc.string({ minLength: 1, maxLength: 8 }).map(encodeURIComponent),
);
const pathArb = fc.oneof(
  fc.constantFrom(
    '/',
    `/v1.0/${P}/kms/list-grants`,
    `/v1.0/${P}/kms/revoke-grant`,
    `/v1/private-certificate-authorities/${CA}/revoke`,
    `/api/v3/projects/${P}/clusters/${CLUSTER}/clustercertrevoke`,
    `/permissions/users/${UID}`,
    `/cluster/${ACK_CLUSTER}/user/${UID}/permissions`,
    '/v3/auth/tokens',
  ),
  fc.array(segment, { minLength: 1, maxLength: 7 }).map((s) => `/${s.join('/')}`),
);
const queryArb = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'SiteId',
      'Id',
      'PageSize',
      'PageNumber',
      'limit',
      'offset',
      'marker',
      'detail',
      'Force',
      'page_number',
      'page_size',
      'pageNumber',
      'pageSize',
      'cloudServiceKubeConfig',
      'name',
      'status',
      'type',
      'sort_key',
      'sort_dir',
      'owned_by_self',
    ),
    fc.string({ maxLength: 6 }),
  ),
  fc.oneof(
    fc.constantFrom(
      SITE,
      CERT,
      '0',
      '-1',
      '1',
      '100',
      '101',
      '99999999999999999999',
      'true',
      'false',
      '',
      'NaN',
      '1e3',
      '0x10',
      ' 1',
      '%',
    ),
    fc.string({ maxLength: 10 }),
  ),
  { maxKeys: 4 },
);
const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 80 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        key_id: fc.oneof(fc.constant(KEY), fc.string()),
        grant_id: fc.oneof(fc.constant(GRANT), fc.string()),
        limit: fc.oneof(fc.constant('10'), fc.integer(), fc.string()),
        marker: fc.string(),
        sequence: fc.string(),
        userId: fc.string(),
        agencyId: fc.string(),
        reason: fc.string(),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  queryArb.map((q) => new URLSearchParams(q).toString()),
);
const headerValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    'application/json',
    'application/x-www-form-urlencoded',
    'text/plain',
    '2024-09-10',
    '2015-12-15',
    '2015-04-01',
    'ListClientCertificates',
    'RevokeClientCertificate',
    'GetClientCertificate',
    'GetCallerIdentity',
    'DescribeUserPermission',
    'CleanClusterUserPermissions',
    demo.token,
    P,
    D,
    '20261130T000000Z',
    '2026-11-30T00:00:00Z',
    'ACS3-HMAC-SHA256 Credential=RESCINDDEMOALIAK0001,SignedHeaders=host,Signature=00',
    `SDK-HMAC-SHA256 Access=${demo.huawei.accessKey}, SignedHeaders=host, Signature=00`,
    'ACS3-HMAC-SHA256',
    'SDK-HMAC-SHA256 Access=, SignedHeaders=, Signature=',
    'UNSIGNED-PAYLOAD',
  ),
);
const headersArb = fc.dictionary(
  fc.constantFrom(
    'content-type',
    'x-acs-action',
    'x-acs-version',
    'x-acs-date',
    'x-acs-signature-nonce',
    'x-acs-content-sha256',
    'authorization',
    'x-sdk-date',
    'x-sdk-content-sha256',
    'x-project-id',
    'x-domain-id',
    'x-auth-token',
    'x-security-token',
    'x-subject-token',
    'x-acs-security-token',
    'x-acs-accesskey-id',
    'accept',
    'transfer-encoding-x',
  ),
  headerValue,
  { maxKeys: 6 },
);

type RandomCase = {
  auth: 'none' | 'token' | 'huawei' | 'alibaba';
  method: string;
  path: string;
  query: Query;
  headers: Record<string, string>;
  body: string | undefined;
  action: string;
  version: string;
};

// A random request anywhere.
const wildArb: fc.Arbitrary<RandomCase> = fc.record({
  auth: fc.constantFrom('none', 'token', 'huawei', 'alibaba'),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  path: pathArb,
  query: queryArb,
  headers: headersArb,
  body: bodyArb,
  action: fc.oneof(
    fc.constantFrom(
      'ListClientCertificates',
      'GetClientCertificate',
      'RevokeClientCertificate',
      'GetCallerIdentity',
      'DescribeUserPermission',
      'ListUserKubeConfigStates',
      'ListClusterKubeconfigStates',
      'CleanClusterUserPermissions',
    ),
    fc.string({ maxLength: 10 }),
  ),
  version: fc.oneof(fc.constantFrom('2024-09-10', '2015-12-15', '2015-04-01'), fc.string({ maxLength: 10 })),
});

/** Route is one operation of the emulator (docs/emulator.md, "The APIs"): `{x}` marks a path parameter. */
interface Route {
  cloud: 'huawei' | 'alibaba';
  method: string;
  path: string;
  action?: string;
  version?: string;
  query: readonly string[];
  body?: readonly string[];
  headers?: Record<string, string>;
}

const ROUTES: readonly Route[] = [
  {
    cloud: 'huawei',
    method: 'POST',
    path: '/api/v3/projects/{project}/clusters/{cluster}/clustercertrevoke',
    query: [],
    body: ['userId', 'agencyId'],
    headers: { 'x-project-id': P },
  },
  {
    cloud: 'huawei',
    method: 'GET',
    path: '/api/v3/projects/{project}/clusters/{cluster}',
    query: ['detail'],
    headers: { 'x-project-id': P },
  },
  {
    cloud: 'huawei',
    method: 'POST',
    path: '/v1/private-certificate-authorities/{ca}/revoke',
    query: [],
    body: ['reason'],
    headers: { 'x-domain-id': D },
  },
  {
    cloud: 'huawei',
    method: 'GET',
    path: '/v1/private-certificate-authorities/{ca}',
    query: [],
    headers: { 'x-domain-id': D },
  },
  {
    cloud: 'huawei',
    method: 'GET',
    path: '/v1/private-certificate-authorities',
    query: ['limit', 'offset', 'name', 'status', 'type', 'sort_key', 'sort_dir', 'owned_by_self'],
    headers: { 'x-domain-id': D },
  },
  {
    cloud: 'huawei',
    method: 'POST',
    path: '/v1.0/{project}/kms/revoke-grant',
    query: [],
    body: ['key_id', 'grant_id', 'sequence'],
    headers: { 'x-project-id': P },
  },
  {
    cloud: 'huawei',
    method: 'POST',
    path: '/v1.0/{project}/kms/list-grants',
    query: [],
    body: ['key_id', 'limit', 'marker', 'sequence'],
    headers: { 'x-project-id': P },
  },
  {
    cloud: 'huawei',
    method: 'POST',
    path: '/v1.0/{project}/kms/list-retirable-grants',
    query: [],
    body: ['limit', 'marker', 'sequence'],
    headers: { 'x-project-id': P },
  },
  { cloud: 'huawei', method: 'GET', path: '/v3.0/OS-CREDENTIAL/credentials/{ak}', query: [] },
  {
    cloud: 'huawei',
    method: 'GET',
    path: '/v3/auth/tokens',
    query: [],
    headers: { 'x-subject-token': demo.token },
  },
  ...['RevokeClientCertificate', 'GetClientCertificate', 'ListClientCertificates'].flatMap(
    (action): Route[] => [
      {
        cloud: 'alibaba',
        method: 'GET',
        path: '/',
        action,
        version: '2024-09-10',
        query: ['SiteId', 'Id', 'PageNumber', 'PageSize'],
      },
      {
        cloud: 'alibaba',
        method: 'POST',
        path: '/',
        action,
        version: '2024-09-10',
        query: [],
        body: ['SiteId', 'Id', 'PageNumber', 'PageSize'],
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    ],
  ),
  {
    cloud: 'alibaba',
    method: 'DELETE',
    path: '/cluster/{ackCluster}/user/{uid}/permissions',
    action: 'CleanClusterUserPermissions',
    version: '2015-12-15',
    query: ['Force'],
  },
  {
    cloud: 'alibaba',
    method: 'GET',
    path: '/permissions/users/{uid}',
    action: 'DescribeUserPermission',
    version: '2015-12-15',
    query: [],
  },
  {
    cloud: 'alibaba',
    method: 'GET',
    path: '/users/{uid}/kubeconfig/states',
    action: 'ListUserKubeConfigStates',
    version: '2015-12-15',
    query: ['page_number', 'page_size'],
  },
  {
    cloud: 'alibaba',
    method: 'GET',
    path: '/clusters/{ackCluster}/kubeconfig/states',
    action: 'ListClusterKubeconfigStates',
    version: '2015-12-15',
    query: ['pageNumber', 'pageSize', 'cloudServiceKubeConfig'],
  },
  {
    cloud: 'alibaba',
    method: 'GET',
    path: '/',
    action: 'GetCallerIdentity',
    version: '2015-04-01',
    query: [],
  },
];

// Values for path parameters, query parameters and body fields: the seed's ids, near misses, and junk.
const IDS: Record<string, readonly string[]> = {
  project: [P, '00000000000000000000000000000000'],
  cluster: [CLUSTER, '9d2e7f1a-8b3d-11ef-9a1b-0255ac100032'],
  ca: [
    CA,
    '3d7b5f1c-0a9e-4c2b-8f6d-1e2a3b4c5d6e',
    'a1b2c3d4-0a9e-4c2b-8f6d-1e2a3b4c5d70',
    'b7c8d9e0-1f2a-4b3c-9d4e-5f6a7b8c9d01',
  ],
  ak: [demo.huawei.accessKey, 'AKNOTINTHESEED000001'],
  ackCluster: [ACK_CLUSTER],
  uid: [UID, '200000000000000001', '1000000000000001', '200000000000000099'],
};
const junk = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1',
    '100',
    '101',
    '1e3',
    '0x10',
    'NaN',
    'null',
    'true',
    '99999999999999999999',
    'x'.repeat(2000),
    '%',
    '%zz',
    '\u0000',
  ),
);
const paramValue = (name: string) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...(IDS[name] ?? ['x'])), weight: 3 },
    { arbitrary: junk.map(encodeURIComponent), weight: 1 },
  );
// Each field's good values, from the seed and the APIs' ranges.
const GOOD: Record<string, readonly string[]> = {
  SiteId: [SITE],
  Id: [
    CERT,
    'baba39055622c008b90285a8838ed09a',
    '1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a',
    '6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f',
  ],
  PageNumber: ['1', '2'],
  PageSize: ['1', '5', '20', '100'],
  limit: ['1', '10', '100'],
  offset: ['0', '1', '5'],
  detail: ['true', 'false'],
  Force: ['true', 'false'],
  key_id: [KEY, 'bb6a3d22-dc93-47ac-b5bd-88df7ad35f1e'],
  grant_id: [GRANT, '2b4d6f8a0c1e3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c'],
  marker: ['1', '2'],
  userId: ['537e7a3bd0aa4c2fb2c56c5657fd908f', '7b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e'],
  agencyId: ['8e1f2a3b4c5d6e7f8091a2b3c4d5e6f7'],
  reason: ['KEY_COMPROMISE', 'UNSPECIFIED', 'CESSATION_OF_OPERATION'],
  page_number: ['1'],
  page_size: ['10', '50'],
  pageNumber: ['1'],
  pageSize: ['10', '50'],
  cloudServiceKubeConfig: ['true', 'false'],
  status: ['ACTIVED', 'REVOKED'],
  type: ['SUBORDINATE', 'ROOT'],
  sort_key: ['create_time'],
  sort_dir: ['asc', 'desc'],
  owned_by_self: ['true', 'false'],
};
const fieldNames = Object.keys(GOOD);
const fieldValue = (name: string) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...(GOOD[name] ?? ['x'])), weight: 4 },
    { arbitrary: junk, weight: 2 },
    {
      arbitrary: fc.oneof(
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.string(), { maxLength: 2 }),
        fc.object({ maxDepth: 1 }),
      ),
      weight: 1,
    },
  );
const fieldsArb = fc
  .subarray(fieldNames, { maxLength: 6 })
  .chain((names) => fc.tuple(...names.map((n) => fieldValue(n).map((v): [string, unknown] => [n, v]))))
  .map((pairs) => Object.fromEntries(pairs) as Record<string, unknown>);

// A request to an operation of the emulator, with its parameters and fields drawn at random.
const routeArb: fc.Arbitrary<RandomCase> = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    auth: fc.oneof(
      { arbitrary: fc.constant('signed' as const), weight: 6 },
      { arbitrary: fc.constantFrom('none' as const, 'token' as const), weight: 1 },
    ),
    params: fc.record(
      Object.fromEntries(Object.keys(IDS).map((k) => [k, paramValue(k)])) as Record<
        string,
        fc.Arbitrary<string>
      >,
    ),
    fields: fieldsArb,
    complete: fc.oneof(
      { arbitrary: fc.constant(true), weight: 3 },
      { arbitrary: fc.constant(false), weight: 1 },
    ),
    // Mostly the route's own body; sometimes one that is not what the route reads.
    rawBody: fc.oneof(
      { arbitrary: fc.constant(null), weight: 6 },
      {
        arbitrary: fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('{', '[]', 'null', '{"key_id":', '\u0000', '{}'),
        ),
        weight: 1,
      },
    ),
  })
  .map(({ route, auth, params, fields: drawn, rawBody, complete }): RandomCase => {
    // Most requests name every parameter of their route (with a good value unless one was drawn).
    const fields: Record<string, unknown> = {};
    if (complete) for (const k of [...route.query, ...(route.body ?? [])]) fields[k] = GOOD[k]?.[0] ?? 'x';
    Object.assign(fields, drawn);
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'x');
    const query: Query = {};
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (route.query.includes(k)) query[k] = typeof v === 'string' ? v : JSON.stringify(v);
      else if (route.body?.includes(k)) body[k] = v;
    }
    const form = route.headers?.['content-type'] === 'application/x-www-form-urlencoded';
    const text =
      rawBody ??
      (route.body === undefined
        ? undefined
        : form
          ? new URLSearchParams(
              Object.entries(body).map(([k, v]): [string, string] => [
                k,
                typeof v === 'string' ? v : JSON.stringify(v),
              ]),
            ).toString()
          : JSON.stringify(body));
    return {
      auth: auth === 'signed' ? route.cloud : auth,
      method: route.method,
      path,
      query,
      headers: { ...route.headers },
      body: text ?? undefined,
      action: route.action ?? '',
      version: route.version ?? '',
    };
  });

const randomArb: fc.Arbitrary<RandomCase> = fc.oneof(
  { arbitrary: routeArb, weight: 4 },
  { arbitrary: wildArb, weight: 1 },
);

function build(base: string, c: RandomCase): Raw | undefined {
  try {
    switch (c.auth) {
      case 'huawei': {
        const headers = Object.fromEntries(
          Object.entries(c.headers).filter(
            ([h]) => !['authorization', 'x-sdk-date', 'x-security-token', 'host'].includes(h),
          ),
        );
        return huawei(base, c.method, c.path, c.query, headers, c.body);
      }
      case 'alibaba': {
        const headers = Object.fromEntries(
          Object.entries(c.headers).filter(
            ([h]) => !h.startsWith('x-acs-') && h !== 'authorization' && h !== 'host',
          ),
        );
        return alibaba(base, c.method, c.path, c.action, c.version, c.query, headers, c.body);
      }
      default: {
        const q = new URLSearchParams(c.query).toString();
        const headers = c.auth === 'token' ? { ...c.headers, 'x-auth-token': demo.token } : c.headers;
        return {
          method: c.method,
          path: q === '' ? c.path : `${c.path}?${q}`,
          headers,
          ...(c.body === undefined ? {} : { body: c.body }),
        };
      }
    }
  } catch {
    // A signer refuses what no client would sign (a header it sets itself): no request.
    return undefined;
  }
}

/** fuzzEmulator runs the scenario; see the top of this file. */
export async function fuzzEmulator(o: EmulatorFuzzOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const violations: string[] = [];
  const randomTarget = await startEmulator();
  const tamperTarget = await startEmulator();
  const counts = { sent: 0, byStatus: new Map<string, number>(), tampered: 0, controls: 0, slowestMs: 0 };
  const tally = (s: Sent) => {
    const key = 'status' in s ? `${Math.floor(s.status / 100)}xx` : 'no answer';
    counts.byStatus.set(key, (counts.byStatus.get(key) ?? 0) + 1);
  };
  try {
    // Each template is valid: its untampered request succeeds (reads only; revokes would spend the seed).
    for (const t of TEMPLATES.filter((x) => !x.revoke)) {
      const answer = await send(tamperTarget.url, t.build(tamperTarget.url));
      counts.controls++;
      if (!('status' in answer) || answer.status >= 300)
        violations.push(`template ${t.name} is not valid: ${JSON.stringify(answer)}`);
    }

    const random = fc.asyncProperty(randomArb, async (c) => {
      const raw = build(randomTarget.url, c);
      if (raw === undefined) return;
      const t0 = performance.now();
      const answer = await send(randomTarget.url, raw);
      const ms = performance.now() - t0;
      counts.slowestMs = Math.max(counts.slowestMs, ms);
      counts.sent++;
      tally(answer);

      if (ms > REQUEST_MS) throw new Error(`the answer took ${ms.toFixed(0)} ms`);
      if ('error' in answer) throw new Error(`no answer: ${answer.error}`);
      if (answer.status >= 500)
        throw new Error(`a ${answer.status} without an injected fault: ${answer.text}`);
    });
    const randomRun = await fc.check(random, { numRuns: o.runs, seed: o.seed });
    if (randomRun.failed)
      violations.push(
        failure('random requests', randomRun, (c) => JSON.stringify(build('http://127.0.0.1:1', c))),
      );

    const tamperArb = fc.record({
      template: fc.nat(),
      part: fc.nat(),
      at: fc.nat(),
      char: fc.nat(),
      control: fc.integer({ min: 0, max: 9 }),
    });
    const before = await stateOf(tamperTarget.url);
    const tamperProperty = fc.asyncProperty(tamperArb, async (t) => {
      const template = TEMPLATES[t.template % TEMPLATES.length] as Template;
      const raw = template.build(tamperTarget.url);
      // One case in ten is the untampered twin of a read: it must still be accepted.
      if (t.control === 0 && !template.revoke) {
        const answer = await send(tamperTarget.url, raw);
        counts.controls++;
        if (!('status' in answer) || answer.status >= 300)
          throw new Error(`the untampered ${template.name} was refused: ${JSON.stringify(answer)}`);
        return;
      }
      const changed = tamper(raw, t);
      if (changed === undefined) return;
      const answer = await send(tamperTarget.url, changed.raw);
      counts.tampered++;
      tally(answer);
      const where = `${template.name}, ${changed.what}`;
      if (!('status' in answer)) throw new Error(`${where}: no answer: ${answer.error}`);
      if (answer.status < 400 || answer.status >= 500)
        throw new Error(`${where}: answered ${answer.status}, not a 4xx: ${answer.text}`);
      if (template.revoke) {
        const now = await stateOf(tamperTarget.url);
        if (JSON.stringify(now) !== JSON.stringify(before))
          throw new Error(`${where}: refused, yet the state changed`);
      }
    });
    const tamperRun = await fc.check(tamperProperty, { numRuns: o.tamperRuns, seed: o.seed + 1 });
    if (tamperRun.failed) violations.push(failure('tampered requests', tamperRun, (t) => JSON.stringify(t)));
    const after = await stateOf(tamperTarget.url);
    if (JSON.stringify(after) !== JSON.stringify(before))
      violations.push('tampered requests changed the state of their emulator');

    // The emulator that took the random requests still answers, and what it keeps is still a valid seed.
    const still = await send(randomTarget.url, (TEMPLATES[1] as Template).build(randomTarget.url));
    if (!('status' in still) || still.status !== 200)
      violations.push(`after the random requests, a valid request gets ${JSON.stringify(still)}`);
    const state: EmulatorState = await stateOf(randomTarget.url);
    const seed = checkData(state, { kinds: ['EmulatorState'], rules: ruleBook() });
    if (!seed.valid)
      violations.push(
        `after the random requests, the emulator's state is not a valid seed: ${JSON.stringify(seed.diagnostics.slice(0, 3))}`,
      );
  } finally {
    await randomTarget.close();
    await tamperTarget.close();
  }
  const statuses = [...counts.byStatus]
    .sort()
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const summary =
    `fuzz (emulator): ${counts.sent} random requests (unsigned, garbage-signed, token, and signed for real) and ${counts.tampered} ` +
    `tampered signed requests (one byte of method, path, query, a signed header, Authorization or body, on ${TEMPLATES.length} reads and revokes) over HTTP, ` +
    `${counts.controls} untampered twins accepted; answers: ${statuses}; ${violations.length === 0 ? 'no 5xx, no tampered request accepted, state still a valid seed' : 'FAILED'}; ` +
    `slowest answer ${counts.slowestMs.toFixed(0)} ms; seed ${o.seed}; ${seconds(Date.now() - started)}`;
  return { summary, violations };
}

function failure<T>(what: string, details: fc.RunDetails<[T]>, show: (c: T) => string): string {
  const message =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const counterexample =
    details.counterexample === null ? 'none' : show(details.counterexample[0]).slice(0, 2000);
  return (
    `${what}: ${message}\n  counterexample (after ${details.numShrinks} shrinks): ${counterexample}\n` +
    `  reproduce: seed ${details.seed}, path ${JSON.stringify(details.counterexamplePath)}`
  );
}
