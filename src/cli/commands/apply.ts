// rescind apply FILE: revoke what a plan says, verify every target, journal every step. FILE is a plan
// (planned now, shown, then applied), a saved plan (applied exactly), or with --resume a plan or saved
// plan whose last run is continued when unfinished, or a run id. Asks for `yes` on a terminal unless --yes.
// Ctrl-C stops scheduling and lets calls in flight finish (exit 130); a second Ctrl-C exits at once.

import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { type Diagnostic, hasErrors } from '../../diagnostics/diagnostic.js';
import { policyLine } from '../../render/plan/view.js';
import { renderNoChangesJson } from '../../render/run/json.js';
import type { PreparedApply } from '../../session/apply.js';
import {
  createSession,
  isActing,
  isBlocked,
  isDone,
  isRunId,
  type PolicyResult,
  type SavedPlan,
} from '../../session/session.js';
import { type CommandSpec, CREDENTIALS_ENV, configOption, type Parsed, policyOption } from '../args.js';
import { EXIT } from '../exit.js';
import { fail, printDiagnostics } from '../failure.js';
import { type Io, styleFor } from '../io.js';
import { noteConfig, searchFrom } from '../notes.js';
import { progressOn } from '../progress.js';
import { view, writeView } from '../views.js';

/** spec is the command line of apply. */
export const spec: CommandSpec = {
  name: 'apply',
  usage:
    'rescind apply [--yes] [--resume] [--verify-inputs] [--concurrency N] [--format text|json] [--config FILE]\n' +
    '              [--policy FILE]... FILE|RUN',
  summary:
    'Revoke every target of a plan, verify each one by reading it again, and journal every step in\n' +
    '.rescind/runs/. FILE is a plan file (planned now and shown first) or a saved plan (rescind plan\n' +
    '--out), applied as far as a fresh plan of the same files, config and policies agrees with it, in\n' +
    'the folder it was made in. --resume continues the last run of FILE when it is unfinished, or the\n' +
    'run RUN.\n' +
    'Exit status: 0 every target done, 1 any failed (or an error), 3 blocked by a policy, 4 done but\n' +
    'for targets active when the plan was made and absent now, 130 interrupted.',
  options: {
    yes: { type: 'boolean', description: 'apply without asking (needed when not on a terminal)' },
    resume: {
      type: 'boolean',
      description: 'continue the last run of FILE when it is unfinished, or the run RUN',
    },
    'verify-inputs': {
      type: 'boolean',
      description: 'always on: a saved plan runs only with its plan, config and policy files, unchanged',
    },
    concurrency: {
      type: 'string',
      integer: { min: 1, max: 256 },
      value: 'N',
      description: "calls at once (default: the plan's spec.concurrency, else 8)",
    },
    format: {
      type: 'string',
      choices: ['text', 'json'],
      default: 'text',
      value: 'FORMAT',
      description: 'the results: text, or json (the run report)',
    },
    config: configOption,
    policy: policyOption("a policy file to evaluate when FILE is planned now, besides the config's"),
  },
  examples: [
    'rescind apply plan.json                         # a reviewed saved plan, exactly; asks for yes',
    'rescind apply --yes --resume plan.json          # finish the last run of it',
  ],
  env: CREDENTIALS_ENV,
  minPositionals: 1,
  maxPositionals: 1,
};

// From this many targets to revoke, or a saved plan this large (~1.1 KB a target), the process collects
// garbage sooner (Io.largeRun). At 50,000 targets (2026-12-08, two alternated runs each) it took the
// peak from 660-736 MB to 396-406 MB for about 15 % more CPU; when it came in, at 10,000 targets it saved
// 90 MB of 290 for 10-15 % more CPU, which a run that small does not need. The file's size is known before
// the plan is read and made again.
const LARGE_RUN = 25_000;
const LARGE_PLAN_BYTES = 25 * 2 ** 20;

