#!/usr/bin/env node
// Whole-process `rescind validate` on generated plans of 100 and 10,000
// revocations, next to a bare `node -e 0` in alternated runs (node, 100,
// 10,000, node, ...) after one untimed round, so that the figures can be
// compared on a noisy machine: each as a multiple of node's start (quality
// bars: 2.5x and 5.5x). Run after `npm run build` (npm run bench does both).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, record, runNode, runsOr, spread } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/rescind.js');
const RUNS = runsOr(7);

// Every type, targets and selectors, as a real offboarding plan would mix them.
function revocation(i) {
  const hex = (n, width) => n.toString(16).padStart(width, '0');
  switch (i % 5) {
    case 0:
      return `  - id: kms-${i}\n    type: huaweicloud.kms.grant\n    account: hw-prod\n    target:\n      keyId: 0d0466b0-e727-4d9c-b35d-${hex(i, 12)}\n      grantId: "${hex(i, 64)}"\n`;
    case 1:
      return `  - id: cce-${i}\n    type: huaweicloud.cce.cluster-certificate\n    account: hw-prod\n    target:\n      clusterId: 4c1f6a2e-8b3d-11ef-9a1b-${hex(i, 12)}\n      userId: "${hex(i, 32)}"\n`;
    case 2:
      return `  - id: ccm-${i}\n    type: huaweicloud.ccm.subordinate-ca\n    account: hw-prod\n    target:\n      caId: 6434f74f-2d13-4e6a-89eb-${hex(i, 12)}\n    with:\n      reason: KEY_COMPROMISE\n`;
    case 3:
      return `  - id: esa-${i}\n    type: alibabacloud.esa.client-certificate\n    account: ali-prod\n    select:\n      siteId: ${1234567890000 + i}\n      commonName: "user-${i}-*"\n`;
    default:
      return `  - id: ack-${i}\n    type: alibabacloud.ack.user-permissions\n    account: ali-prod\n    target:\n      clusterId: c5b5e80b0b64a4bf6939d2d8f${hex(i, 8)}\n      uid: "${276543210987654321n + BigInt(i)}"\n`;
  }
}

function plan(count) {
  let text = `apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata:\n  name: bench-${count}\n  reason: benchmark\n  ticket: SEC-1\nspec:\n  revocations:\n`;
  for (let i = 0; i < count; i++) text += revocation(i).replace(/^(?=.)/gm, '  ');
  return text;
}

const dir = mkdtempSync(join(tmpdir(), 'rescind-bench-'));
try {
  writeFileSync(
    join(dir, 'rescind.config.yaml'),
    'apiVersion: rescind/v1\nkind: Config\naccounts:\n  hw-prod: {cloud: huaweicloud, region: ap-southeast-1, emulator: builtin}\n  ali-prod: {cloud: alibabacloud, region: cn-hangzhou, emulator: builtin}\n',
  );
  const contenders = { node: async () => (await runNode(['-e', '0'], dir, process.env)).ms };
  const bars = { 100: 2.5, 10000: 5.5 };
  for (const count of Object.keys(bars).map(Number)) {
    const file = join(dir, `plan-${count}.yaml`);
    writeFileSync(file, plan(count));
    // runNode fails the run unless validate exits 0: the plan must be valid.
    contenders[count] = async () => (await runNode([bin, 'validate', file], dir, process.env)).ms;
  }
  const samples = await alternate(contenders, RUNS, { warmup: 1 });
  const rows = [{ name: 'node -e 0 (start-up floor)', ms: spread(samples.node) }];
  for (const [count, bar] of Object.entries(bars)) {
    rows.push({
      name: `validate ${Number(count).toLocaleString('en')} revocations`,
      ms: spread(samples[count]),
      ratio: spread(samples[count].map((ms, i) => ms / samples.node[i])),
      bar,
    });
  }
  console.log(`validate: median of ${RUNS} alternated whole-process runs`);
  for (const { name, ms, ratio, bar } of rows) {
    const verdict =
      ratio === undefined
        ? ''
        : `  ${ratio.median.toFixed(2)}x node start-up, ${ratio.median <= bar ? 'within' : 'OVER'} the ${bar}x bar`;
    console.log(`  ${name.padEnd(34)} ${ms.median.toFixed(0).padStart(6)} ms${verdict}`);
  }
  record('validate', { runs: RUNS, rows });
} finally {
  if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
}
