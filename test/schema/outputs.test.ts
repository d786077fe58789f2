// Every JSON that a command prints is described by a published schema, held to it here on what the
// commands really print (in-process, on the built-in emulator): validate (schemas/validate-report),
// plan and show of a saved plan (schemas/saved-plan), apply and show of a run (schemas/apply-report),
// the runs (schemas/run-list),
// a command that fails with --format json (schemas/error-report), --version --format json
// (schemas/version). Every output schema of schemas/ is held to something here.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAjv, documentKinds, SCHEMA_BASE } from '../../src/schema/schemas.js';
import { runCli } from '../helpers/io.js';
import { fixture, repoRoot } from '../helpers/paths.js';
import { builtinConfig, type Workspace, workspace } from '../helpers/plan.js';
import { DEMO_ENV } from '../helpers/provider.js';

// The ajv of rescind itself, with every file of schemas/.
const ajv = createAjv();

// The schemas the tests below hold output to.
const used = new Set<string>();

// conforming parses a command's stdout and holds it to the schema file named.
function conforming<T = Record<string, unknown>>(schema: string, stdout: string): T {
  used.add(schema);
  const validate = ajv.getSchema(SCHEMA_BASE + schema);
  if (validate === undefined) throw new Error(`no schema ${schema}`);
  const data: unknown = JSON.parse(stdout);
  expect(validate(data), JSON.stringify(validate.errors, null, 2)).toBe(true);
  return data as T;
}

interface ValidateReport {
  valid: boolean;
  files: { kind: string | null; omitted: number }[];
  diagnostics: { file: string | null; range: unknown; path: unknown }[];
}

describe('validate --format json: schemas/validate-report.schema.json', () => {
  it('describes a valid run', async () => {
    const r = await runCli(['validate', '--format', 'json', 'plans/', 'rescind.config.yaml'], repoRoot);
    expect(r.code).toBe(0);
    expect(conforming<ValidateReport>('validate-report.schema.json', r.stdout).valid).toBe(true);
  });

  it('describes a run with errors: omitted diagnostics, files of no kind, problems of no place', async () => {
    const argv = [
      'validate',
      '--format=json',
      '--max-diagnostics',
      '2',
      'invalid/kms-errors.yaml',
      'invalid/file-empty.yaml',
      'invalid/kind-unknown.yaml',
      'invalid/yaml-tab-indent.yaml',
      'invalid/no-such-file.yaml',
    ];
    const r = await runCli(argv, fixture('validate'));
    expect(r.code).toBe(1);
    const report = conforming<ValidateReport>('validate-report.schema.json', r.stdout);
    expect(report.valid).toBe(false);
    // Each nullable or counted field of the schema is exercised, not only its common case.
    expect(report.files.some((f) => f.omitted > 0)).toBe(true);
    expect(report.files.some((f) => f.kind === null)).toBe(true);
    expect(report.diagnostics.some((d) => d.range === null)).toBe(true);
    expect(report.diagnostics.some((d) => d.path === null)).toBe(true);
    expect(report.diagnostics.some((d) => Array.isArray(d.path))).toBe(true);
  });
});

