// `rescind show` in a session: a saved plan read back and checked against its digest, or the report of a
// run read from its journal, as apply printed it at its end. Loaded by the session on first use.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isRunId, loadRun } from '../engine/runs.js';
import { reportOf } from '../plan/run.js';
import { loadSavedPlan } from '../plan/saved.js';
import type { Shown } from './types.js';

/** showFile reads file (relative to cwd): a run id names a run of root's .rescind/runs/, unless it is a file. */
export function showFile(cwd: string, root: string, file: string): Shown {
  if (isRunId(file) && !existsSync(resolve(cwd, file))) {
    const run = loadRun(root, file);
    if ('diagnostics' in run) return { diagnostics: run.diagnostics };
    return { report: reportOf(run.paths.runId, run.plan, run.log), diagnostics: [] };
  }
  const loaded = loadSavedPlan(resolve(cwd, file), file);
  return loaded.plan === undefined
    ? { diagnostics: loaded.diagnostics }
    : { plan: loaded.plan, diagnostics: loaded.diagnostics };
}
