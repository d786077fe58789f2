// `rescind plan` and `rescind show` from the command line, on the built-in emulator: what each
// exit status means, the saved plan shown the same way in every format, an edited saved plan
// refused, a plan with a missing target or a failed read never saved.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SavedPlan } from '../../src/plan/model.js';
import { createSession } from '../../src/session/session.js';
import { runCli, withoutProgress } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';
import { builtinConfig, type Workspace, workspace } from '../helpers/plan.js';
import { DEMO_ENV } from '../helpers/provider.js';

let ws: Workspace | undefined;
afterEach(() => ws?.close());

const cli = (argv: readonly string[]) => {
  if (ws === undefined) throw new Error('no workspace');
  return runCli(argv, ws.dir, DEMO_ENV);
};

// A plan of the demo seed's revocations, one per line of `revocations` (flow mappings).
const planOf = (revocations: readonly string[], metadata = 'ticket: SEC-1') =>
  [
    'apiVersion: rescind/v1',
    'kind: RevocationPlan',
    `metadata: {name: test, reason: a test, ${metadata}}`,
    'spec:',
    '  revocations:',
    ...revocations.map((r) => `    - ${r}`),
    '',
  ].join('\n');

// The clock moves between runs: two plans of the same state differ in createdAt and digest only.
const stable = (t: string) =>
  t
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME')
    .replace(/"digest": "sha256:[0-9a-f]{64}"/, '"digest": "DIGEST"');

const KMS_KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const REVOKED_ESA =
  '{id: bob-tablet, type: alibabacloud.esa.client-certificate, account: ali-prod, target: {siteId: 1234567890123, certificateId: 1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a}}';
const ACTIVE_CCM =
  '{id: issuing-ca, type: huaweicloud.ccm.subordinate-ca, account: hw-prod, target: {caId: 6434f74f-2d13-4e6a-89eb-93ee313f1a43}, with: {reason: KEY_COMPROMISE}}';
const MISSING_CCM =
  '{id: no-such-ca, type: huaweicloud.ccm.subordinate-ca, account: hw-prod, target: {caId: 00000000-0000-4000-8000-000000000000}}';

