// rescind validate as a user runs it: arguments, output formats, exit codes,
// colours, and what must never be printed. In-process through run(argv, io);
// one smoke test spawns bin/rescind.js.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { diagnosticCodes } from '../../src/diagnostics/codes.js';
import { VERSION } from '../../src/version.js';
import { runCli } from '../helpers/io.js';
import { fixture, repoRoot } from '../helpers/paths.js';

const cwd = fixture('validate');

describe('rescind validate', () => {
  it('passes the repository plans, config and policies', async () => {
    const r = await runCli(['validate', 'plans/', 'rescind.config.yaml'], repoRoot);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\d+ files valid\.\n$/);
    expect(r.code).toBe(0);
  });

  it('exits 1 and prints FILE:LINE:COL: error CODE: message for each problem', async () => {
    const r = await runCli(['validate', 'invalid/kms-errors.yaml'], cwd);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines.slice(0, -1)) {
      expect(line).toMatch(/^invalid\/kms-errors\.yaml:\d+:\d+: error [a-z]+\.[a-z-]+: [^A-Z]/);
    }
    expect(lines.at(-1)).toMatch(/^Found \d+ errors? in 1 of 2 files\.$/);
  });

  it('names the cloud of an account of the wrong cloud with its article: an alibabacloud account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rescind-cloud-'));
    writeFileSync(
      join(dir, 'rescind.config.yaml'),
      'apiVersion: rescind/v1\nkind: Config\naccounts:\n  ali: {cloud: alibabacloud, region: cn-hangzhou, emulator: builtin}\n',
    );
    writeFileSync(
      join(dir, 'plan.yaml'),
      [
        'apiVersion: rescind/v1',
        'kind: RevocationPlan',
        'metadata: {name: x, reason: a test}',
        'spec:',
        '  revocations:',
        '    - {id: ca, type: huaweicloud.ccm.subordinate-ca, account: ali, target: {caId: 6434f74f-2d13-4e6a-89eb-93ee313f1a43}}',
        '',
      ].join('\n'),
    );
    const r = await runCli(['validate', 'plan.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'error plan.account-cloud: huaweicloud.ccm.subordinate-ca revokes in huaweicloud, but account "ali" is an alibabacloud account\n',
    );
  });

  it('walks directories for *.yaml and *.yml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rescind-walk-'));
    writeFileSync(join(dir, 'a.yml'), 'apiVersion: rescind/v1\nkind: Policy\n');
    writeFileSync(join(dir, 'notes.txt'), 'not yaml: [');
    const r = await runCli(['validate', dir], cwd);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('a.yml:');
    expect(r.stdout).not.toContain('notes.txt');
  });

  it('renders --format json (golden)', async () => {
    const r = await runCli(
      ['validate', '--format', 'json', 'invalid/kms-errors.yaml', 'valid/anchors.yaml'],
      cwd,
    );
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { formatVersion: string; valid: boolean };
    expect(doc).toMatchObject({ formatVersion: '1', valid: false });
    await expect(r.stdout).toMatchFileSnapshot('../golden/cli/validate-json.json');
  });

  it('renders --format sarif 2.1.0 with one rule per code (golden)', async () => {
    const r = await runCli(['validate', '--format=sarif', 'invalid/esa-errors.yaml'], cwd);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as {
      version: string;
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    const rules = run?.tool.driver.rules.map((x) => x.id) ?? [];
    for (const result of run?.results ?? []) expect(rules).toContain(result.ruleId);
    for (const id of rules) expect(Object.keys(diagnosticCodes)).toContain(id);
    const stable = r.stdout.replace(`"version": "${VERSION}"`, '"version": "<version>"');
    await expect(stable).toMatchFileSnapshot('../golden/cli/validate-sarif.json');
  });

  it('colours only when asked: FORCE_COLOR yes, NO_COLOR no, pipes no', async () => {
    const file = 'invalid/kms-errors.yaml';
    expect((await runCli(['validate', file], cwd, { FORCE_COLOR: '1' })).stdout).toContain('\u001b[');
    expect((await runCli(['validate', file], cwd, { NO_COLOR: '1' })).stdout).not.toContain('\u001b[');
    expect((await runCli(['validate', file], cwd)).stdout).not.toContain('\u001b[');
  });

  it('never prints a secret that a config holds by mistake, in any format', async () => {
    for (const format of ['text', 'json', 'sarif']) {
      const r = await runCli(['validate', `--format=${format}`, 'invalid/config-errors.yaml'], cwd);
      expect(r.code).toBe(1);
      const out = r.stdout + r.stderr;
      expect(out).toContain('config.secret');
      expect(out).not.toContain('this-value-must-never-be-printed');
      expect(out).not.toContain('never-printed-either');
    }
  });

  it('reports a missing path, and a missing --config, naming them', async () => {
    const missing = await runCli(['validate', 'no/such/plan.yaml'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('no/such/plan.yaml: error file.not-found');
    const config = await runCli(['validate', '--config', 'nope.yaml', 'valid/anchors.yaml'], cwd);
    expect(config.code).toBe(1);
    expect(config.stdout).toContain('config.not-found');
  });
});

describe('command line errors', () => {
  it.each([
    [['validat', 'x'], /unknown command "validat"; did you mean "validate"\?/],
    [['validate'], /rescind validate: .*PATH/],
    [['validate', '--formt', 'json', 'x'], /unknown option --formt; did you mean --format\?/],
    [['validate', '--format', 'xml', 'x'], /--format must be one of text, json, sarif/],
  ])('%j', async (argv, message) => {
    const r = await runCli(argv, cwd);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints usage to stderr with no command, to stdout with --help', async () => {
    const none = await runCli([], cwd);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Usage: rescind [--debug] [--quiet] [--no-color] COMMAND');
    const help = await runCli(['--help'], cwd);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('validate');
    const sub = await runCli(['validate', '--help'], cwd);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--format');
  });
});

describe('bin/rescind.js', () => {
  it('runs as a process and exits with the command status', async () => {
    const bin = join(repoRoot, 'bin/rescind.js');
    const ok = await promisify(execFile)(process.execPath, [bin, 'validate', 'plans/'], { cwd: repoRoot });
    expect(ok.stdout).toMatch(/files valid/);
    const bad = await promisify(execFile)(process.execPath, [bin, 'validate', 'invalid/top-list.yaml'], {
      cwd,
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 1, stderr: '' });
    expect(bad.stdout).toContain('invalid/top-list.yaml:1:1: error schema.type');
  });
});
