// Scenario 5, concurrency safety: two applies of one plan at once, from two processes. One must refuse,
// naming the other as the holder of the plan's lock (`apply.locked` with its pid); never both run: of the
// two, exactly one journals a run (its `run` line names its pid) and the cloud receives each revoke once.
// Rounds of three kinds, each on the cloud reset to its seed and a workspace without runs:
// - fresh: two `apply PLAN.json` of the same saved plan;
// - planned: two `apply plan.yaml`, each planning first (the lock is the plan's name, taken after planning);
// - takeover: an apply killed mid-run leaves its lock behind, its holder gone; then two `apply --resume`
//   at once: exactly one takes the dead holder's lock over and resumes, the other is refused, naming it.

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { adminCall } from '../test/helpers/emulator-client.js';
import { activeIn, startFleet } from '../test/helpers/fleet.js';
import {
  type Child,
  fleetSplit,
  revokeCalls,
  type ScenarioResult,
  savePlan,
  seconds,
  sleep,
  spawnRescind,
  stateOf,
  statsOf,
} from './lib.js';
import { Scanner } from './scan.js';

/** RoundKind is one kind of race. */
export type RoundKind = 'fresh' | 'planned' | 'takeover';

/** ConcurrencyOptions size the scenario. */
export interface ConcurrencyOptions {
  targets: number;
  rounds: readonly RoundKind[];
  /** latencyMs makes a run last long enough (a few seconds) for the two to overlap. */
  latencyMs: number;
  concurrency: number;
}

/** concurrencyScenario runs the scenario; see the top of this file. */
export async function concurrencyScenario(o: ConcurrencyOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const violations: string[] = [];
  const fleet = await startFleet(fleetSplit(o.targets), { latencyMs: o.latencyMs });
  const url = fleet.emulator.url;
  const dir = fleet.ws.dir;
  const scanner = new Scanner();
  const children: Child[] = [];
  const apply = (args: readonly string[]) => {
    const child = spawnRescind(dir, ['apply', '--yes', '--concurrency', String(o.concurrency), ...args]);
    children.push(child);
    return child;
  };
  const runsDir = join(dir, '.rescind', 'runs');
  // Every `run` line of every journal: which process ran which run.
  const runLines = () => {
    const lines: { runId: string; pid: number; resumed: boolean }[] = [];
    let ids: string[] = [];
    try {
      ids = readdirSync(runsDir);
    } catch {
      return lines;
    }
    for (const runId of ids) {
      let text = '';
      try {
        text = readFileSync(join(runsDir, runId, 'journal.jsonl'), 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) {
        if (!line.startsWith('{"type":"run"')) continue;
        const header = JSON.parse(line) as { pid: number; resumed: boolean };
        lines.push({ runId, pid: header.pid, resumed: header.resumed });
      }
    }
    return lines;
  };
  const tally: Record<RoundKind, number> = { fresh: 0, planned: 0, takeover: 0 };
  try {
    await savePlan(dir);
    for (const [r, kind] of o.rounds.entries()) {
      const round = `round ${r + 1} (${kind})`;
      const found = violations.length;
      const reset = await adminCall(url, 'POST', '/_emulator/reset');
      if (reset.status !== 204) throw new Error(`emulator reset: ${reset.status}`);
      rmSync(join(dir, '.rescind'), { recursive: true, force: true });
      const file = kind === 'planned' ? 'plan.yaml' : 'plan.json';

      let before = runLines().length;
      if (kind === 'takeover') {
        // A first apply, killed once it has revoked a part: its lock stays, naming a process that is gone.
        const first = apply([file]);
        while (first.process.exitCode === null && revokeCalls(await statsOf(url)) < o.targets / 4)
          await sleep(5);
        first.process.kill('SIGKILL');
        const exit = await first.exited;
        if (exit.signal !== 'SIGKILL') {
          violations.push(`${round}: the first apply ended (${exit.code}) before it was killed`);
          continue;
        }
        before = runLines().length;
      }
      const args = kind === 'takeover' ? ['--resume', file] : [file];
      const pair = [apply(args), apply(args)] as const;
      const exits = await Promise.all(pair.map((c) => c.exited));
      const ran = runLines().slice(before);

      // Exactly one ran: one new `run` line, written by one of the two.
      const winners = pair.filter((c) => ran.some((l) => l.pid === c.pid));
      if (ran.length !== 1 || winners.length !== 1) {
        violations.push(
          `${round}: ${ran.length} runs started by the pair (pids ${ran.map((l) => l.pid).join(', ')}), not one`,
        );
        continue;
      }
      const winner = winners[0] as Child;
      const loser = pair[0] === winner ? pair[1] : pair[0];
      const winnerExit = exits[pair.indexOf(winner)];
      const loserExit = exits[pair.indexOf(loser)];
      if (winnerExit?.code !== 0) {
        violations.push(
          `${round}: the apply that ran exited ${winnerExit?.code}: ${winner.stderr().slice(-300)}`,
        );
      }
      // The other refused, naming the one that ran.
      const refusal = new RegExp(
        `error apply\\.locked: another apply of plan fleet is running \\(.*; pid ${winner.pid} on `,
      );
      if (loserExit?.code !== 1 || !refusal.test(loser.stderr())) {
        violations.push(
          `${round}: the other apply exited ${loserExit?.code} without refusing in the name of pid ${winner.pid}: ${loser.stderr().slice(-300)}`,
        );
      }
      if (kind === 'takeover' && !ran[0]?.resumed)
        violations.push(`${round}: the run that started is not a resume`);
      // The cloud: every target revoked, each revoke call made once (plus, after a kill, its calls in flight).
      const calls = revokeCalls(await statsOf(url));
      const active = activeIn(await stateOf(url));
      if (active.size > 0) violations.push(`${round}: ${active.size} targets still active`);
      const extra = kind === 'takeover' ? 2 * o.concurrency : 0;
      if (calls < o.targets || calls > o.targets + extra) {
        violations.push(`${round}: ${calls} revoke calls for ${o.targets} targets`);
      }
      if (violations.length === found) tally[kind]++;
      // What this round's runs kept, before the next round clears them.
      scanner.folder(`round ${r + 1}`, dir);
    }

    children.forEach((c, i) => {
      scanner.text(`apply ${i + 1} stdout`, c.stdout());
      scanner.text(`apply ${i + 1} stderr`, c.stderr());
    });
    violations.push(...scanner.report.hits);

    const kinds = (Object.keys(tally) as RoundKind[])
      .filter((k) => o.rounds.includes(k))
      .map((k) => `${tally[k]}/${o.rounds.filter((x) => x === k).length} ${k}`)
      .join(', ');
    const summary =
      `concurrency: ${o.rounds.length} races of two applies of one plan (${o.targets} targets) from two processes: ` +
      `${kinds} rounds with exactly one run and the other refused naming its pid (apply.locked), each revoke sent once (after a kill, at most its calls in flight again); ` +
      `${children.length} processes; ${scanner.line()}; ${seconds(Date.now() - started)}`;
    return { summary, violations };
  } finally {
    await fleet.close();
  }
}
