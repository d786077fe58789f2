// Scenario 1, kill and resume: `rescind apply --yes` of a saved plan (KMS grants and ESA certificates
// against the emulator) is SIGKILLed at random points and resumed with `--resume` each time. At the end,
// from the emulator's state and counters and the journal's raw bytes: every target revoked; no revoke
// whose `revoked` answer was journaled sent again, and at most the calls in flight at the kills sent
// twice; every journal line accounted for.

import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../src/emulator/faults.js';
import { loadRun } from '../src/engine/runs.js';
import { reportOf } from '../src/plan/run.js';
import { activeIn, startFleet } from '../test/helpers/fleet.js';
import { auditJournal, type Snapshot } from './journal.js';
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

/** KillResumeOptions size the scenario. */
export interface KillResumeOptions {
  targets: number;
  kills: number;
  /** latencyMs is the emulator's latency per call: it makes the run last long enough to be killed. */
  latencyMs: number;
  concurrency: number;
  seed: number;
}

/** killAndResume runs the scenario; see the top of this file. */
export async function killAndResume(o: KillResumeOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const violations: string[] = [];
  const size = fleetSplit(o.targets);
  const fleet = await startFleet(size, { latencyMs: o.latencyMs });
  const scanner = new Scanner();
  const random = mulberry32(o.seed);
  try {
    const dir = fleet.ws.dir;
    await savePlan(dir);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as {
      targets: { address: string }[];
    };
    const addresses = new Set(plan.targets.map((t) => t.address));

    // Kill points: after the emulator has received a random number of revoke calls (the last may be all
    // of them: a kill while the last targets are verified), then a random few milliseconds more, so that
    // kills land anywhere: in a call, between a call and its journal line, in a write, in a verification.
    const points = killPoints(random, o.targets, o.kills);
    const snapshots: Snapshot[] = [];
    const children: Child[] = [];
    const landed: string[] = [];
    let runId: string | undefined;
    let missed = 0;
    let simulated = 0;
    for (let k = 0; k <= o.kills; k++) {
      const args = ['apply', '--yes', '--concurrency', String(o.concurrency)];
      const child = spawnRescind(dir, [...args, ...(k === 0 ? [] : ['--resume']), 'plan.json']);
      children.push(child);
      const point = points[k];
      if (point === undefined) break;
      // The run's line is printed once its journal has its `run` line: only then is a kill a kill of the run.
      const header = await child.waitFor(/^run (\S+): journal/m);
      if (header === undefined) {
        violations.push(`attempt ${k + 1} ended before its run started: ${child.stderr().slice(-500)}`);
        break;
      }
      runId ??= header[1];
      if (header[1] !== runId) violations.push(`attempt ${k + 1} runs ${header[1]}, not ${runId}`);
      let calls = 0;
      while (child.process.exitCode === null && child.process.signalCode === null) {
        calls = revokeCalls(await statsOf(fleet.emulator.url));
        if (calls >= point.calls) break;
        await sleep(2);
      }
      await sleep(point.extraMs);
      const killed = child.process.kill('SIGKILL');
      const exit = await child.exited;
      if (!killed || exit.signal !== 'SIGKILL') {
        // The run finished between the last poll and the kill: the kill missed, and the run is complete.
        if (exit.code !== 0) violations.push(`attempt ${k + 1} exited ${exit.code} before its kill`);
        missed++;
        break;
      }
      landed.push(`${calls}+${point.extraMs}ms`);
      const path = join(dir, '.rescind', 'runs', runId ?? '', 'journal.jsonl');
      // A kill in the middle of a write is rare on a fast disk: the first kill that left none gets one, a
      // half-written intent, as a kill inside write() leaves it. The resume must drop it, not glue to it.
      if (simulated === 0 && readFileSync(path, 'utf8').endsWith('\n')) {
        const address = [...addresses][Math.floor(random() * addresses.size)] ?? '';
        appendFileSync(path, `{"type":"intent","address":${JSON.stringify(address)},"attem`);
        simulated++;
      }
      snapshots.push({ text: readFileSync(path, 'utf8') });
    }
    const last = children[children.length - 1];
    const exit = last === undefined ? undefined : await last.exited;
    if (exit?.code !== 0) {
      violations.push(`the last resume exited ${exit?.code ?? exit?.signal}: ${last?.stderr().slice(-1000)}`);
    }
    if (last !== undefined && !/^Apply complete: /m.test(last.stdout())) {
      violations.push(`the last resume did not print "Apply complete": ${last.stdout().slice(-500)}`);
    }

    // The cloud: every target revoked, and the revoke calls it received.
    const active = activeIn(await stateOf(fleet.emulator.url));
    if (active.size > 0)
      violations.push(`${active.size} targets still active: ${[...active].slice(0, 3).join(', ')}`);
    const calls = revokeCalls(await statsOf(fleet.emulator.url));

    // The journal, line by line, against the snapshots taken at the kills.
    const journal =
      runId === undefined ? '' : readFileSync(join(dir, '.rescind', 'runs', runId, 'journal.jsonl'), 'utf8');
    const audit = auditJournal(journal, snapshots, addresses);
    violations.push(...audit.violations);
    const inFlight = audit.inFlight.reduce((n, v) => n + v, 0);
    if (calls < o.targets) violations.push(`${calls} revoke calls for ${o.targets} targets`);
    if (calls > o.targets + inFlight) {
      violations.push(
        `${calls} revoke calls: more than ${o.targets} targets + ${inFlight} in flight at the kills`,
      );
    }
    for (const address of addresses) {
      const outcome = audit.finals.get(address);
      // All were active and only this run revoked them: `already-revoked` would mean a revoke reached the
      // cloud without its intent in the journal.
      if (outcome !== 'verified')
        violations.push(`${address} ended ${outcome ?? 'without a target line'}, not verified`);
    }
    // rescind's own reading of the run agrees.
    if (runId !== undefined) {
      const loaded = loadRun(dir, runId);
      if ('diagnostics' in loaded) violations.push(`loadRun: ${JSON.stringify(loaded.diagnostics)}`);
      else {
        const report = reportOf(loaded.paths.runId, loaded.plan, loaded.log);
        if (!loaded.finished || report.status !== 'done')
          violations.push(`the run is ${report.status}, not done`);
        if (report.resumedAt.length !== snapshots.length) {
          violations.push(
            `the report shows ${report.resumedAt.length} resumes for ${snapshots.length} kills`,
          );
        }
        if (report.summary.verified !== o.targets)
          violations.push(`the report shows ${report.summary.verified} verified`);
      }
    }

    children.forEach((c, i) => {
      scanner.text(`attempt ${i + 1} stdout`, c.stdout());
      scanner.text(`attempt ${i + 1} stderr`, c.stderr());
    });
    scanner.folder('workspace', dir);
    violations.push(...scanner.report.hits);

    const summary =
      `kill-resume: ${o.targets} targets (${size.keys * size.grants} KMS, ${size.sites * size.certificates} ESA), ` +
      `${snapshots.length} SIGKILLs at revoke calls ${landed.join(', ')}${missed > 0 ? ` (${missed} missed: the run had ended)` : ''}, ${children.length} processes, ` +
      `${o.targets - active.size}/${o.targets} revoked and verified, ${calls} revoke calls <= ${o.targets} + ${inFlight} in flight at kills (${audit.inFlight.join('/')}), ` +
      `${audit.lines} journal lines accounted for (${audit.intents} intents, ${audit.revokeLines} revokes, ${audit.targetLines} targets), ` +
      `${audit.torn} torn lines at kills (${simulated} simulated); ${scanner.line()}; seed ${o.seed}; ${seconds(Date.now() - started)}`;
    return { summary, violations };
  } finally {
    await fleet.close();
  }
}

interface KillPoint {
  calls: number;
  extraMs: number;
}

// kills points, in order: revoke-call counts spread over (0, targets], at least a few calls apart.
function killPoints(random: () => number, targets: number, kills: number): KillPoint[] {
  const picked = new Set<number>();
  const gap = Math.max(1, Math.floor(targets / (kills * 4)));
  while (picked.size < kills) {
    const calls = 1 + Math.floor(random() * targets);
    if ([...picked].every((p) => Math.abs(p - calls) >= gap)) picked.add(calls);
  }
  return [...picked].sort((a, b) => a - b).map((calls) => ({ calls, extraMs: Math.floor(random() * 40) }));
}
