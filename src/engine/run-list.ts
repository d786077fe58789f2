// The list of recorded runs (`rescind runs`): the runs under .rescind/runs/, newest first, each summed
// up from the same report that `show RUN` prints (its plan, when it started and ended, its status and
// how many targets ended in each outcome). Bounded: at most `limit` runs are read in full.

import { type Diagnostic, diagnosticText } from '../diagnostics/diagnostic.js';
import {
  DEFAULT_RUNS_LIMIT,
  type RunListing,
  type RunsOptions,
  type RunsResult,
  reportOf,
} from '../plan/run.js';
import { listRuns, loadRun, RUNS_DIR, type RunSummary } from './runs.js';

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
      folder: RUNS_DIR,
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
    const report = reportOf(run.paths.runId, run.plan, run.log);
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
  return { runs, total: all.length, folder: RUNS_DIR, diagnostics };
}

// When a run started, from its id (`20261130T101500Z-3f9a1c`: 2026-11-30T10:15:00Z).
function startOf(runId: string): string {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/.exec(runId);
  return m === null ? '' : `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}
