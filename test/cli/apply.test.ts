// rescind apply on the built-in emulator, as a user meets it first: the example applied once is
// already revoked the next time, `show RUN` prints the run as apply did, and the built-in state can
// be seen (secrets redacted) and forgotten.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { demo } from '../helpers/emulator-client.js';
import { runCli } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';
import { builtinConfig, type Workspace, workspace } from '../helpers/plan.js';
import { secretForms } from '../helpers/secret-forms.js';

let ws: Workspace | undefined;
afterEach(() => ws?.close());

it('applies the example once; then it is already revoked, until the built-in state is reset', async () => {
  ws = workspace(builtinConfig, { 'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml') });
  const dir = ws.dir;
  const applied = await runCli(['apply', '--yes', 'offboard.yaml'], dir);
  expect(applied.code).toBe(0);
  expect(applied.stdout).toMatch(/^Plan: 6 to revoke, 2 already revoked, 1 not observable, 0 blocked\.$/m);
  expect(applied.stdout).toMatch(
    /^Apply complete: 6 verified, 2 already revoked, 1 applied \(not observable\), 0 failed\.$/m,
  );
  const runId = /^run (\S+): journal in \.rescind\/runs\//m.exec(applied.stderr)?.[1] ?? '';

  // show RUN prints the report exactly as apply ended with it.
  const shown = await runCli(['show', runId], dir);
  expect(shown.code).toBe(0);
  expect(applied.stdout.endsWith(shown.stdout)).toBe(true);

  const again = await runCli(['plan', '--detailed-exitcode', 'offboard.yaml'], dir);
  // The revoked KMS grants are gone from their key: the selector no longer finds them. The CCE
  // certificate, which no API reads, was revoked by the recorded run: no change either.
  expect(again.stdout).toMatch(/^No changes\. Every target is already revoked\.$/m);
  expect(again.stdout).toContain(
    `= already revoked: hw-prod/cce/4c1f6a2e-8b3d-11ef-9a1b-0255ac100031/user/537e7a3bd0aa4c2fb2c56c5657fd908f (huaweicloud.cce.cluster-certificate, from alice-cce-prod-a; revoked by run ${runId} at `,
  );
  expect(again.code).toBe(0);

  const state = await runCli(['emulator', '--show-builtin'], dir);
  expect(state.code).toBe(0);
  expect(state.stdout).toContain('"secretKey": "(redacted)"');
  expect(state.stdout).not.toContain('rescind-demo-huawei-secret');

  const reset = await runCli(['emulator', '--reset-builtin'], dir);
  expect(reset.stdout).toBe(
    'rescind emulator: forgot the built-in state of this folder; the next run starts from the demo seed\n',
  );
  const fresh = await runCli(['plan', 'offboard.yaml'], dir);
  expect(fresh.stdout).toMatch(/^Plan: 6 to revoke, 2 already revoked, 1 not observable, 0 blocked\.$/m);
});

it('show of a run that does not exist, or of a malformed run id, is a located error', async () => {
  ws = workspace(builtinConfig);
  const missing = await runCli(['show', '20261130T101500Z-3f9a1c'], ws.dir);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toBe(
    '.rescind/runs/20261130T101500Z-3f9a1c: error apply.run: no run 20261130T101500Z-3f9a1c in .rescind/runs\n',
  );
});

it('leaves no secret in what a run keeps: the saved plan, the journal, the report', async () => {
  ws = workspace(builtinConfig, { 'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml') });
  const applied = await runCli(['apply', '--yes', '--format', 'json', 'offboard.yaml'], ws.dir);
  expect(applied.code).toBe(0);
  const kept = [applied.stdout, applied.stderr];
  const runs = join(ws.dir, '.rescind', 'runs');
  for (const run of readdirSync(runs)) {
    for (const file of readdirSync(join(runs, run))) kept.push(readFileSync(join(runs, run, file), 'utf8'));
  }
  expect(kept.length).toBe(4);
  // The demo seed's secrets, in every form they could leak in.
  const secrets = [demo.huawei.secretKey, demo.alibaba.accessKeySecret, demo.token];
  for (const text of kept) {
    for (const secret of secrets) {
      for (const form of secretForms(secret)) expect(text).not.toContain(form);
    }
  }
});

it('--verify-inputs applies a saved plan only with the plan, config and policy files it was made from', async () => {
  ws = workspace(builtinConfig, { 'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml') });
  const dir = ws.dir;
  expect((await runCli(['plan', '--out', 'p.json', 'offboard.yaml'], dir)).code).toBe(0);
  const plan = readFileSync(join(dir, 'offboard.yaml'), 'utf8');
  writeFileSync(join(dir, 'offboard.yaml'), `${plan}# edited after review\n`);
  const refused = await runCli(['apply', '--yes', '--verify-inputs', 'p.json'], dir);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toBe(
    'p.json: error apply.inputs-changed: the plan offboard.yaml changed since the plan was made: apply only what was reviewed, with the files it was reviewed with; make the plan again\n',
  );
  expect(existsSync(join(dir, '.rescind', 'runs'))).toBe(false);
  writeFileSync(join(dir, 'offboard.yaml'), plan);
  const applied = await runCli(['apply', '--yes', '--verify-inputs', 'p.json'], dir);
  expect(applied.code).toBe(0);
});
