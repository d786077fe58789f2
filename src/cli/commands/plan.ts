// rescind plan FILE: read the live state of every revocation of a plan, expand its selectors,
// evaluate its policies and print the dry-run diff; --out saves the plan for show and apply.

import { resolve } from 'node:path';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { hasChanges, isBlocked } from '../../plan/model.js';
import { writeSavedPlan } from '../../plan/saved.js';
import { renderPlanJson } from '../../render/plan/json.js';
import { renderPlanMarkdown } from '../../render/plan/markdown.js';
import { renderPlanText } from '../../render/plan/text.js';
import { createSession } from '../../session/session.js';
import {
  type CommandSpec,
  CREDENTIALS_ENV,
  configOption,
  type Parsed,
  policyOption,
  stdinOption,
} from '../args.js';
import { EXIT } from '../exit.js';
import { fail, printDiagnostics } from '../failure.js';
import { type Io, stdinDocument, styleFor } from '../io.js';

/** spec is the command line of plan. */
export const spec: CommandSpec = {
  name: 'plan',
  usage:
    'rescind plan [--format text|json|markdown] [--out PLAN.json] [--detailed-exitcode] [--config FILE]\n' +
    '             [--policy FILE]... [--concurrency N] [--stdin-filepath NAME] FILE|-',
  summary:
    'Read the live state of every revocation of the plan FILE (- for standard input), expand its\n' +
    'selectors, evaluate the policies, and print what apply would do. Nothing is revoked. Exit\n' +
    'status: 0 (with --detailed-exitcode: 0 no changes, 2 changes to make), 1 error, 3 blocked by a\n' +
    'policy.',
  options: {
    format: {
      type: 'string',
      choices: ['text', 'json', 'markdown'],
      default: 'text',
      value: 'FORMAT',
      description: 'output format (markdown: a pull-request comment)',
    },
    out: { type: 'string', value: 'PLAN.json', description: 'save the plan, for show and apply' },
    'detailed-exitcode': {
      type: 'boolean',
      description: 'exit 2 when the plan has something to revoke, 0 when it has nothing',
    },
    config: configOption,
    policy: policyOption("a policy file to evaluate, besides the config's policies"),
    'stdin-filepath': stdinOption,
    concurrency: {
      type: 'string',
      integer: { min: 1, max: 256 },
      default: '8',
      value: 'N',
      description: 'reads at once',
    },
  },
  examples: [
    'rescind plan plans/examples/offboard-alice.yaml               # the dry-run diff',
    'rescind plan --format markdown --out plan.json plans/examples/offboard-alice.yaml  # a PR comment; the plan saved',
  ],
  env: CREDENTIALS_ENV,
  minPositionals: 1,
  maxPositionals: 1,
};

/** run makes the plan of argv's FILE and prints it. */
export async function run(args: Parsed, io: Io): Promise<number> {
  const v = args.values;
  const file = args.positionals[0] ?? '';
  const json = v.format === 'json';
  const config = typeof v.config === 'string' ? v.config : undefined;
  const policies = Array.isArray(v.policy) ? v.policy : [];
  const name = typeof v['stdin-filepath'] === 'string' ? v['stdin-filepath'] : '<stdin>';
  const stdin = file === '-' ? await stdinDocument(io, name) : undefined;
  if (stdin !== undefined && 'code' in stdin) return fail(io, 'plan', json, [stdin]);
  const session = createSession({
    cwd: io.cwd,
    env: io.env,
    config,
    ...(io.logger === undefined ? {} : { logger: io.logger }),
  });
  const result = await session
    .plan(file, { policies, concurrency: Number(v.concurrency), ...(stdin === undefined ? {} : { stdin }) })
    .finally(() => session.close());
  const plan = result.plan;
  if (plan === undefined) return fail(io, 'plan', json, result.diagnostics);
  // A plan with an error (a missing target) is shown, never saved.
  const errors = hasErrors(result.diagnostics);
  const unsaved =
    !errors && typeof v.out === 'string'
      ? writeSavedPlan(resolve(io.cwd, v.out), v.out, renderPlanJson(plan))
      : [];
  if (json && unsaved.length > 0) return fail(io, 'plan', json, [...result.diagnostics, ...unsaved]);
  printDiagnostics(io, result.diagnostics);
  if (json) io.stdout.write(renderPlanJson(plan));
  else if (v.format === 'markdown') io.stdout.write(renderPlanMarkdown(plan));
  else io.stdout.write(renderPlanText(plan, styleFor(io.stdout, io.env)));
  if (errors) return EXIT.error;
  if (unsaved.length > 0) return fail(io, 'plan', false, unsaved);
  if (isBlocked(plan)) return EXIT.blocked;
  if (v['detailed-exitcode'] === true) return hasChanges(plan) ? EXIT.changes : EXIT.ok;
  return EXIT.ok;
}
