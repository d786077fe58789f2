// rescind show PLAN.json: print a saved plan exactly as `rescind plan` printed it, in any format.
// A saved plan that was changed after it was written is refused.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { reportOf } from '../../engine/report.js';
import { isRunId, loadRun } from '../../engine/runs.js';
import { loadSavedPlan } from '../../plan/saved.js';
import { renderPlanJson } from '../../render/plan/json.js';
import { renderPlanMarkdown } from '../../render/plan/markdown.js';
import { renderPlanText } from '../../render/plan/text.js';
import { renderRunJson } from '../../render/run/json.js';
import { renderRunMarkdown } from '../../render/run/markdown.js';
import { renderRunText } from '../../render/run/text.js';
import { createSession } from '../../session/session.js';
import type { CommandSpec, Parsed } from '../args.js';
import { EXIT } from '../exit.js';
import { fail, printDiagnostics } from '../failure.js';
import { type Io, styleFor } from '../io.js';

/** spec is the command line of show. */
export const spec: CommandSpec = {
  name: 'show',
  usage: 'rescind show [--format text|json|markdown] PLAN.json|RUN',
  summary:
    'Print a saved plan (rescind plan --out) as rescind plan printed it, or the report of the run RUN\n' +
    '(a run id of .rescind/runs/) as rescind apply printed it. A saved plan that was changed after it\n' +
    'was written is refused. Exit status: 0, or 1 for a plan or run that cannot be read.',
  options: {
    format: {
      type: 'string',
      choices: ['text', 'json', 'markdown'],
      default: 'text',
      value: 'FORMAT',
      description: 'output format',
    },
  },
  examples: [
    'rescind show plan.json                          # a saved plan, as it was reviewed',
    'rescind show --format json 20261130T101500Z-3f9a1c   # the report of a run',
  ],
  minPositionals: 1,
  maxPositionals: 1,
};

/** run prints the saved plan of argv. */
export async function run(args: Parsed, io: Io): Promise<number> {
  const file = args.positionals[0] ?? '';
  const format = args.values.format;
  const json = format === 'json';
  // A run id: the report of that run, from its journal.
  if (isRunId(file) && !existsSync(resolve(io.cwd, file))) {
    // Runs are kept beside the config (found from here), in .rescind/runs/.
    const root = createSession({ cwd: io.cwd, env: io.env }).root();
    const run = loadRun(root, file);
    if ('diagnostics' in run) return fail(io, 'show', json, run.diagnostics);
    const report = reportOf(run);
    if (json) io.stdout.write(renderRunJson(report));
    else if (format === 'markdown') io.stdout.write(renderRunMarkdown(report));
    else io.stdout.write(renderRunText(report, styleFor(io.stdout, io.env)));
    return EXIT.ok;
  }
  const loaded = loadSavedPlan(resolve(io.cwd, file), file);
  if (loaded.plan === undefined) return fail(io, 'show', json, loaded.diagnostics);
  printDiagnostics(io, loaded.diagnostics);
  if (json) io.stdout.write(renderPlanJson(loaded.plan));
  else if (format === 'markdown') io.stdout.write(renderPlanMarkdown(loaded.plan));
  else io.stdout.write(renderPlanText(loaded.plan, styleFor(io.stdout, io.env)));
  return EXIT.ok;
}
