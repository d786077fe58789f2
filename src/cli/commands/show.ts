// rescind show PLAN.json: print a saved plan exactly as `rescind plan` printed it, in any format.
// A saved plan that was changed after it was written is refused.

import { resolve } from 'node:path';
import { loadSavedPlan } from '../../plan/saved.js';
import { formatDiagnostic } from '../../render/diagnostics/text.js';
import { renderPlanJson } from '../../render/plan/json.js';
import { renderPlanMarkdown } from '../../render/plan/markdown.js';
import { renderPlanText } from '../../render/plan/text.js';
import { type CommandSpec, parseCommand, renderHelp } from '../args.js';
import { EXIT } from '../exit.js';
import { type Io, styleFor } from '../io.js';

/** spec is the command line of show. */
export const spec: CommandSpec = {
  name: 'show',
  usage: 'rescind show [--format text|json|markdown] PLAN.json',
  summary:
    'Print a saved plan (rescind plan --out) as rescind plan printed it. A saved plan that was\n' +
    'changed after it was written is refused. Exit status: 0, or 1 for a plan that cannot be read.',
  options: {
    format: {
      type: 'string',
      choices: ['text', 'json', 'markdown'],
      default: 'text',
      value: 'FORMAT',
      description: 'output format',
    },
  },
  minPositionals: 1,
  maxPositionals: 1,
};

/** run prints the saved plan of argv. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const args = parseCommand(spec, argv);
  if (args.help) {
    io.stdout.write(renderHelp(spec));
    return EXIT.ok;
  }
  const file = args.positionals[0] ?? '';
  const loaded = loadSavedPlan(resolve(io.cwd, file), file);
  const errStyle = styleFor(io.stderr, io.env);
  for (const d of loaded.diagnostics) io.stderr.write(`${formatDiagnostic(d, errStyle)}\n`);
  if (loaded.plan === undefined) return EXIT.error;
  const format = args.values.format;
  if (format === 'json') io.stdout.write(renderPlanJson(loaded.plan));
  else if (format === 'markdown') io.stdout.write(renderPlanMarkdown(loaded.plan));
  else io.stdout.write(renderPlanText(loaded.plan, styleFor(io.stdout, io.env)));
  return EXIT.ok;
}
