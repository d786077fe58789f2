// The options of every command, before or after its name: --debug (or RESCIND_LOG=debug) logs each HTTP
// attempt and its outcome on stderr and never a secret; --quiet leaves out progress and notes, never
// errors or results; --no-color (or NO_COLOR) turns colours off; -v and --version print the version, as
// text or JSON (schemas/version.schema.json).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { createAjv, SCHEMA_BASE } from '../../src/schema/schemas.js';
import { VERSION } from '../../src/version.js';
import { runCli, withoutProgress } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';
import { builtinConfig, endpointConfig, type Workspace, workspace } from '../helpers/plan.js';
import { DEMO_ENV } from '../helpers/provider.js';
import { secretForms } from '../helpers/secret-forms.js';

let ws: Workspace | undefined;
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  ws?.close();
  ws = undefined;
  await emulator?.close();
  emulator = undefined;
});

const offboard = join(repoRoot, 'plans/examples/offboard-alice.yaml');

// Every file under dir, as text.
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'utf8'));
}

describe('--debug', () => {
  // Credentials from the environment, security tokens too, against an emulator over real HTTP.
  const TOKENS = {
    HUAWEICLOUD_SDK_SECURITY_TOKEN: 'hw-session-token-4f1c9e2a7b3d5f60',
    ALIBABA_CLOUD_SECURITY_TOKEN: 'ali-session-token-8e2d4c6a0b1f3e57',
  };
  const secrets = [
    DEMO_ENV.HUAWEICLOUD_SDK_SK,
    DEMO_ENV.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    TOKENS.HUAWEICLOUD_SDK_SECURITY_TOKEN,
    TOKENS.ALIBABA_CLOUD_SECURITY_TOKEN,
  ];

  it('logs each attempt and outcome of an apply on stderr, and no form of any secret anywhere', async () => {
    emulator = await startEmulator();
    ws = workspace(endpointConfig(emulator.url), { 'offboard.yaml': offboard });
    const applied = await runCli(['apply', '--debug', '--yes', 'offboard.yaml'], ws.dir, {
      ...DEMO_ENV,
      ...TOKENS,
    });
    expect(applied.code).toBe(0);
    const debug = applied.stderr.split('\n').filter((l) => l.startsWith('debug: '));
    const sent = debug.filter((l) => l.startsWith('debug: http > '));
    const answered = debug.filter((l) => /^debug: http < \d{3} /.test(l));
    expect(sent.length).toBeGreaterThan(10);
    expect(answered.length).toBe(sent.length);
    for (const call of ['ListGrants', 'CancelGrant', 'RevokeClientCertificate', 'GetCallerIdentity']) {
      expect(sent.some((l) => l.includes(` ${call})`))).toBe(true);
    }
    // The tokens were sent (their headers are in the log), redacted.
    expect(sent.some((l) => /"x-security-token":"[^"]+"/.test(l))).toBe(true);
    expect(sent.some((l) => /"x-acs-security-token":"[^"]+"/.test(l))).toBe(true);
    const everything = [applied.stdout, applied.stderr, ...filesUnder(join(ws.dir, '.rescind'))].join('\n');
    for (const secret of secrets) {
      for (const form of secretForms(secret))
        expect(everything, `a form of a secret: ${form}`).not.toContain(form);
    }
  });

  it('is the same with RESCIND_LOG=debug, before the command too; without either, nothing is logged', async () => {
    ws = workspace(builtinConfig, { 'offboard.yaml': offboard });
    const byEnv = await runCli(['plan', 'offboard.yaml'], ws.dir, { ...DEMO_ENV, RESCIND_LOG: 'debug' });
    expect(byEnv.code).toBe(0);
    expect(byEnv.stderr).toMatch(/^debug: http > POST http:\/\/127\.0\.0\.1:\d+\/.* \(kms ListGrants\) /m);
    expect(byEnv.stderr).toMatch(/^debug: http < 200 POST http:\/\/127\.0\.0\.1:\d+\/.*ms request-id=\S+$/m);
    const before = await runCli(['--debug', 'plan', 'offboard.yaml'], ws.dir, DEMO_ENV);
    expect(before.stderr).toMatch(/^debug: http > /m);
    const none = await runCli(['plan', 'offboard.yaml'], ws.dir, DEMO_ENV);
    expect(withoutProgress(none.stderr)).toBe('');
    expect(none.stdout).toMatch(/^Plan: 6 to revoke, /m);
  });
});

describe('--quiet', () => {
  it('leaves out progress and notes, not the result', async () => {
    ws = workspace(builtinConfig, { 'offboard.yaml': offboard });
    const quiet = await runCli(['--quiet', 'apply', '--yes', 'offboard.yaml'], ws.dir, DEMO_ENV);
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/^Plan: 6 to revoke, /m);
    expect(quiet.stdout).toMatch(/^Apply complete: 6 verified, /m);
    ws.close();
    // The same apply, not quiet: the run's note and a line per target.
    ws = workspace(builtinConfig, { 'offboard.yaml': offboard });
    const loud = await runCli(['apply', '--yes', 'offboard.yaml'], ws.dir, DEMO_ENV);
    expect(loud.stderr).toMatch(/^run \S+: journal in \.rescind\/runs\//m);
    expect(loud.stderr).toMatch(/^\[\d+\/7\] verified /m);
  });

  it('never leaves out an error', async () => {
    ws = workspace(builtinConfig, { 'bad.yaml': 'apiVersion: rescind/v2\n' });
    const quiet = await runCli(['apply', '--quiet', '--yes', 'bad.yaml'], ws.dir, DEMO_ENV);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toMatch(/^bad\.yaml:\d+:\d+: error schema\.\S+: /m);
    const plan = await runCli(['plan', '--quiet', 'bad.yaml'], ws.dir, DEMO_ENV);
    expect(plan.stderr).toMatch(/^bad\.yaml:\d+:\d+: error schema\.\S+: /m);
  });
});

describe('colours', () => {
  // A run whose stdout and stderr are terminals.
  async function onTerminal(argv: readonly string[], env: Record<string, string>) {
    const out: string[] = [];
    const io: Io = {
      stdout: { write: (t) => void out.push(t), isTTY: true },
      stderr: { write: (t) => void out.push(t), isTTY: true },
      cwd: join(repoRoot, 'test/fixtures/validate'),
      env,
    };
    await run(argv, io);
    return out.join('');
  }
  const argv = ['validate', 'invalid/api-version-wrong.yaml'];
  const ESC = '\x1b[';

  it('are on a terminal, off with --no-color or a non-empty NO_COLOR', async () => {
    expect(await onTerminal(argv, {})).toContain(ESC);
    expect(await onTerminal([...argv, '--no-color'], {})).not.toContain(ESC);
    expect(await onTerminal(['--no-color', ...argv], {})).not.toContain(ESC);
    expect(await onTerminal(argv, { NO_COLOR: '1' })).not.toContain(ESC);
    expect(await onTerminal(argv, { NO_COLOR: 'anything' })).not.toContain(ESC);
    expect(await onTerminal(argv, { NO_COLOR: '' })).toContain(ESC);
  });

  it('--no-color wins over FORCE_COLOR, which wins over NO_COLOR', async () => {
    expect(
      (await runCli(argv, join(repoRoot, 'test/fixtures/validate'), { FORCE_COLOR: '1' })).stdout,
    ).toContain(ESC);
    expect(
      (await runCli([...argv, '--no-color'], join(repoRoot, 'test/fixtures/validate'), { FORCE_COLOR: '1' }))
        .stdout,
    ).not.toContain(ESC);
    expect(await onTerminal(argv, { NO_COLOR: '1', FORCE_COLOR: '1' })).toContain(ESC);
  });
});

describe('--version', () => {
  it.each([['-v'], ['--version'], ['version'], ['--quiet', '--version']])(
    '%s prints the version',
    async (...argv) => {
      const out = await runCli(argv, repoRoot);
      expect(out).toEqual({ code: 0, stdout: `rescind ${VERSION}\n`, stderr: '' });
    },
  );

  it.each(['--version --format json', '-v --format=json', 'version --format json'])(
    '%s prints it as JSON, described by schemas/version.schema.json',
    async (line) => {
      const argv = line.split(' ');
      const out = await runCli(argv, repoRoot);
      expect(out.code).toBe(0);
      const doc: unknown = JSON.parse(out.stdout);
      const validate = createAjv().getSchema(`${SCHEMA_BASE}version.schema.json`);
      expect(validate?.(doc), JSON.stringify(validate?.errors)).toBe(true);
      expect(doc).toEqual({
        apiVersion: 'rescind/v1',
        kind: 'Version',
        formatVersion: '1',
        version: VERSION,
        node: process.version,
      });
    },
  );

  it('refuses another format', async () => {
    const out = await runCli(['--version', '--format', 'yaml'], repoRoot);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/--format must be one of text, json, not "yaml"/);
  });
});
