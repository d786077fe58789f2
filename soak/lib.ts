// What every scenario of the reliability campaign shares: its sizes (short in `npm test`, full under
// SOAK_FULL=1), a seeded random source, the built CLI run as a child process (watched, never left
// running), the CLI in-process, the emulator's admin reads, and the one-line summary each scenario prints.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Io } from '../src/cli/io.js';
import { run } from '../src/cli/main.js';
import type { EmulatorState } from '../src/emulator/state.js';
import { adminCall } from '../test/helpers/emulator-client.js';
import { repoRoot } from '../test/helpers/paths.js';
import { DEMO_ENV } from '../test/helpers/provider.js';

/** FULL is true under SOAK_FULL=1 (`npm run soak`): the campaign's full sizes. */
export const FULL = process.env.SOAK_FULL === '1' && process.env.SOAK_SHORT !== '1';

/** sized picks the short or the full value of a size. */
export function sized<T>(short: T, full: T): T {
  return FULL ? full : short;
}

/**
 * SEED seeds every random choice of the campaign (kill points, fuzz cases): SOAK_SEED when given, else
 * a fixed seed for the short version (CI reproduces itself) and the clock for the full one (each run
 * explores new points; its summary prints the seed, to run it again).
 */
export const SEED = Number(process.env.SOAK_SEED ?? (FULL ? Date.now() % 2 ** 31 : 20261204));

/** scenarioTimeoutMs bounds a scenario's test: a hang fails it rather than stalling CI. */
export const scenarioTimeoutMs = sized(120_000, 30 * 60_000);

/** ScenarioResult is what a scenario found: its summary line and every broken guarantee, with evidence. */
export interface ScenarioResult {
  summary: string;
  violations: string[];
}

/** printSummary writes a scenario's one-line summary to stdout, past the test runner's capture. */
export function printSummary(result: ScenarioResult): void {
  const verdict = result.violations.length === 0 ? 'ok' : `FAILED (${result.violations.length} violations)`;
  process.stdout.write(`soak ${FULL ? 'full' : 'short'} ${verdict}: ${result.summary}\n`);
}

/** seconds formats a duration in milliseconds as seconds with one decimal. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** sleep waits ms milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CHILD_TIMEOUT_MS is the longest a child rescind may run before it is killed and reported. */
const CHILD_TIMEOUT_MS = sized(60_000, 10 * 60_000);

/** Child is a rescind process: its output so far, and its end. */
export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** exited resolves when the process has ended: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** timedOut is true when the watchdog killed it. */
  timedOut(): boolean;
  /** waitFor resolves with the first match of pattern in stderr, or undefined once the process ended. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray | undefined>;
}

const living = new Set<ChildProcess>();

/**
 * spawnRescind runs `node bin/rescind.js ...args` (the built CLI) in cwd with the demo credentials and
 * RESCIND_DEBUG on (an internal error prints its stack, which the secret scan then reads too).
 */
export function spawnRescind(
  cwd: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = DEMO_ENV,
): Child {
  const proc = spawn(process.execPath, [join(repoRoot, 'bin/rescind.js'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env, RESCIND_DEBUG: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`cannot start rescind ${args.join(' ')}`);
  living.add(proc);
  let out = '';
  let err = '';
  let timedOut = false;
  const listeners: (() => void)[] = [];
  proc.stdout?.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  proc.stderr?.on('data', (b: Buffer) => {
    err += b.toString('utf8');
    for (const l of [...listeners]) l();
  });
  const watchdog = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, CHILD_TIMEOUT_MS);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('close', (code, signal) => {
      clearTimeout(watchdog);
      living.delete(proc);
      for (const l of [...listeners]) l();
      resolve({ code, signal });
    });
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    process: proc,
    pid: proc.pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    timedOut: () => timedOut,
    waitFor: (pattern) =>
      new Promise((resolve) => {
        const check = () => {
          const m = pattern.exec(err);
          if (m !== null || ended || proc.exitCode !== null || proc.signalCode !== null) {
            listeners.splice(listeners.indexOf(check), 1);
            resolve(m ?? undefined);
          }
        };
        listeners.push(check);
        check();
      }),
  };
}

/** killAll kills every child this module started that still runs (a failed scenario's leftovers). */
export function killAll(): void {
  for (const proc of living) proc.kill('SIGKILL');
  living.clear();
}

/** Captured is one in-process CLI run. */
export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** cli runs `rescind ...argv` in-process in dir with the demo credentials (no terminal). */
export async function cli(
  dir: string,
  argv: readonly string[],
  env: Readonly<Record<string, string>> = DEMO_ENV,
): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: { write: (t) => void out.push(t), isTTY: false },
    stderr: { write: (t) => void err.push(t), isTTY: false },
    cwd: dir,
    env,
  };
  const code = await run(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** EmulatorStatsView is GET /_emulator/stats. */
export interface EmulatorStatsView {
  requests: Record<string, number>;
  maxInFlight: Record<string, number>;
  throttled: number;
  faults: number;
}

/** statsOf reads the emulator's counters. */
export async function statsOf(url: string): Promise<EmulatorStatsView> {
  return (await adminCall(url, 'GET', '/_emulator/stats')).json as EmulatorStatsView;
}

/** stateOf reads the emulator's state. */
export async function stateOf(url: string): Promise<EmulatorState> {
  return (await adminCall(url, 'GET', '/_emulator/state')).json as EmulatorState;
}

/** setFaults changes the emulator's fault settings. */
export async function setFaults(url: string, faults: Record<string, number>): Promise<void> {
  const answer = await adminCall(url, 'POST', '/_emulator/faults', faults);
  if (answer.status !== 200) throw new Error(`emulator faults ${JSON.stringify(faults)}: ${answer.text}`);
}

/** revokeCalls counts the revoke calls the emulator received (KMS and ESA, the fleet's two types). */
export function revokeCalls(stats: EmulatorStatsView): number {
  return (stats.requests.CancelGrant ?? 0) + (stats.requests.RevokeClientCertificate ?? 0);
}

/** savePlan saves the workspace's plan.yaml as plan.json (rescind plan --out), in-process. */
export async function savePlan(dir: string): Promise<void> {
  const planned = await cli(dir, ['plan', '--out', 'plan.json', 'plan.yaml']);
  if (planned.code !== 0) throw new Error(`rescind plan failed (${planned.code}):\n${planned.stderr}`);
}

/** runIdIn finds the run id that `rescind apply` printed on stderr. */
export function runIdIn(stderr: string): string | undefined {
  return /^run (\d{8}T\d{6}Z-[0-9a-f]{6}): journal/m.exec(stderr)?.[1];
}

/** fleetSplit divides a number of targets into KMS keys of grants and ESA sites of certificates, half each. */
export function fleetSplit(targets: number): {
  keys: number;
  grants: number;
  sites: number;
  certificates: number;
} {
  // A KMS key holds at most 100 grants; an ESA site's list is paged by 100 too.
  const half = Math.floor(targets / 2);
  const perGroup = (n: number) => {
    const groups = Math.max(1, Math.ceil(n / 100));
    if (n % groups !== 0) throw new Error(`${n} targets do not split evenly into groups of at most 100`);
    return { groups, per: n / groups };
  };
  const kms = perGroup(half);
  const esa = perGroup(targets - half);
  return { keys: kms.groups, grants: kms.per, sites: esa.groups, certificates: esa.per };
}
