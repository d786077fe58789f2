// rescind show PLAN.json|RUN: print a saved plan exactly as `rescind plan` printed it, or a run's report
// as `rescind apply` printed it, in any format. A saved plan changed after it was written is refused.

import { createSession } from '../../session/session.js';
import type { CommandSpec, Parsed } from '../args.js';
import { EXIT } from '../exit.js';
import { fail, printDiagnostics } from '../failure.js';
import { type Io, styleFor } from '../io.js';
import { view, writeView } from '../views.js';

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

/** run prints the saved plan, or the run's report, that argv names. */
export async function run(args: Parsed, io: Io): Promise<number> {
  const file = args.positionals[0] ?? '';
  const format = args.values.format;
  const json = format === 'json';
  // Runs are kept beside the config (found from here), in .rescind/runs/.
  const session = createSession({ cwd: io.cwd, env: io.env });
  const shown = await session.show(file).finally(() => session.close());
  if (shown.report !== undefined) {
    writeView(io.stdout, 'run', format, shown.report, styleFor(io.stdout, io.env));
    return EXIT.ok;
  }
  if (shown.plan === undefined) return fail(io, 'show', json, shown.diagnostics);
  printDiagnostics(io, shown.diagnostics);
  io.stdout.write(view('plan', format, shown.plan, styleFor(io.stdout, io.env)));
  return EXIT.ok;
}
