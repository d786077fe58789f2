// rescind plan FILE|DIR...: read the live state of every revocation of each plan, expand its
// selectors, evaluate its policies and print the dry-run diff, plan by plan; --out saves the plan (of
// one file) for show and apply. Progress goes to stderr, the plans to stdout.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Diagnostic, hasErrors } from '../../diagnostics/diagnostic.js';
import { createSession, hasChanges, isBlocked, type SavedPlan, type Session } from '../../session/session.js';
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
import { noteConfig, searchFrom } from '../notes.js';
import { type PlanProgressView, planProgressOn } from '../plan-progress.js';
import { view } from '../views.js';

/** spec is the command line of plan. */
export const spec: CommandSpec = {
  name: 'plan',
  usage:
    'rescind plan [--format text|json|markdown] [--out PLAN.json] [--detailed-exitcode] [--config FILE]\n' +
    '             [--policy FILE]... [--concurrency N] [--stdin-filepath NAME] FILE|DIR...|-',
  summary:
    'Read the live state of every revocation of each plan FILE (or each plan under DIR; - for standard\n' +
    'input), expand its selectors, evaluate the policies, and print what apply would do, plan by plan.\n' +
    'Nothing is revoked. Exit status: 0 (with --detailed-exitcode: 0 no changes, 2 changes to make), 1\n' +
    'error, 3 blocked by a policy; with several plans, the first of 1, 3, 2 that any plan has.',
  options: {
    format: {
      type: 'string',
      choices: ['text', 'json', 'markdown'],
      default: 'text',
      value: 'FORMAT',
      description: 'output format (markdown: a pull-request comment)',
    },
    out: {
      type: 'string',
      value: 'PLAN.json',
      description: 'save the plan, for show and apply (one plan only)',
    },
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
      value: 'N',
      description: "reads at once (default: the plan's spec.concurrency, else 8)",
    },
  },
  examples: [
    'rescind plan plans/examples/offboard-alice.yaml               # the dry-run diff',
    'rescind plan --format markdown --out plan.json plans/examples/offboard-alice.yaml  # a PR comment; the plan saved',
  ],
  env: CREDENTIALS_ENV,
  minPositionals: 1,
};

/** run makes the plan of each plan of argv and prints it. */
export async function run(args: Parsed, io: Io): Promise<number> {
  const v = args.values;
  const json = v.format === 'json';
  const config = typeof v.config === 'string' ? v.config : undefined;
  const policies = Array.isArray(v.policy) ? v.policy : [];
  const name = typeof v['stdin-filepath'] === 'string' ? v['stdin-filepath'] : '<stdin>';
  const paths = args.positionals;
  if (paths.includes('-') && paths.length > 1) {
    return usage(io, json, 'plan reads standard input (-) alone, not beside other files');
  }
  const stdin = paths[0] === '-' ? await stdinDocument(io, name) : undefined;
  if (stdin !== undefined && 'code' in stdin) return fail(io, 'plan', json, [stdin]);
  const first = paths[0] ?? '.';
  let progress: PlanProgressView | undefined;
  const session = createSession({
    cwd: io.cwd,
    env: io.env,
    config,
    searchFrom: searchFrom(io.cwd, first),
    ...(io.logger === undefined ? {} : { logger: io.logger }),
    http: { onEvent: (e) => progress?.http(e) },
  });
  try {
    if (!json) noteConfig(io, session.config());
    // The plans: each file named, and each plan of each folder named.
    const files = paths.length === 1 && !isFolder(io.cwd, first) ? [first] : await plansOf(session, paths);
    if (!Array.isArray(files)) return fail(io, 'plan', json, files.diagnostics);
    if (typeof v.out === 'string' && files.length !== 1) {
      return usage(io, json, `--out saves one plan, and ${files.length} were found: plan one file`);
    }
    const plans: SavedPlan[] = [];
    let code: number = EXIT.ok;
    const worse = (c: number) => {
      code = Math.max(rank(code), rank(c)) === rank(c) ? c : code;
    };
    for (const file of files) {
      // Off a terminal, a script that asked for JSON gets no progress lines on stderr either.
      progress = planProgressOn(
        json && io.stderr.isTTY !== true ? { ...io.stderr, quiet: true } : io.stderr,
        file,
      );
      const result = await session
        .plan(file, {
          policies,
          ...(typeof v.concurrency === 'string' ? { concurrency: Number(v.concurrency) } : {}),
          ...(stdin === undefined ? {} : { stdin }),
          onProgress: (e) => progress?.plan(e),
        })
        .finally(() => progress?.finish());
      const plan = result.plan;
      if (plan === undefined) {
        if (files.length === 1) return fail(io, 'plan', json, result.diagnostics);
        printDiagnostics(io, result.diagnostics);
        worse(EXIT.error);
        continue;
      }
      // A plan with an error (a missing target) is shown, never saved.
      const errors = hasErrors(result.diagnostics);
      const unsaved = !errors && typeof v.out === 'string' ? session.save(plan, v.out) : [];
      if (json && unsaved.length > 0) return fail(io, 'plan', json, [...result.diagnostics, ...unsaved]);
      printDiagnostics(io, result.diagnostics);
      plans.push(plan);
      if (!json) {
        if (plans.length > 1) io.stdout.write('\n');
        io.stdout.write(view('plan', v.format, plan, styleFor(io.stdout, io.env)));
      }
      if (errors) worse(EXIT.error);
      else if (unsaved.length > 0) {
        printDiagnostics(io, unsaved);
        worse(EXIT.error);
      } else if (isBlocked(plan)) worse(EXIT.blocked);
      else if (v['detailed-exitcode'] === true && hasChanges(plan)) worse(EXIT.changes);
    }
    if (json) {
      const style = styleFor(io.stdout, io.env);
      const one = files.length === 1 ? plans[0] : undefined;
      io.stdout.write(
        one !== undefined ? view('plan', 'json', one, style) : view('plans', 'json', plans, style),
      );
    }
    return code;
  } finally {
    await session.close();
  }
}

// The exit codes of several plans, worst first: an error, a deny, changes, nothing.
function rank(code: number): number {
  return code === EXIT.error ? 3 : code === EXIT.blocked ? 2 : code === EXIT.changes ? 1 : 0;
}

function usage(io: Io, json: boolean, message: string): number {
  return fail(io, 'plan', json, [{ severity: 'error', code: 'cli.usage', message }]);
}

function isFolder(cwd: string, path: string): boolean {
  try {
    return path !== '-' && statSync(resolve(cwd, path)).isDirectory();
  } catch {
    return false;
  }
}

// The plans among paths (files, and the files of folders): those validate finds to be plans, or cannot
// tell (their problems are shown by planning them); configs, policies and the rest are left out. A
// path that cannot be read is an error.
async function plansOf(
  session: Session,
  paths: readonly string[],
): Promise<string[] | { diagnostics: Diagnostic[] }> {
  const validated = await session.validate(paths, { maxPerFile: 1 });
  const unreadable = validated.diagnostics.filter(
    (d) => d.code === 'file.not-found' || d.code === 'file.unreadable',
  );
  if (unreadable.length > 0) return { diagnostics: unreadable };
  const notPlans = new Set(['Config', 'Policy', 'EmulatorState', 'SavedPlan']);
  return validated.files.filter((f) => f.kind === undefined || !notPlans.has(f.kind)).map((f) => f.file);
}
