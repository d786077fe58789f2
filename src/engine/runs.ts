// Runs on disk: each apply is a run, a folder .rescind/runs/<run id>/ holding the saved plan it runs
// (plan.json: a saved plan's own bytes, as checked) and its append-only journal (journal.jsonl): a
// `run` line each time it starts or resumes, an `intent` before each revoke call, a `revoke` line with
// its outcome after, a `target` line (the audit record) when a target ends, an `end` line when the run
// stops. A lock per plan name (.rescind/locks/<name>.lock) keeps a second apply of the same plan out.

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Content } from '../files/replace.js';
import type { AccountBinding, SavedPlan } from '../plan/model.js';
import { type JournalLine, type RunHeader, RunLog } from '../plan/run.js';
import { loadSavedPlan, writeSavedPlan } from '../plan/saved.js';
import { readJournal, syncDir } from './journal.js';

/** RUNS_DIR is where runs are kept, relative to the folder rescind runs in. */
export const RUNS_DIR = join('.rescind', 'runs');
/** LOCKS_DIR holds one lock per plan name while an apply of it runs. */
export const LOCKS_DIR = join('.rescind', 'locks');
/** MAX_RUNS bounds how many run folders a lookup reads. */
const MAX_RUNS = 10_000;

/** RunPaths are the files of one run. */
export interface RunPaths {
  runId: string;
  dir: string;
  plan: string;
  journal: string;
}

/** runPaths are the files of run runId under root (the folder rescind runs in). */
export function runPaths(root: string, runId: string): RunPaths {
  const dir = join(root, RUNS_DIR, runId);
  return { runId, dir, plan: join(dir, 'plan.json'), journal: join(dir, 'journal.jsonl') };
}

/** lockPath is the lock of a plan name under root. */
export function lockPath(root: string, planName: string): string {
  return join(root, LOCKS_DIR, `${planName}.lock`);
}

/** newRunId is a run id that sorts by time: `20261130T101500Z-3f9a1c`. */
export function newRunId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** isRunId tells whether text has the form of a run id (and so names no other path). */
export function isRunId(text: string): boolean {
  return /^\d{8}T\d{6}Z-[0-9a-f]{6}$/.test(text);
}

/** createRun makes the run's folder (0700) and writes the plan it runs. */
export async function createRun(
  root: string,
  runId: string,
  plan: Content,
): Promise<RunPaths | Diagnostic[]> {
  const paths = runPaths(root, runId);
  try {
    mkdirSync(join(root, LOCKS_DIR), { recursive: true, mode: 0o700 });
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const why = e instanceof Error && 'code' in e ? String(e.code) : String(e);
    return [runProblem(`cannot make the run's folder: ${why}`, join(RUNS_DIR, runId))];
  }
  const written = writeSavedPlan(paths.plan, join(RUNS_DIR, runId, 'plan.json'), plan);
  if (written.length > 0) return written;
  await syncDir(paths.dir);
  await syncDir(join(root, RUNS_DIR));
  return paths;
}

/** LoadedRun is a run read back: its plan (as reviewed), and what its journal says. */
export interface LoadedRun {
  paths: RunPaths;
  plan: SavedPlan;
  /** log is the journal's lines, reduced: headers, each target's prior and audit line, the end. */
  log: RunLog;
  /** torn is true when the journal's last line was cut short (the run was killed while writing it). */
  torn: boolean;
  /** finished is true when the run ended with every target done. */
  finished: boolean;
}

/** loadRun reads run runId under root; diagnostics when it is not there or cannot be read. */
export function loadRun(root: string, runId: string): LoadedRun | { diagnostics: Diagnostic[] } {
  const paths = runPaths(root, runId);
  const shown = join(RUNS_DIR, runId);
  if (!isRunId(runId) || !existsSync(paths.dir)) {
    return { diagnostics: [runProblem(`no run ${runId} in ${RUNS_DIR}`, shown)] };
  }
  const saved = loadSavedPlan(paths.plan, join(shown, 'plan.json'));
  if (saved.plan === undefined) return { diagnostics: saved.diagnostics };
  let read: ReturnType<typeof readJournal>;
  try {
    read = readJournal(paths.journal);
  } catch (e) {
    return {
      diagnostics: [runProblem(e instanceof Error ? e.message : String(e), join(shown, 'journal.jsonl'))],
    };
  }
  const log = new RunLog();
  for (const line of read.records as unknown as JournalLine[]) log.add(line);
  return { paths, plan: saved.plan, log, torn: read.torn, finished: log.finished(saved.plan) };
}

