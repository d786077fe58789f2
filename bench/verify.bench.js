#!/usr/bin/env node

// The emulator's hot path per request, without HTTP: verifying one signed request
// of each cloud (Huawei SDK-HMAC-SHA256 with a JSON body, Alibaba ACS3-HMAC-SHA256
// RPC with a fresh nonce each), and signing one. Run after `npm run build`.
// Prints microseconds per operation, the median of 5 rounds.

import { signAlibabaRequest } from '../dist/clouds/alibabacloud/sign.js';
import { signHuaweiRequest } from '../dist/clouds/huaweicloud/sign.js';
import { NonceCache, verifyAlibabaRequest, verifyHuaweiRequest } from '../dist/emulator/auth/index.js';
import { record } from './lib.js';

const N = 20_000;
const now = new Date();
const lower = (h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

const project = '0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f';
const path = `/v1.0/${project}/kms/list-grants`;
const body = JSON.stringify({ key_id: '0d0466b0-e727-4d9c-b35d-f84bb474a37f', limit: '100' });
const hwHeaders = { 'content-type': 'application/json', 'x-project-id': project };
const signHw = () =>
  signHuaweiRequest(
    { method: 'POST', url: `http://127.0.0.1:8787${path}`, headers: hwHeaders, body },
    { accessKey: 'AK', secretKey: 'SK' },
    now,
  );
const hwRequest = {
  method: 'POST',
  path,
  query: '',
  headers: lower({ ...hwHeaders, ...signHw() }),
  body: new TextEncoder().encode(body),
};

const aliQuery = { Id: 'baba39055622c008b90285a8838ed09a', SiteId: '1234567890123' };
const signAli = () =>
  signAlibabaRequest(
    {
      method: 'GET',
      host: '127.0.0.1:8787',
      pathname: '/',
      action: 'GetClientCertificate',
      version: '2024-09-10',
      query: aliQuery,
    },
    { accessKeyId: 'ID', accessKeySecret: 'SECRET' },
    now,
  );
// Every Alibaba request carries its own nonce (a reused one is refused), so they are signed ahead.
const aliRequests = Array.from({ length: N * 6 }, () => ({
  method: 'GET',
  path: '/',
  query: 'Id=baba39055622c008b90285a8838ed09a&SiteId=1234567890123',
  headers: lower(signAli()),
  body: new Uint8Array(),
}));
const nonces = new NonceCache(30 * 60 * 1000);
// A refused request would be cheaper to "verify": both must be accepted.
const check = { ...aliRequests[0], headers: lower(signAli()) };
if (!verifyHuaweiRequest(hwRequest, { secretFor: () => 'SK', now }).ok)
  throw new Error('verify bench: Huawei refused');
if (!verifyAlibabaRequest(check, { secretFor: () => 'SECRET', now, nonces }).ok)
  throw new Error('verify bench: Alibaba refused');

function perOp(fn) {
  const rounds = [];
  for (let r = 0; r < 6; r++) {
    const start = performance.now();
    for (let i = 0; i < N; i++) fn(r * N + i);
    if (r > 0) rounds.push(((performance.now() - start) * 1000) / N); // round 0 warms up
  }
  return rounds.sort((a, b) => a - b)[2];
}

const rows = [
  [
    'verify Huawei (AK/SK, JSON body)',
    perOp(() => verifyHuaweiRequest(hwRequest, { secretFor: () => 'SK', now })),
  ],
  [
    'verify Alibaba (RPC, fresh nonce)',
    perOp((i) => verifyAlibabaRequest(aliRequests[i], { secretFor: () => 'SECRET', now, nonces })),
  ],
  ['sign Huawei', perOp(signHw)],
  ['sign Alibaba', perOp(signAli)],
];
if (!verifyHuaweiRequest(hwRequest, { secretFor: () => 'SK', now }).ok)
  throw new Error('verify bench: Huawei request refused');
console.log(`signing: median of 5 rounds of ${N.toLocaleString('en')}`);
for (const [name, us] of rows) console.log(`  ${name.padEnd(34)} ${us.toFixed(1).padStart(6)} µs`);
record('verify', { rounds: 5, n: N, rows: rows.map(([name, us]) => ({ name, us })) });
