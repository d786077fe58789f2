// Seeds: the demo seed is valid and serves the example plans' IDs; a malformed seed is
// reported like a plan (FILE:LINE:COL: error CODE: message, exit 1) by the emulator and by
// `rescind validate`; a seed given as data is checked too. And the emulator command line.

import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { spec as emulatorSpec, run as runEmulator } from '../../src/cli/commands/emulator.js';
import type { Io } from '../../src/cli/io.js';
import { EmulatorStateError, readSeedFile } from '../../src/emulator/seed.js';
import { startEmulator } from '../../src/emulator/server.js';
import { formatDiagnostic } from '../../src/render/diagnostics/text.js';
import { adminCall, callHuawei } from '../helpers/emulator-client.js';
import { runCli } from '../helpers/io.js';
import { fixture, repoRoot } from '../helpers/paths.js';

const cwd = fixture('emulator');
const bad = readdirSync(cwd)
  .filter((f) => f.startsWith('bad-'))
  .sort();

describe('malformed seeds get located diagnostics', () => {
  it.each(bad)('%s', async (name) => {
    const result = readSeedFile(`${cwd}/${name}`);
    expect(result.state).toBeUndefined();
    const text = result.diagnostics
      .map((d) => formatDiagnostic(d).replace(cwd, 'test/fixtures/emulator'))
      .join('\n');
    expect(text).toMatch(/^test\/fixtures\/emulator\/bad-[a-z-]+\.yaml:\d+:\d+: error [a-z.-]+: /);
    await expect(`${text}\n`).toMatchFileSnapshot(`../golden/emulator/${name.replace(/\.yaml$/, '.txt')}`);
  });

  it('startEmulator throws EmulatorStateError with the diagnostics', async () => {
    const error = await startEmulator({ state: `${cwd}/bad-duplicates.yaml` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorStateError);
    expect((error as EmulatorStateError).code).toBe('RESCIND_EMULATOR_STATE');
    expect((error as EmulatorStateError).diagnostics.length).toBeGreaterThan(0);
  });

  it('a seed given as data is checked, with JSON paths', async () => {
    const error = await startEmulator({
      state: {
        apiVersion: 'rescind/v1',
        kind: 'EmulatorState',
        identities: [{ cloud: 'alibabacloud' }],
      } as never,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorStateError);
    expect((error as EmulatorStateError).diagnostics[0]).toMatchObject({
      code: 'schema.required',
      path: ['identities', 0],
    });
  });

  it('rescind validate checks seeds', async () => {
    const result = await runCli(['validate', 'bad-duplicates.yaml', 'state.yaml'], cwd);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'bad-duplicates.yaml:5:38: error emulator.duplicate-id: access key "AK1" is listed twice',
    );
    expect(result.stdout).not.toContain('state.yaml:');
  });
});

describe('the demo seed', () => {
  it('is valid and holds the demo identities of docs/emulator.md', () => {
    const result = readSeedFile(`${repoRoot}plans/examples/emulator-seed.yaml`);
    expect(result.diagnostics).toEqual([]);
    expect(result.state?.identities.map((i) => i.cloud)).toEqual([
      'huaweicloud',
      'huaweicloud',
      'alibabacloud',
    ]);
  });
});

function captureIo(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (t) => out.push(t), isTTY: false },
    stderr: { write: (t) => err.push(t), isTTY: false },
    cwd: repoRoot,
    env: {},
  };
}

describe('rescind emulator', () => {
  it('prints the URL first, serves until told to stop, and exits 0', async () => {
    const io = captureIo();
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let started: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => {
      started = resolve;
    });
    const code = runEmulator(
      parseCommand(emulatorSpec, ['--port', '0', '--latency-ms', '1', '--seed', '9']),
      io,
      {
        wait: () => {
          started(io.out.join('').split('\n')[0] ?? '');
          return stopped;
        },
      },
    );
    const first = await url;
    expect(first).toMatch(/^rescind emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const base = first.replace('rescind emulator listening on ', '');
    expect((await adminCall(base, 'GET', '/_emulator/faults')).json).toMatchObject({ latencyMs: 1, seed: 9 });
    const ca = await callHuawei(base, {
      method: 'GET',
      path: '/v1/private-certificate-authorities/6434f74f-2d13-4e6a-89eb-93ee313f1a43',
      domainId: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    });
    expect(ca.status).toBe(200);
    stop();
    expect(await code).toBe(0);
  });

  it('reports a malformed seed like a plan and exits 1', async () => {
    const result = await runCli(['emulator', '--state', 'test/fixtures/emulator/bad-yaml.yaml'], repoRoot);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'test/fixtures/emulator/bad-yaml.yaml:5:1: error yaml.syntax: flow map in block collection must be sufficiently indented and end with a }\n',
    );
    const missing = await runCli(['emulator', '--state', 'nope.yaml'], repoRoot);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      'nope.yaml: error file.not-found: nope.yaml does not exist\n',
    ]);
  });

  it.each([
    [['--port', 'abc'], '--port must be a whole number from 0 to 65535, not "abc"'],
    [['--error-rate', '2'], '--error-rate must be a number from 0 to 1, not "2"'],
    [['--drop-rate=-0.1'], '--drop-rate must be a number from 0 to 1, not "-0.1"'],
    [['--throttle-rps', 'fast'], '--throttle-rps must be a number from 0 to 1000000, not "fast"'],
    [['--latency-ms', '1.5'], '--latency-ms must be a whole number from 0 to 600000, not "1.5"'],
    [['--seed', 'x'], '--seed must be a whole number from 0 to 4294967295, not "x"'],
    [['--colour'], 'unknown option --colour'],
    [['extra'], 'too many arguments'],
  ])('refuses bad flags %j with a usage error', async (argv, message) => {
    const result = await runCli(['emulator', ...argv], repoRoot);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`rescind emulator: ${message}`);
  });
});