/** RunSummary is one run as a listing shows it: its id, plan and whether it finished. */
export interface RunSummary {
  runId: string;
  planName: string;
  planFile: string;
  digest: string;
}

/**
 * listRuns lists the runs under root, newest first, from the first line of each journal (the run's
 * header): cheap, whatever the journals hold. A folder that is not a run is skipped.
 */
export function listRuns(root: string): RunSummary[] {
  const dir = join(root, RUNS_DIR);
  if (!existsSync(dir)) return [];
  const ids = readdirSync(dir).filter(isRunId).sort().reverse().slice(0, MAX_RUNS);
  const out: RunSummary[] = [];
  for (const runId of ids) {
    const header = firstLine(runPaths(root, runId).journal);
    if (header === undefined) continue;
    out.push({ runId, planName: header.plan.name, planFile: header.plan.file, digest: header.plan.digest });
  }
  return out;
}

// The run header on the first line of a journal, read with a bounded read; undefined when unreadable.
function firstLine(path: string): RunHeader | undefined {
  try {
    if (!lstatSync(path).isFile()) return undefined;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const n = readSync(fd, buf, 0, buf.length, 0);
      const text = buf.subarray(0, n).toString('utf8');
      const nl = text.indexOf('\n');
      if (nl < 0) return undefined;
      const value: unknown = JSON.parse(text.slice(0, nl));
      const h = value as Partial<RunHeader>;
      if (h.type !== 'run' || typeof h.plan?.name !== 'string' || typeof h.plan.digest !== 'string')
        return undefined;
      return value as RunHeader;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** UnobservedRevocation is a target no API reads that a recorded run revoked: the run, when, and its account's cloud. */
export interface UnobservedRevocation {
  runId: string;
  at: string;
  /** binding is where the run's account reached, from the run's header (absent for a run before format 2). */
  binding?: AccountBinding;
}

/** UNOBSERVED_RUNS and UNOBSERVED_BYTES bound what unobservedRevocations reads: the newest runs first. */
const UNOBSERVED_RUNS = 100;
const UNOBSERVED_BYTES = 64 * 1024 * 1024;

/**
 * unobservedRevocations finds, by address, the targets no API reads (applied, not observable) that the
 * recorded runs of plan planName under root revoked: the newest run that did, for each. It reads at most
 * the newest 100 runs of the plan and 64 MiB of journals; a journal it cannot read is skipped (what it
 * would have said is then simply not known: the target stays to revoke).
 */
export function unobservedRevocations(root: string, planName: string): Map<string, UnobservedRevocation> {
  const found = new Map<string, UnobservedRevocation>();
  let bytes = 0;
  const runs = listRuns(root)
    .filter((r) => r.planName === planName)
    .slice(0, UNOBSERVED_RUNS);
  for (const run of runs) {
    const path = runPaths(root, run.runId).journal;
    let records: Record<string, unknown>[];
    try {
      const size = lstatSync(path).size;
      if (bytes + size > UNOBSERVED_BYTES) break;
      bytes += size;
      records = readJournal(path).records;
    } catch {
      continue;
    }
    let header: RunHeader | undefined;
    for (const line of records as unknown as JournalLine[]) {
      if (line.type === 'run') header = line;
      if (line.type !== 'target' || line.outcome !== 'applied-not-observable') continue;
      if (typeof line.address !== 'string' || found.has(line.address)) continue;
      const binding = header?.accounts?.[line.account];
      found.set(line.address, {
        runId: run.runId,
        at: typeof line.at === 'string' ? line.at : '',
        ...(binding === undefined ? {} : { binding }),
      });
    }
  }
  return found;
}

function runProblem(message: string, file: string): Diagnostic {
  return { severity: 'error', code: 'apply.run', message, file };
}