describe('plan, show and apply --format json, on the built-in emulator', () => {
  let ws: Workspace | undefined;
  afterEach(() => ws?.close());
  const cli = (argv: readonly string[]) => {
    if (ws === undefined) throw new Error('no workspace');
    return runCli(argv, ws.dir, DEMO_ENV);
  };

  it('plan and show of the saved plan: schemas/saved-plan.schema.json, with policy findings', async () => {
    ws = workspace(builtinConfig, {
      'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml'),
      'baseline.yaml': join(repoRoot, 'plans/policies/baseline.yaml'),
    });
    const planned = await cli([
      'plan',
      '--format',
      'json',
      '--policy',
      'baseline.yaml',
      '--out',
      'p.json',
      'offboard.yaml',
    ]);
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
    const plan = conforming<{ policies: { effect: string }[] }>('saved-plan.schema.json', planned.stdout);
    expect(plan.policies.map((p) => p.effect)).toContain('warn');
    conforming('saved-plan.schema.json', readFileSync(join(ws.dir, 'p.json'), 'utf8'));

    const shown = await cli(['show', '--format', 'json', 'p.json']);
    expect(shown.code).toBe(0);
    conforming('saved-plan.schema.json', shown.stdout);
  });

  it('plan of a folder of plans: schemas/plan-list.schema.json, each plan whole', async () => {
    ws = workspace(builtinConfig, {
      'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml'),
      'ca.yaml': join(repoRoot, 'plans/examples/huaweicloud.ccm.subordinate-ca.yaml'),
    });
    const planned = await cli(['plan', '--format', 'json', '.']);
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
    const list = conforming<{ plans: { plan: { name: string } }[] }>('plan-list.schema.json', planned.stdout);
    expect(list.plans.map((p) => p.plan.name)).toEqual(['retire-issuing-ca-2024', 'offboard-alice']);
  });

  it('plan of a plan a policy denies: schemas/saved-plan.schema.json, with blocked targets', async () => {
    const plan = readFileSync(join(repoRoot, 'plans/examples/offboard-alice.yaml'), 'utf8').replace(
      'ticket: SEC-2041',
      'ticket: INC-7',
    );
    ws = workspace(builtinConfig, {
      'offboard.yaml': plan,
      'baseline.yaml': join(repoRoot, 'plans/policies/baseline.yaml'),
    });
    const planned = await cli(['plan', '--format', 'json', '--policy', 'baseline.yaml', 'offboard.yaml']);
    expect(planned.code).toBe(3);
    const saved = conforming<{ summary: { blocked: number } }>('saved-plan.schema.json', planned.stdout);
    expect(saved.summary.blocked).toBeGreaterThan(0);
    // apply of it prints nothing on stdout: no report, since nothing ran.
    const applied = await cli([
      'apply',
      '--yes',
      '--format',
      'json',
      '--policy',
      'baseline.yaml',
      'offboard.yaml',
    ]);
    expect(applied.code).toBe(3);
    // No report, since nothing ran: an error report says the exit status; stderr says which rule.
    const blocked = conforming<{ exitCode: number; diagnostics: { code: string; message: string }[] }>(
      'error-report.schema.json',
      applied.stdout,
    );
    expect(blocked.exitCode).toBe(3);
    expect(blocked.diagnostics[0]?.code).toBe('policy.denied');
    expect(applied.stderr).toBe('');
  });

  it('apply and show of its run: schemas/apply-report.schema.json; an apply with nothing to do too', async () => {
    ws = workspace(builtinConfig, { 'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml') });
    const applied = await cli(['apply', '--yes', '--format', 'json', 'offboard.yaml']);
    expect(applied.code).toBe(0);
    const report = conforming<{ runId: string; status: string }>('apply-report.schema.json', applied.stdout);
    expect(report.status).toBe('done');

    const shown = await cli(['show', '--format', 'json', report.runId]);
    expect(shown.code).toBe(0);
    expect(conforming('apply-report.schema.json', shown.stdout)).toEqual(report);

    const runs = await cli(['runs', '--format', 'json']);
    expect(runs.code).toBe(0);
    const list = conforming<{ runs: { runId: string }[] }>('run-list.schema.json', runs.stdout);
    expect(list.runs.map((r) => r.runId)).toEqual([report.runId]);

    // A certificate the demo seed has revoked already: nothing to apply, so no run.
    const revoked = [
      'apiVersion: rescind/v1',
      'kind: RevocationPlan',
      'metadata: {name: nothing-to-do, reason: already revoked}',
      'spec:',
      '  revocations:',
      '    - id: old-laptop',
      '      type: alibabacloud.esa.client-certificate',
      '      account: ali-prod',
      '      target: {siteId: 1234567890123, certificateId: 5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e}',
      '',
    ].join('\n');
    writeFileSync(join(ws.dir, 'revoked.yaml'), revoked);
    const none = await cli(['apply', '--yes', '--format', 'json', 'revoked.yaml']);
    expect(none.code).toBe(0);
    expect(conforming('apply-report.schema.json', none.stdout)).toEqual({
      apiVersion: 'rescind/v1',
      kind: 'ApplyReport',
      formatVersion: '2',
      status: 'no-changes',
    });
  });
});

describe('errors and the version', () => {
  it('a command that fails with --format json: schemas/error-report.schema.json', async () => {
    const r = await runCli(['plan', '--format', 'json', 'invalid/kms-errors.yaml'], fixture('validate'));
    expect(r.code).toBe(1);
    const report = conforming<{ diagnostics: unknown[] }>('error-report.schema.json', r.stdout);
    expect(report.diagnostics.length).toBeGreaterThan(1);
  });

  it('--version --format json: schemas/version.schema.json', async () => {
    const r = await runCli(['--version', '--format', 'json'], repoRoot);
    conforming('version.schema.json', r.stdout);
  });
});

describe('the output schemas', () => {
  it('are each held to what a command prints, above', () => {
    const inputs = new Set([...Object.values(documentKinds), 'common.schema.json']);
    const outputs = readdirSync(join(repoRoot, 'schemas')).filter(
      (f) => f.endsWith('.schema.json') && !inputs.has(f),
    );
    expect(outputs.length).toBeGreaterThan(3);
    expect(outputs.filter((f) => !used.has(f))).toEqual([]);
  });
});
