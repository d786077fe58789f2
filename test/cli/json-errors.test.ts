// JSON all the way: a command run with --format json that cannot make its result (a bad file, a bad
// config, a mistake in the command line, a cloud that cannot be reached, no standard input) prints one
// JSON document on stdout, an error report with the diagnostics (schemas/error-report.schema.json),
// and nothing on stderr; never text on stderr with an empty stdout.

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAjv, SCHEMA_BASE } from '../../src/schema/schemas.js';
import { runCli } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';
import { builtinConfig, endpointConfig, type Workspace, workspace } from '../helpers/plan.js';
import { DEMO_ENV } from '../helpers/provider.js';

const ajv = createAjv();

interface ErrorReport {
  kind: string;
  command: string | null;
  exitCode: number;
  errorCount: number;
  diagnostics: { code: string; message: string; file: string | null }[];
}

// The error report on stdout, held to its schema.
function report(stdout: string): ErrorReport {
  const validate = ajv.getSchema(`${SCHEMA_BASE}error-report.schema.json`);
  if (validate === undefined) throw new Error('no schema error-report.schema.json');
  const doc: unknown = JSON.parse(stdout);
  expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
  return doc as ErrorReport;
}

let ws: Workspace | undefined;
afterEach(() => {
  ws?.close();
  ws = undefined;
});

const offboard = join(repoRoot, 'plans/examples/offboard-alice.yaml');
const badPlan =
  'apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata: {name: x}\nspec: {revocations: []}\n';

describe('an error of any kind, with --format json, is an error report on stdout', () => {
  const cases: [string, string[], string, string | null][] = [
    [
      'plan: a file that is not valid',
      ['plan', '--format', 'json', 'bad.yaml'],
      'schema.required',
      'bad.yaml',
    ],
    [
      'plan: a file that does not exist',
      ['plan', '--format=json', 'nope.yaml'],
      'file.not-found',
      'nope.yaml',
    ],
    [
      'plan: a config that does not exist',
      ['plan', '--format', 'json', '--config', 'nope.config.yaml', 'offboard.yaml'],
      'config.not-found',
      'nope.config.yaml',
    ],
    ['plan: no standard input', ['plan', '--format', 'json', '-'], 'file.unreadable', '-'],
    [
      'plan: an unknown option',
      ['plan', '--format', 'json', '--outt', 'p.json', 'offboard.yaml'],
      'cli.usage',
      null,
    ],
    ['plan: no FILE', ['plan', '--format', 'json'], 'cli.usage', null],
    [
      'plan: a value out of range',
      ['plan', '--format', 'json', '--concurrency', '0', 'x.yaml'],
      'cli.usage',
      null,
    ],
    [
      'show: a file that is no saved plan',
      ['show', '--format', 'json', 'bad.yaml'],
      'document.kind',
      'bad.yaml',
    ],
    [
      'show: a run that does not exist',
      ['show', '--format', 'json', '20261130T101500Z-3f9a1c'],
      'apply.run',
      '.rescind/runs/20261130T101500Z-3f9a1c',
    ],
    ['validate: no standard input', ['validate', '--format', 'json', '-'], 'file.unreadable', '-'],
    [
      'validate: an unknown option',
      ['validate', '--format', 'json', '--max', '3', 'bad.yaml'],
      'cli.usage',
      null,
    ],
    ['apply: an unknown option', ['apply', '--format', 'json', '--yess', 'offboard.yaml'], 'cli.usage', null],
    ['an unknown command', ['plna', '--format', 'json', 'offboard.yaml'], 'cli.usage', null],
  ];

  it.each(cases)('%s', async (_, argv, code, file) => {
    ws = workspace(builtinConfig, { 'offboard.yaml': offboard, 'bad.yaml': badPlan });
    const out = await runCli(argv, ws.dir, DEMO_ENV);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('');
    const doc = report(out.stdout);
    expect(doc.exitCode).toBe(1);
    expect(doc.command).toBe(argv[0] === 'plna' ? null : argv[0]);
    expect(doc.errorCount).toBeGreaterThan(0);
    expect(doc.diagnostics.map((d) => d.code)).toContain(code);
    if (file !== null) expect(doc.diagnostics.find((d) => d.code === code)?.file).toBe(file);
  });

  it('says what was wrong with the command line, as the text does', async () => {
    const text = await runCli(['plan', '--outt', 'p.json', 'x.yaml'], repoRoot);
    const json = await runCli(['plan', '--format', 'json', '--outt', 'p.json', 'x.yaml'], repoRoot);
    const message = report(json.stdout).diagnostics[0]?.message ?? '';
    expect(message).toBe('unknown option --outt; did you mean --out?');
    expect(text.stderr).toBe(`rescind plan: ${message}\nRun 'rescind plan --help' for usage.\n`);
  });

  it('plan: a cloud that cannot be reached is located at the revocation or account it served', async () => {
    ws = workspace(endpointConfig('http://127.0.0.1:9'), { 'offboard.yaml': offboard });
    const out = await runCli(['plan', '--format', 'json', 'offboard.yaml'], ws.dir, DEMO_ENV);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('');
    const doc = report(out.stdout);
    const unreachable = doc.diagnostics.filter((d) => d.code === 'cloud.unreachable');
    expect(unreachable.length).toBeGreaterThan(0);
    expect(unreachable.some((d) => d.file === 'offboard.yaml')).toBe(true);
    for (const d of unreachable) expect(['offboard.yaml', 'rescind.config.yaml']).toContain(d.file);
  });

  it('plan: a saved plan that cannot be written is an error report, not the plan', async () => {
    ws = workspace(builtinConfig, { 'offboard.yaml': offboard });
    const out = await runCli(
      ['plan', '--format', 'json', '--out', 'no/such/dir/p.json', 'offboard.yaml'],
      ws.dir,
      DEMO_ENV,
    );
    expect(out.code).toBe(1);
    expect(report(out.stdout).diagnostics.map((d) => d.code)).toEqual(['file.unwritable']);
  });

  it('apply: a plan file that is not valid is an error report with its diagnostics, stderr empty', async () => {
    ws = workspace(builtinConfig, { 'bad.yaml': badPlan });
    const out = await runCli(['apply', '--format', 'json', '--yes', 'bad.yaml'], ws.dir, DEMO_ENV);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('');
    const r = report(out.stdout) as { diagnostics: { code: string; file: string }[] };
    expect(r).toMatchObject({ command: 'apply', exitCode: 1 });
    expect(r.diagnostics[0]).toMatchObject({ code: 'schema.required', file: 'bad.yaml' });
  });

  it('apply: no terminal and no --yes is an error report naming apply.confirm', async () => {
    ws = workspace(builtinConfig, { 'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml') });
    const out = await runCli(['apply', '--format', 'json', 'offboard.yaml'], ws.dir, DEMO_ENV);
    expect(out.code).toBe(1);
    expect(report(out.stdout)).toMatchObject({
      command: 'apply',
      exitCode: 1,
      diagnostics: [{ code: 'apply.confirm' }],
    });
  });

  it('text output is as before: diagnostics on stderr, nothing on stdout', async () => {
    ws = workspace(builtinConfig, { 'bad.yaml': badPlan });
    const out = await runCli(['plan', 'bad.yaml'], ws.dir, DEMO_ENV);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^bad\.yaml:\d+:\d+: error schema\.required: /m);
  });
});
