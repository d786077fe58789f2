// rescind runs: the runs that apply recorded in .rescind/runs/, newest first, as a table or as JSON;
// --ids prints only their ids, for scripts and for the shell completion of `show` and `apply --resume`.

import { hasErrors } from '../../diagnostics/diagnostic.js';
import { createSession, DEFAULT_RUNS_LIMIT } from '../../session/session.js';
import { type CommandSpec, type Parsed, UsageError } from '../args.js';
import { EXIT } from '../exit.js';
import { fail, printDiagnostics } from '../failure.js';
import { type Io, styleFor } from '../io.js';
import { view } from '../views.js';

/** spec is the command line of runs. */
export const spec: CommandSpec = {
  name: 'runs',
  usage: 'rescind runs [--format text|json] [--limit N] [--ids]',
  summary:
    'List the runs that rescind apply recorded in .rescind/runs/, newest first: each run id, when it\n' +
    'started, its status (done, failed, interrupted, incomplete), its plan, and how many targets ended\n' +
    'in each outcome. rescind show RUN prints one in full; rescind apply --resume RUN finishes it.\n' +
    'Exit status: 0 (also when there is none), 1 when .rescind/runs/ cannot be read.',
  options: {
    format: {
      type: 'string',
      choices: ['text', 'json'],
      default: 'text',
      value: 'FORMAT',
      description: 'output format',
    },
    limit: {
      type: 'string',
      integer: { min: 0, max: 10_000 },
      value: 'N',
      description: `list the newest N runs (default ${DEFAULT_RUNS_LIMIT}; with --ids, all), or all with 0`,
    },
    ids: {
      type: 'boolean',
      description: 'print only the run ids, one a line, newest first (for scripts and shell completion)',
    },
  },
  examples: [
    'rescind runs                                    # the newest runs, and how each ended',
    'rescind show "$(rescind runs --ids --limit 1)"  # the report of the newest run',
  ],
  maxPositionals: 0,
};

/** run lists the runs of io.cwd. */
export async function run(args: Parsed, io: Io): Promise<number> {
  const v = args.values;
  const json = v.format === 'json';
  const ids = v.ids === true;
  if (ids && json) throw new UsageError('--ids prints run ids as text; leave out --format json');
  const limit = typeof v.limit === 'string' ? Number(v.limit) : ids ? 0 : DEFAULT_RUNS_LIMIT;
  const session = createSession({
    cwd: io.cwd,
    env: io.env,
    ...(io.logger === undefined ? {} : { logger: io.logger }),
  });
  const result = await session.runs({ limit, read: !ids }).finally(() => session.close());
  if (hasErrors(result.diagnostics)) return fail(io, 'runs', json, result.diagnostics);
  if (ids) {
    io.stdout.write(result.runs.map((r) => `${r.runId}\n`).join(''));
    return EXIT.ok;
  }
  printDiagnostics(io, result.diagnostics);
  io.stdout.write(view('runs', v.format, result, styleFor(io.stdout, io.env)));
  return EXIT.ok;
}
