// Emulator throughput with signature verification on: the emulator runs in a worker
// thread (its own core), this thread signs requests with rescind's signers and fires
// them with undici at a fixed concurrency: one second of warm-up, then BENCH_RUNS windows
// (default 3) of a few seconds each, median. Run after `npm run build`:
//   node bench/emulator.bench.js [seconds=5] [connections=64] [pipelining=1]
// Prints: emulator: N req/s (signature verification on, C connections)

import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { Pool } from 'undici';
import { RUNS, record, spread } from './lib.js';

const SECONDS = Number(process.argv[2] ?? 5);
const CONNECTIONS = Number(process.argv[3] ?? 64);
const PROJECT = '0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f';
const HW = { accessKey: 'RESCINDDEMOHWAK00001', secretKey: 'rescind-demo-huawei-secret' };
const ALI = { accessKeyId: 'RESCINDDEMOALIAK0001', accessKeySecret: 'rescind-demo-alibaba-secret' };

if (!isMainThread) {
  const { startEmulator } = await import('../dist/emulator/server.js');
  const emulator = await startEmulator();
  parentPort.postMessage(emulator.url);
  parentPort.once('message', async () => {
    await emulator.close();
    process.exit(0);
  });
} else {
  const hw = await import('../dist/clouds/huaweicloud/sign.js');
  const ali = await import('../dist/clouds/alibabacloud/sign.js');
  const worker = new Worker(new URL(import.meta.url));
  const url = await new Promise((resolve) => worker.once('message', resolve));
  const host = new URL(url).host;
  const PIPELINING = Number(process.argv[4] ?? 1);
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: PIPELINING });

  // Three signed reads, in turn: KMS ListGrants (POST, JSON body), CCM ShowCertificateAuthority (GET),
  // ESA GetClientCertificate (Alibaba RPC, a fresh nonce each time). A Huawei signature has no nonce:
  // it is valid for 15 minutes, so those two are signed once a second here (the emulator still
  // verifies every request); each Alibaba request has its own signature and nonce.
  const kmsBody = JSON.stringify({ key_id: '0d0466b0-e727-4d9c-b35d-f84bb474a37f', limit: '2' });
  const makers = [
    () => {
      const path = `/v1.0/${PROJECT}/kms/list-grants`;
      const headers = { 'content-type': 'application/json', 'x-project-id': PROJECT };
      Object.assign(
        headers,
        hw.signHuaweiRequest({ method: 'POST', url: url + path, headers, body: kmsBody }, HW, new Date()),
      );
      return { method: 'POST', path, headers, body: kmsBody };
    },
    () => {
      const path = '/v1/private-certificate-authorities/6434f74f-2d13-4e6a-89eb-93ee313f1a43';
      const headers = {
        'content-type': 'application/json',
        'x-domain-id': '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      };
      Object.assign(
        headers,
        hw.signHuaweiRequest({ method: 'GET', url: url + path, headers }, HW, new Date()),
      );
      return { method: 'GET', path, headers };
    },
    () => {
      const query = { SiteId: 1234567890123, Id: 'baba39055622c008b90285a8838ed09a' };
      const headers = ali.signAlibabaRequest(
        { method: 'GET', host, pathname: '/', action: 'GetClientCertificate', version: '2024-09-10', query },
        ALI,
        new Date(),
      );
      return { method: 'GET', path: `/?${ali.buildCanonicalQuery(query)}`, headers };
    },
  ];

  const cached = new Map();
  const signedOncePerSecond = (i) => () => {
    const second = Math.floor(Date.now() / 1000);
    const hit = cached.get(i);
    if (hit !== undefined && hit.second === second) return hit.req;
    const req = makers[i]();
    cached.set(i, { second, req });
    return req;
  };
  // Alibaba requests carry a nonce each, so they are signed ahead of the measurement: the client's
  // core then spends its time sending, and the figure is the emulator's, not the signer's.
  const presigned = Array.from({ length: (SECONDS * RUNS + 2) * 4000 }, makers[2]);
  const plan = [signedOncePerSecond(0), signedOncePerSecond(1), () => presigned.pop() ?? makers[2]()];

  let ok = 0;
  let failed = 0;
  let turn = 0;
  let stop = false;
  async function loop() {
    while (!stop) {
      const make = plan[turn++ % plan.length];
      const res = await pool.request(make());
      await res.body.dump();
      if (res.statusCode === 200) ok++;
      else failed++;
    }
  }
  const loops = Array.from({ length: CONNECTIONS * PIPELINING }, loop);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // One second of warm-up, then RUNS windows of SECONDS each.
  await sleep(1000);
  const rates = [];
  for (let r = 0; r < RUNS; r++) {
    const before = ok;
    const started = performance.now();
    await sleep(SECONDS * 1000);
    rates.push((ok - before) / ((performance.now() - started) / 1000));
  }
  stop = true;
  await Promise.all(loops);
  await pool.close();
  worker.postMessage('stop');
  await new Promise((r) => worker.once('exit', r));
  if (failed > 0) console.error(`emulator bench: ${failed} answers were not 200`);
  const rate = spread(rates);
  const range =
    RUNS > 1 ? `, ${Math.round(rate.min)}-${Math.round(rate.max)} in ${RUNS} windows of ${SECONDS} s` : '';
  console.log(
    `emulator: ${Math.round(rate.median)} req/s (signature verification on, ${CONNECTIONS} connections${range})`,
  );
  record('emulator', { rate, seconds: SECONDS, connections: CONNECTIONS, pipelining: PIPELINING, failed });
  if (failed > 0) process.exitCode = 1;
}