/** run applies argv's FILE. */
export async function run(args: Parsed, io: Io): Promise<number> {
  const v = args.values;
  const file = args.positionals[0] ?? '';
  const json = v.format === 'json';
  const errStyle = styleFor(io.stderr, io.env);
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const session = createSession({
    cwd: io.cwd,
    env: io.env,
    // The config is looked for from the plan's folder (a run id: from here).
    searchFrom: searchFrom(io.cwd, v.resume === true && isRunId(file) ? undefined : file),
    ...(io.logger === undefined ? {} : { logger: io.logger }),
    config: typeof v.config === 'string' ? v.config : undefined,
  });
  try {
    if (largePlanFile(io.cwd, file)) io.largeRun?.();
    if (!json) noteConfig(io, session.config());
    const concurrency = typeof v.concurrency === 'string' ? { concurrency: Number(v.concurrency) } : {};
    // The plan made now (of a plan file, or to check a saved plan) reads at the run's concurrency.
    const prepared = await session.prepareApply(file, {
      ...concurrency,
      resume: v.resume === true,
      verifyInputs: v['verify-inputs'] === true,
      policies: Array.isArray(v.policy) ? v.policy : [],
    });
    const plan = prepared.plan;
    if (plan === undefined || hasErrors(prepared.diagnostics)) {
      return fail(io, 'apply', json, prepared.diagnostics);
    }
    printDiagnostics(io, prepared.diagnostics);
    if (prepared.source === 'planned' && !json)
      io.stdout.write(`${view('plan', 'text', plan, styleFor(io.stdout, io.env))}\n`);
    if (isBlocked(plan)) {
      const denies = plan.policies.filter((p) => p.effect === 'deny');
      if (json) return fail(io, 'apply', json, denies.map(denied), EXIT.blocked);
      for (const p of denies) say(errStyle.error(policyLine(p)));
      say(`rescind apply: the plan is blocked by a policy; nothing was revoked`);
      return EXIT.blocked;
    }
    const toDo = prepared.pending ?? 0;
    if (toDo >= LARGE_RUN) io.largeRun?.();
    if (toDo === 0 && prepared.run === undefined) {
      io.stdout.write(json ? renderNoChangesJson() : 'No changes. Nothing to apply.\n');
      return EXIT.ok;
    }
    if (toDo > 0 && v.yes !== true) {
      if (io.ask === undefined) {
        const message = 'not on a terminal, so apply cannot ask: pass --yes to apply without asking';
        return fail(io, 'apply', json, [{ severity: 'error', code: 'apply.confirm', message }]);
      }
      const answer = await confirm(io, plan, toDo, prepared);
      if (answer !== 'yes') {
        say('Apply cancelled; nothing was revoked.');
        return EXIT.error;
      }
    }

    const stop = new AbortController();
    let interrupts = 0;
    const progress = progressOn(io.stderr, plan.targets.filter(isActing).length);
    const off = io.onInterrupt?.(() => {
      interrupts++;
      if (interrupts === 1) {
        stop.abort(new Error('interrupted'));
        progress.note('Stopping: calls in flight finish and are journaled. Ctrl-C again to exit at once.');
      } else {
        io.exitNow?.(EXIT.interrupted);
      }
    });
    let applied: Awaited<ReturnType<typeof session.apply>>;
    try {
      applied = await session.apply(
        { ...prepared, plan },
        {
          ...concurrency,
          stop: stop.signal,
          onEvent: (e) => progress.update(e),
          onStart: (runId) =>
            progress.note(`run ${runId}: journal in ${runsFolder(io, session.root())}/${runId}/`),
          resumeWith: {
            ...(typeof v.config === 'string' ? { config: v.config } : {}),
            ...(Array.isArray(v.policy) && v.policy.length > 0 ? { policies: v.policy } : {}),
          },
        },
      );
    } finally {
      off?.();
      progress.finish();
    }
    if (applied.denied !== undefined) {
      if (json) return fail(io, 'apply', json, applied.denied.map(denied), EXIT.blocked);
      for (const p of applied.denied) say(errStyle.error(policyLine(p)));
      say('rescind apply: the credentials apply runs with are denied these targets; nothing was revoked');
      return EXIT.blocked;
    }
    const { report, results } = applied;
    if (report === undefined || results === undefined) return fail(io, 'apply', json, applied.diagnostics);
    // A run that stopped on its own (a full disk) says why, and still reports what its journal holds.
    printDiagnostics(io, applied.diagnostics);
    writeView(io.stdout, 'run', v.format, report, styleFor(io.stdout, io.env));
    if (results.hookError !== undefined) return EXIT.error;
    if (results.stopped) return EXIT.interrupted;
    if (report.status === 'done') return EXIT.ok;
    // Done but for targets that read absent since the plan: apart, so that a wrong account cannot pass.
    const absentOnly = report.targets.every((t) => isDone(t.outcome) || t.outcome === 'absent-since-plan');
    return absentOnly ? EXIT.absent : EXIT.error;
  } finally {
    await session.close();
  }
}

// Whether FILE is a saved plan large enough to collect garbage sooner from the start.
function largePlanFile(cwd: string, file: string): boolean {
  try {
    return statSync(resolve(cwd, file)).size >= LARGE_PLAN_BYTES;
  } catch {
    return false; // a run id, or a file that is not there: prepareApply says so
  }
}

// Where runs are kept, as the user can reach it from here.
function runsFolder(io: Io, root: string): string {
  const rel = relative(io.cwd, join(root, '.rescind', 'runs'));
  return rel === '' ? '.' : rel;
}

// A deny of a policy as a diagnostic, for the JSON error report.
function denied(p: PolicyResult): Diagnostic {
  const message = `${p.policy}/${p.rule} (${p.source}) denies ${p.targets.length === 1 ? '1 target' : `${p.targets.length} targets`}: ${p.message}`;
  return {
    severity: 'error',
    code: 'policy.denied',
    message,
    ...(p.targets[0] === undefined ? {} : { address: p.targets[0] }),
  };
}

// Asks for `yes` on the terminal (io.ask is there).
async function confirm(io: Io, plan: SavedPlan, count: number, prepared: PreparedApply): Promise<string> {
  const accounts = [...new Set(plan.targets.filter(isActing).map((t) => t.account))].join(', ');
  const what = prepared.runId === undefined ? 'revoke' : `resume run ${prepared.runId} and revoke`;
  const answer = await io.ask?.(
    `\nrescind will ${what} ${count} ${count === 1 ? 'credential' : 'credentials'} of plan ${plan.plan.name} in ${accounts}.\n` +
      "  Only 'yes' will be accepted to approve.\n\n  Enter a value: ",
  );
  return answer?.trim() ?? '';
}
