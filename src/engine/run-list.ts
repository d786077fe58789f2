// The list of recorded runs (`rescind runs`): the runs under .rescind/runs/, newest first, each summed
// up from the same report that `show RUN` prints (its plan, when it started and ended, its status and
// how many targets ended in each outcome). Bounded: at most `limit` runs are read in full.

import { type Diagnostic, diagnosticText } from '../diagnostics/diagnostic.js';
import { type OutcomeCounts, type RunStatus, reportOf } from './report.js';
import { listRuns, loadRun, RUNS_DIR, type RunSummary } from './runs.js';

/** DEFAULT_RUNS_LIMIT is how many runs `rescind runs` reads and lists unless told otherwise. */
export const DEFAULT_RUNS_LIMIT = 20;

/** RunListing is one recorded run, as `rescind runs` lists it. */
export interface RunListing {
  runId: string;
  plan: { name: string; file: string; digest: string; ticket?: string };
  /** startedAt is when the run first started (from its run id, for a run that cannot be read). */
  startedAt: string;
  endedAt?: string;
  /**
   * status is the report's, or unreadable when the run's plan or journal cannot be read; absent when
   * the run was not read (RunsOptions.read false).
   */
  status?: RunStatus | 'unreadable';
  /** targets is how many targets the run's plan has; absent for a run that cannot be read. */
  targets?: number;
  /** summary counts the targets by outcome; absent for a run that cannot be read. */
  summary?: OutcomeCounts;
  /** error says why a run cannot be read. */
  error?: string;
}

/** RunsOptions say how many runs to list, and whether to read them or only name them. */
export interface RunsOptions {
  /** limit is the most runs listed, the newest; 0 lists every one. Default DEFAULT_RUNS_LIMIT. */
  readonly limit?: number;
  /**
   * read false names each run from the first line of its journal only: its plan and start, no status
   * and no counts (cheap, for shell completion). Default true.
   */
  readonly read?: boolean;
}

/** RunsResult is the runs listed, how many there are in all, and why the runs folder cannot be read. */
export interface RunsResult {
  runs: RunListing[];
  total: number;
  /** diagnostics are the runs folder's problems (an error), and each unreadable run's (warnings). */
  diagnostics: Diagnostic[];
}

/** listRecordedRuns lists the runs under root (the folder that holds .rescind/). */
export function listRecordedRuns(root: string, options: RunsOptions = {}): RunsResult {
  let all: RunSummary[];
  try {
    all = listRuns(root);
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? ` (${String(e.code)})` : '';
    return {
      runs: [],
      total: 0,
      diagnostics: [
        {
          severity: 'error',
          code: 'runs.unreadable',
          file: RUNS_DIR,
          message: `the runs folder ${RUNS_DIR} cannot be read${code}`,
        },
      ],
    };
  }
  const limit = options.limit ?? DEFAULT_RUNS_LIMIT;
  const shown = limit === 0 ? all : all.slice(0, limit);
  const diagnostics: Diagnostic[] = [];
  const runs = shown.map((summary): RunListing => {
    const named = {
      runId: summary.runId,
      plan: { name: summary.planName, file: summary.planFile, digest: summary.digest },
      startedAt: startOf(summary.runId),
    };
    if (options.read === false) return named;
    const run = loadRun(root, summary.runId);
    if ('diagnostics' in run) {
      for (const d of run.diagnostics) diagnostics.push({ ...d, severity: 'warning' });
      const why = run.diagnostics[0]?.message ?? 'it cannot be read';
      return { ...named, status: 'unreadable', error: diagnosticText(why) };
    }
    const report = reportOf(run);
    return {
      runId: report.runId,
      plan: {
        name: report.plan.name,
        file: report.plan.file,
        digest: report.plan.digest,
        ...(report.plan.ticket === undefined ? {} : { ticket: report.plan.ticket }),
      },
      startedAt: report.startedAt,
      ...(report.endedAt === undefined ? {} : { endedAt: report.endedAt }),
      status: report.status,
      targets: report.targets.length,
      summary: report.summary,
    };
  });
  return { runs, total: all.length, diagnostics };
}

// When a run started, from its id (`20261130T101500Z-3f9a1c`: 2026-11-30T10:15:00Z).
function startOf(runId: string): string {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/.exec(runId);
  return m === null ? '' : `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}