describe('rescind plan', () => {
  it('plans the offboarding example: the diff on stdout, exit 0, or 2 with --detailed-exitcode', async () => {
    ws = workspace(builtinConfig, {
      'offboard-alice.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml'),
    });
    const plain = await cli(['plan', 'offboard-alice.yaml']);
    expect(withoutProgress(plain.stderr)).toBe('');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^rescind plan offboard-alice \(SEC-2041\)$/m);
    expect(plain.stdout).toMatch(/^Plan: \d+ to revoke, /m);
    const detailed = await cli(['plan', '--detailed-exitcode', 'offboard-alice.yaml']);
    expect(detailed.code).toBe(2);
    expect(stable(detailed.stdout)).toBe(stable(plain.stdout));
  });

  it('exits 0 with --detailed-exitcode when everything is revoked already', async () => {
    ws = workspace(builtinConfig, { 'done.yaml': planOf([REVOKED_ESA]) });
    const result = await cli(['plan', '--detailed-exitcode', 'done.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No changes\. Every target is already revoked\.$/m);
  });

  it('saves a plan that show prints byte for byte as plan printed it, in every format', async () => {
    ws = workspace(builtinConfig, {
      'offboard-alice.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml'),
    });
    for (const format of ['text', 'markdown', 'json']) {
      const out = `saved-${format}.json`;
      const planned = await cli(['plan', '--format', format, '--out', out, 'offboard-alice.yaml']);
      expect(planned.code).toBe(0);
      const shown = await cli(['show', '--format', format, out]);
      expect(withoutProgress(shown.stderr)).toBe('');
      expect(shown.code).toBe(0);
      expect(shown.stdout).toBe(planned.stdout);
      if (format === 'json') {
        expect(readFileSync(join(ws.dir, out), 'utf8')).toBe(planned.stdout);
      }
    }
  });

  it('exits 3 when a policy denies, whatever --detailed-exitcode says, and says which rule', async () => {
    const policy = [
      'apiVersion: rescind/v1',
      'kind: Policy',
      'metadata: {name: house}',
      'spec:',
      '  rules:',
      '    - {name: ticket-format, effect: deny, require: {ticket: "^SEC-[0-9]+$"}}',
      '',
    ].join('\n');
    ws = workspace(builtinConfig, {
      'plan.yaml': planOf([ACTIVE_CCM], 'ticket: INC-7'),
      'policy.yaml': policy,
    });
    for (const extra of [[], ['--detailed-exitcode']]) {
      const result = await cli(['plan', ...extra, '--policy', 'policy.yaml', '--out', 'p.json', 'plan.yaml']);
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(/^! blocked: hw-prod\/ccm\/ca\//m);
      expect(result.stdout).toMatch(
        /deny house\/ticket-format \[policy\.yaml\]: the plan lacks a ticket matching/,
      );
      expect(result.stdout).toMatch(/^Plan: 0 to revoke, 0 already revoked, 0 not observable, 1 blocked\.$/m);
    }
    // A blocked plan is saved for the record; apply refuses it.
    const saved = JSON.parse(readFileSync(join(ws.dir, 'p.json'), 'utf8')) as SavedPlan;
    expect(saved.summary.blocked).toBe(1);
  });

  it('prints a plan with a missing target, exits 1 and saves nothing', async () => {
    ws = workspace(builtinConfig, { 'plan.yaml': planOf([ACTIVE_CCM, MISSING_CCM]) });
    const result = await cli(['plan', '--out', 'p.json', 'plan.yaml']);
    expect(result.code).toBe(1);
    expect(withoutProgress(result.stderr)).toBe(
      'plan.yaml:7:88: error plan.missing: hw-prod/ccm/ca/00000000-0000-4000-8000-000000000000 does not exist\n',
    );
    expect(result.stdout).toMatch(/^x missing: hw-prod\/ccm\/ca\/00000000-/m);
    expect(existsSync(join(ws.dir, 'p.json'))).toBe(false);
  });

  it('refuses a root CA as a subordinate-ca target at plan time, before apply would call CCM', async () => {
    const root =
      '{id: root-ca, type: huaweicloud.ccm.subordinate-ca, account: hw-prod, target: {caId: 3d7b5f1c-0a9e-4c2b-8f6d-1e2a3b4c5d6e}}';
    ws = workspace(builtinConfig, { 'plan.yaml': planOf([ACTIVE_CCM, root]) });
    const result = await cli(['plan', 'plan.yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(withoutProgress(result.stderr)).toBe(
      'plan.yaml:7:7: error plan.not-revocable: hw-prod/ccm/ca/3d7b5f1c-0a9e-4c2b-8f6d-1e2a3b4c5d6e is a root CA: CCM revokes subordinate CAs only\n',
    );
  });

  it('says so when the plan cannot be saved, and leaves nothing behind', async () => {
    ws = workspace(builtinConfig, { 'plan.yaml': planOf([ACTIVE_CCM]) });
    const result = await cli(['plan', '--out', 'no-such-folder/p.json', 'plan.yaml']);
    expect(result.code).toBe(1);
    expect(withoutProgress(result.stderr)).toBe(
      'no-such-folder/p.json: error file.unwritable: cannot write the plan: ENOENT\n',
    );
    expect(readdirSync(ws.dir).sort()).toEqual(['.rescind', 'plan.yaml', 'rescind.config.yaml']);
  });

  it('reports a plan file that is not valid as validate does, and makes no call', async () => {
    ws = workspace(builtinConfig, {
      'plan.yaml': planOf([
        `{id: x, type: huaweicloud.kms.grants, account: hw-prod, target: {keyId: ${KMS_KEY}, grantId: g}}`,
      ]),
    });
    const result = await cli(['plan', 'plan.yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^plan\.yaml:6:\d+: error schema\.enum: .*huaweicloud\.kms\.grant/m);
    // The built-in emulator never started: no state was written beside the plan.
    expect(existsSync(join(ws.dir, '.rescind'))).toBe(false);
  });

  it('reports a file that is no plan at all (the README) in lines a terminal can show', async () => {
    ws = workspace(builtinConfig, { 'README.md': join(repoRoot, 'README.md') });
    const result = await cli(['plan', 'README.md']);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    // One of them quoted a paragraph of 8,190 characters whole; now its start and its length.
    expect(result.stderr).toMatch(/^README\.md:\d+:1: error yaml\.syntax: .*…" \([\d,]+ characters\)$/m);
    for (const line of lines) expect(line.length).toBeLessThan(250);
  });
});

describe('accounts', () => {
  it('a missing credential is an error at the account in the config, before any call', async () => {
    // A region with CCM, so that the endpoints are fine; no variable, no profile: the default chain
    // ends with the metadata service, which is not there (or does not answer) on this machine.
    ws = workspace(
      builtinConfig
        .replaceAll(', emulator: builtin', '')
        .replace('region: ap-southeast-1', 'region: cn-north-4'),
      { 'plan.yaml': planOf([ACTIVE_CCM]) },
    );
    const result = await runCli(['plan', 'plan.yaml'], ws.dir, { HOME: ws.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(withoutProgress(result.stderr)).toMatch(
      new RegExp(
        `^rescind\\.config\\.yaml:4:12: error account\\.credentials: account hw-prod: no credentials: the environment variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set; the environment variables HUAWEICLOUD_SDK_IDP_ID, HUAWEICLOUD_SDK_ID_TOKEN_FILE are not set; the Huawei Cloud credentials file ${ws.dir.replaceAll('.', '\\.')}/\\.huaweicloud/credentials does not exist; .*metadata service at http://169\\.254\\.169\\.254.*\\n$`,
      ),
    );
  });

  it('a second command on the same built-in emulator state is refused while the first runs', async () => {
    ws = workspace(builtinConfig, { 'plan.yaml': planOf([ACTIVE_CCM]) });
    const first = createSession({ cwd: ws.dir, env: {} });
    try {
      expect((await first.openAccounts({ 'hw-prod': ['ccm'] })).diagnostics).toEqual([]);
      const second = await cli(['plan', 'plan.yaml']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /^rescind\.config\.yaml:4:12: error account\.emulator: account hw-prod: the built-in emulator did not start: .*another emulator is using it \(pid \d+/,
      );
    } finally {
      await first.close();
    }
    expect((await cli(['plan', 'plan.yaml'])).code).toBe(0);
  });
});

describe('rescind show', () => {
  it('refuses a saved plan that was edited after it was made', async () => {
    ws = workspace(builtinConfig, { 'plan.yaml': planOf([ACTIVE_CCM]) });
    expect((await cli(['plan', '--out', 'p.json', 'plan.yaml'])).code).toBe(0);
    const path = join(ws.dir, 'p.json');
    // Turn the revoke into already-revoked by hand: the digest no longer matches.
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace('"action": "revoke"', '"action": "already-revoked"'),
    );
    const shown = await cli(['show', 'p.json']);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toBe('');
    expect(shown.stderr).toMatch(/^p\.json:\d+:\d+: error plan\.digest: /m);
  });

  it('refuses a file that is not a saved plan, with a located error', async () => {
    ws = workspace(builtinConfig, { 'plan.yaml': planOf([ACTIVE_CCM]) });
    const shown = await cli(['show', 'plan.yaml']);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toBe('');
    expect(shown.stderr).toMatch(/^plan\.yaml:\d+:\d+: error /m);
  });
});

describe('standard input', () => {
  it('plan - reads the plan from standard input, its problems located under --stdin-filepath', async () => {
    ws = workspace(builtinConfig);
    const stdinIo = (text: string) => ({
      stdout: { write: (t: string) => void out.push(t), isTTY: false },
      stderr: { write: (t: string) => void err.push(t), isTTY: false },
      cwd: ws?.dir ?? '',
      env: {},
      readStdin: async () => new TextEncoder().encode(text),
    });
    const out: string[] = [];
    const err: string[] = [];
    const { run } = await import('../../src/cli/main.js');
    expect(await run(['plan', '-'], stdinIo(planOf([ACTIVE_CCM])))).toBe(0);
    expect(out.join('')).toMatch(/^Plan: 1 to revoke, /m);
    out.length = 0;
    const broken = planOf([ACTIVE_CCM]).replace(
      'type: huaweicloud.ccm.subordinate-ca',
      'type: huaweicloud.ccm.subordinate-cas',
    );
    expect(await run(['plan', '--stdin-filepath', 'plans/new.yaml', '-'], stdinIo(broken))).toBe(1);
    expect(err.join('')).toMatch(/^plans\/new\.yaml:6:\d+: error schema\.enum: /m);
    err.length = 0;
    expect(await run(['validate', '--stdin-filepath', 'plans/new.yaml', '-'], stdinIo(broken))).toBe(1);
    expect(out.join('')).toMatch(/^plans\/new\.yaml:6:\d+: error schema\.enum: /m);
  });
});
