// rescind validate PATH...: parse and schema-check plans, configs and policies.

import { createSession } from '../../session/session.js';
import { type CommandSpec, type Parsed, stdinOption } from '../args.js';
import { fail } from '../failure.js';
import { type Io, stdinDocument, styleFor } from '../io.js';
import { searchFrom } from '../notes.js';
import { view } from '../views.js';

/** spec is the command line of validate. */
export const spec: CommandSpec = {
  name: 'validate',
  usage:
    'rescind validate [--format text|json|sarif] [--config FILE] [--max-diagnostics N] [--stdin-filepath NAME] PATH...',
  summary:
    'Check plans, configs and policies (files, directories walked for *.yaml and *.yml, or - for\n' +
    'standard input) against their schemas and rules. Prints every problem as\n' +
    'FILE:LINE:COL: error CODE: message.\n' +
    'Exit status: 0 when every file is valid, 1 otherwise.',
  options: {
    format: {
      type: 'string',
      choices: ['text', 'json', 'sarif'],
      default: 'text',
      value: 'FORMAT',
      description: 'output format',
    },
    config: {
      type: 'string',
      value: 'FILE',
      description: 'config whose accounts plans must name (default: rescind.config.yaml, if present)',
    },
    'stdin-filepath': stdinOption,
    'max-diagnostics': {
      type: 'string',
      integer: { min: 0, max: 1_000_000_000 },
      default: '100',
      value: 'N',
      description:
        'diagnostics listed per file, the first in the file; 0 lists all (the exit status counts all)',
    },
  },
  examples: [
    'rescind validate plans/                         # every plan, config and policy under plans/',
    'rescind validate --stdin-filepath plans/new.yaml - < draft.yaml   # a plan from standard input',
  ],
  minPositionals: 1,
};

/** run validates the paths of argv and prints the result. */
export async function run(args: Parsed, io: Io): Promise<number> {
  const config = typeof args.values.config === 'string' ? args.values.config : undefined;
  const session = createSession({
    cwd: io.cwd,
    env: io.env,
    config,
    searchFrom: searchFrom(io.cwd, args.positionals[0]),
    ...(io.logger === undefined ? {} : { logger: io.logger }),
  });
  const maxPerFile = Number(args.values['max-diagnostics']);
  const name = typeof args.values['stdin-filepath'] === 'string' ? args.values['stdin-filepath'] : '<stdin>';
  const format = args.values.format;
  const stdin = args.positionals.includes('-') ? await stdinDocument(io, name) : undefined;
  if (stdin !== undefined && 'code' in stdin) return fail(io, 'validate', format === 'json', [stdin]);
  const result = await session
    .validate(args.positionals, { maxPerFile, stdin })
    .finally(() => session.close());
  io.stdout.write(view('validate', format, result, styleFor(io.stdout, io.env)));
  return result.valid ? 0 : 1;
}
