// Runs on disk: each apply is a run, a folder .rescind/runs/<run id>/ holding the saved plan it runs
// (plan.json) and its append-only journal (journal.jsonl): a `run` line each time it starts or resumes,
// an `intent` before each revoke call, a `revoke` line with its outcome after, a `target` line (the
// audit record) when a target ends, an `end` line when the run stops. A lock per plan name
// (.rescind/locks/<name>.lock) keeps a second apply of the same plan out.

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { AccountBinding, SavedPlan } from '../plan/model.js';
import { loadSavedPlan, writeSavedPlan } from '../plan/saved.js';
import { isDone, type Prior, type RunRecord, type TargetOutcome, targetOutcomes } from './executor.js';
import { readJournal, syncDir } from './journal.js';

/** RUNS_DIR is where runs are kept, relative to the folder rescind runs in. */
export const RUNS_DIR = join('.rescind', 'runs');
/** LOCKS_DIR holds one lock per plan name while an apply of it runs. */
export const LOCKS_DIR = join('.rescind', 'locks');
/** MAX_RUNS bounds how many run folders a lookup reads. */
const MAX_RUNS = 10_000;

/** RunHeader is the journal line a run starts (or resumes) with: the plan, who runs it, and how. */
export type RunHeader = {
  type: 'run';
  runId: string;
  at: string;
  resumed: boolean;
  rescindVersion: string;
  plan: { name: string; file: string; digest: string; ticket?: string; owner?: string };
  concurrency: number;
  /** callers are who each account authenticates as, for the audit. */
  callers: Record<string, { ids: string[] }>;
  /** accounts are where each account reached: cloud, region, endpoints, project, domain, caller. */
  accounts?: Record<string, AccountBinding>;
  /** options are the config and policy files a resume of this run needs (as given on the command line). */
  options?: { config?: string; policies?: string[] };
  host: string;
  pid: number;
};

/** RunEnd is the journal line a run ends with. */
export type RunEnd = {
  type: 'end';
  at: string;
  stopped: boolean;
  summary: Record<TargetOutcome, number>;
};

/** TargetLine is a `target` line of the journal, with the audit fields the session adds. */
export type TargetLine = Extract<RunRecord, { type: 'target' }> & { at?: string };

/** JournalLine is any line of a run's journal. */
export type JournalLine = (RunHeader | RunEnd | RunRecord) & { at?: string };

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
  planText: string,
): Promise<RunPaths | Diagnostic[]> {
  const paths = runPaths(root, runId);
  try {
    mkdirSync(join(root, LOCKS_DIR), { recursive: true, mode: 0o700 });
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const why = e instanceof Error && 'code' in e ? String(e.code) : String(e);
    return [runProblem(`cannot make the run's folder: ${why}`, join(RUNS_DIR, runId))];
  }
  const written = writeSavedPlan(paths.plan, join(RUNS_DIR, runId, 'plan.json'), planText);
  if (written.length > 0) return written;
  await syncDir(paths.dir);
  await syncDir(join(root, RUNS_DIR));
  return paths;
}

/** LoadedRun is a run read back: its plan, its journal, and what it did to each target. */
export interface LoadedRun {
  paths: RunPaths;
  plan: SavedPlan;
  headers: RunHeader[];
  end?: RunEnd;
  /** prior is, by address, each target's last outcome and how many revoke calls it started. */
  prior: Map<string, Prior>;
  /** finals are, by address, each target's last `target` line (its audit record). */
  finals: Map<string, TargetLine>;
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
  const headers: RunHeader[] = [];
  let end: RunEnd | undefined;
  const prior = new Map<string, Prior>();
  const finals = new Map<string, TargetLine>();
  const priorOf = (address: string): Prior => {
    let p = prior.get(address);
    if (p === undefined) {
      p = { intents: 0 };
      prior.set(address, p);
    }
    return p;
  };
  for (const line of read.records as JournalLine[]) {
    switch (line.type) {
      case 'run':
        headers.push(line);
        end = undefined;
        break;
      case 'end':
        end = line;
        break;
      case 'intent':
        if (typeof line.address === 'string') priorOf(line.address).intents++;
        break;
      case 'revoke':
        if (typeof line.address !== 'string') break;
        // An intent written ahead and taken back: no call was made.
        if (line.outcome === 'not-sent') priorOf(line.address).intents--;
        else if (typeof line.requestId === 'string' && line.outcome === 'revoked') {
          priorOf(line.address).requestId = line.requestId;
        }
        break;
      case 'target':
        if (typeof line.address === 'string' && targetOutcomes.includes(line.outcome)) {
          priorOf(line.address).outcome = line.outcome;
          finals.set(line.address, line);
        }
        break;
    }
  }
  const acting = saved.plan.targets.filter((t) => t.action === 'revoke' || t.action === 'not-observable');
  const finished =
    end !== undefined &&
    acting.every((t) => {
      const outcome = prior.get(t.address)?.outcome;
      return outcome !== undefined && isDone(outcome);
    });
  return {
    paths,
    plan: saved.plan,
    headers,
    ...(end === undefined ? {} : { end }),
    prior,
    finals,
    torn: read.torn,
    finished,
  };
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
    for (const line of records as JournalLine[]) {
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
