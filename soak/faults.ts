// Scenario 2, faults: `rescind apply --format json` of a saved plan against an emulator that answers a
// share of requests with a 5xx, drops a share of connections (half before the server acts, half after:
// the answer of a revoke that was done is lost), throttles, and adds up to jitterMs of latency. Every
// target must end verified or failed with the cloud's error, and none be reported done that the
// emulator's state does not show revoked; a resume with the faults off then finishes the failed ones.
//
// Three phases, each on the cloud reset to its seed:
// 1. the issue's faults (20 % 5xx, 5 % drops, jitter), not throttled: it measures the rate the run offers
//    its busiest operation (the emulator throttles per operation);
// 2. the same faults, with every operation throttled at half that rate;
// 3. harsh faults (85 % 5xx, 10 % drops) on a part of the fleet, switched on once the run has started (so
//    that reading who the accounts are gets through), which leave targets failed: the failure path is
//    exercised too.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyReport } from '../src/plan/run.js';
import { adminCall } from '../test/helpers/emulator-client.js';
import { activeIn, type FleetSize, fleetPlan, startFleet } from '../test/helpers/fleet.js';
import {
  type Child,
  cli,
  fleetSplit,
  runIdIn,
  type ScenarioResult,
  savePlan,
  seconds,
  setFaults,
  spawnRescind,
  stateOf,
  statsOf,
} from './lib.js';
import { Scanner } from './scan.js';

/** FaultsOptions size the scenario and set its faults. */
export interface FaultsOptions {
  targets: number;
  /** harshTargets is the part of the fleet the harsh phase revokes. */
  harshTargets: number;
  latencyMs: number;
  jitterMs: number;
  concurrency: number;
  seed: number;
}

interface Phase {
  name: string;
  plan: string;
  targets: number;
  errorRate: number;
  dropRate: number;
  throttleRps: number;
  /** afterStart switches the faults on once the run has started. */
  afterStart: boolean;
}

interface PhaseOutcome {
  line: string;
  violations: string[];
  /** offered is the rate of requests the run sent its busiest operation, per second of the run. */
  offered: number;
  /** throttled counts the throttling answers the emulator gave. */
  throttled: number;
}

// What a failed target's error must be: the cloud's answer (an HTTP status and its code), a throttling
// answer, a connection the server dropped, or a target that still reads active after its revokes.
const CLOUD_ERROR = /HTTP [45]\d\d [\w.]+|throttl|socket|ECONNRESET|UND_ERR|closed|still reads active/i;
const ERROR_KIND = /HTTP \d+ [\w.]+|throttl\w*|UND_ERR_\w+|ECONNRESET|socket|still reads active/i;

/** faultsScenario runs the scenario; see the top of this file. */
export async function faultsScenario(o: FaultsOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const violations: string[] = [];
  const size = fleetSplit(o.targets);
  const fleet = await startFleet(size, { latencyMs: o.latencyMs, jitterMs: o.jitterMs });
  const url = fleet.emulator.url;
  const dir = fleet.ws.dir;
  const scanner = new Scanner();
  const children: Child[] = [];
  const apply = (args: readonly string[]) => {
    const child = spawnRescind(dir, ['apply', '--yes', '--concurrency', String(o.concurrency), ...args]);
    children.push(child);
    return child;
  };
  try {
    await savePlan(dir);
    // The harsh phase's plan: the first grants of the first key and the first certificates of the first site.
    const harsh = fleetSplit(o.harshTargets);
    if (harsh.keys > 1 || harsh.grants > size.grants || harsh.certificates > size.certificates) {
      throw new Error(`${o.harshTargets} harsh targets are not a part of the fleet`);
    }
    const harshSize: FleetSize = {
      keys: 1,
      grants: harsh.grants,
      sites: 1,
      certificates: harsh.certificates,
    };
    writeFileSync(join(dir, 'harsh.yaml'), fleetPlan(harshSize, 'fleet-harsh'));
    const saved = await cli(dir, ['plan', '--out', 'harsh.json', 'harsh.yaml']);
    if (saved.code !== 0) throw new Error(`rescind plan harsh.yaml: ${saved.stderr}`);

    const issued = { errorRate: 0.2, dropRate: 0.05 };
    const lines: string[] = [];
    const phase1 = await runPhase({
      name: '5xx and drops',
      plan: 'plan.json',
      targets: o.targets,
      ...issued,
      throttleRps: 0,
      afterStart: false,
    });
    // Throttled at half the rate offered under the same faults. A loaded machine may offer less in this
    // run than in the first, and never fill the bucket: then the phase runs again at half its own rate.
    let offered = phase1.offered;
    let phase2: PhaseOutcome | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const throttleRps = Math.max(1, Math.round(offered / 2));
      phase2 = await runPhase({
        name: `5xx, drops and throttling at ${throttleRps}/s (half the ${offered.toFixed(0)}/s its busiest operation was offered${attempt > 0 ? `, attempt ${attempt + 1}` : ''})`,
        plan: 'plan.json',
        targets: o.targets,
        ...issued,
        throttleRps,
        afterStart: false,
      });
      if (phase2.throttled > 0 || phase2.offered === 0) break;
      offered = phase2.offered;
    }
    if (phase2 === undefined) throw new Error('no throttled phase ran');
    const phase3 = await runPhase({
      name: `harsh, on ${o.harshTargets} of them`,
      plan: 'harsh.json',
      targets: o.harshTargets,
      errorRate: 0.85,
      dropRate: 0.1,
      throttleRps: 0,
      afterStart: true,
    });
    for (const [phase, outcome] of [phase1, phase2, phase3].entries()) {
      violations.push(...outcome.violations.map((v) => `phase ${phase + 1}: ${v}`));
      lines.push(`(${phase + 1}) ${outcome.line}`);
    }

    children.forEach((c, i) => {
      scanner.text(`apply ${i + 1} stdout`, c.stdout());
      scanner.text(`apply ${i + 1} stderr`, c.stderr());
    });
    scanner.folder('workspace', dir);
    violations.push(...scanner.report.hits);

    const summary =
      `faults: ${o.targets} targets (KMS and ESA), latency ${o.latencyMs}+0..${o.jitterMs} ms, drops half before and half after ` +
      `the server acted; ${lines.join('; ')}; ${scanner.line()}; seed ${o.seed}; ${seconds(Date.now() - started)}`;
    return { summary, violations };
  } finally {
    await fleet.close();
  }

  async function runPhase(phase: Phase): Promise<PhaseOutcome> {
    const found: string[] = [];
    const reset = await adminCall(url, 'POST', '/_emulator/reset');
    if (reset.status !== 204) throw new Error(`emulator reset: ${reset.status}`);
    const faults = {
      errorRate: phase.errorRate,
      dropRate: phase.dropRate,
      throttleRps: phase.throttleRps,
      latencyMs: o.latencyMs,
      jitterMs: o.jitterMs,
      seed: o.seed + phase.errorRate * 100 + phase.throttleRps,
    };
    if (!phase.afterStart) await setFaults(url, faults);
    // Reading who the accounts are comes first, through the same faults: when that fails after its
    // retries, apply starts no run (it cannot record who revokes) and says so; an operator runs it again,
    // and so does the scenario, a few times.
    let child: Child | undefined;
    let exit: Awaited<Child['exited']> | undefined;
    let refusedBeforeRun = 0;
    for (let i = 0; i < 6; i++) {
      child = apply(['--format', 'json', phase.plan]);
      if (phase.afterStart && (await child.waitFor(/^run \S+: journal/m)) !== undefined) {
        await setFaults(url, faults);
      }
      exit = await child.exited;
      if (runIdIn(child.stderr()) !== undefined) break;
      refusedBeforeRun++;
      if (!/error cloud\.|account\./.test(child.stderr())) {
        found.push(`apply started no run, and not for a cloud error: ${child.stderr().slice(-500)}`);
        break;
      }
    }
    const stats = await statsOf(url);
    await setFaults(url, { errorRate: 0, dropRate: 0, throttleRps: 0, jitterMs: o.jitterMs });
    const active = activeIn(await stateOf(url));
    const runId = child === undefined ? undefined : runIdIn(child.stderr());
    if (child === undefined || exit === undefined || runId === undefined) {
      found.push(`no run started in ${refusedBeforeRun} tries: ${child?.stderr().slice(-500)}`);
      return { line: `${phase.name}: no run`, violations: found, offered: 0, throttled: stats.throttled };
    }
    let report: ApplyReport | undefined;
    try {
      report = JSON.parse(child.stdout()) as ApplyReport;
    } catch {
      found.push(`apply --format json printed no report (exit ${exit.code}): ${child.stderr().slice(-500)}`);
    }

    const counts = { verified: 0, failed: 0, failedButRevoked: 0, falselyDone: 0 };
    const errorKinds = new Map<string, number>();
    let offered = 0;
    if (report !== undefined) {
      if (report.targets.length !== phase.targets) {
        found.push(`the report has ${report.targets.length} targets, not ${phase.targets}`);
      }
      const expectedExit = report.status === 'done' ? 0 : 1;
      if (exit.code !== expectedExit) found.push(`apply exited ${exit.code} for a ${report.status} run`);
      for (const t of report.targets) {
        if (t.outcome === 'verified') {
          counts.verified++;
          // Done means revoked in the cloud.
          if (active.has(t.address)) {
            counts.falselyDone++;
            found.push(`${t.address} is reported verified but the emulator shows it active`);
          }
        } else if (t.outcome === 'failed') {
          counts.failed++;
          if (!active.has(t.address)) counts.failedButRevoked++;
          const error = t.errors.join(' | ');
          if (t.errors.length === 0 || !CLOUD_ERROR.test(error)) {
            found.push(`${t.address} failed without the cloud's error: ${JSON.stringify(t.errors)}`);
          }
          const kind = ERROR_KIND.exec(error)?.[0] ?? 'other';
          errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
        } else {
          found.push(`${t.address} ended ${t.outcome}: neither verified nor failed`);
        }
      }
      // The report printed at the end is the journal's: `show RUN` prints the same.
      const shown = await cli(dir, ['show', '--format', 'json', runId]);
      if (shown.stdout !== child.stdout())
        found.push(`rescind show ${runId} does not print the report apply printed`);
      const seconds = (Date.parse(report.endedAt ?? '') - Date.parse(report.startedAt)) / 1000;
      // Per operation, as the emulator throttles: the total over two operations at half of it never
      // emptied a bucket once the run offered each operation the same share.
      const busiest = Math.max(0, ...Object.values(stats.requests));
      offered = busiest / Math.max(0.001, seconds);
    }
    // The faults did happen.
    if (stats.faults === 0) found.push('the emulator injected no fault');
    if (phase.throttleRps > 0 && stats.throttled === 0) found.push('the emulator throttled nothing');
    const journal = readFileSync(join(dir, '.rescind', 'runs', runId, 'journal.jsonl'), 'utf8');
    // A revoke whose answer was dropped after the cloud acted is retried, and the cloud says it is done.
    const lostAnswers = (journal.match(/"type":"revoke"[^\n]*"outcome":"already-revoked"/g) ?? []).length;

    // With the faults off, --resume finishes what failed (a run is unfinished until every target is done).
    let resumed = '';
    if (counts.failed > 0) {
      const again = apply(['--resume', phase.plan]);
      const end = await again.exited;
      const left = activeIn(await stateOf(url));
      const planned = JSON.parse(readFileSync(join(dir, phase.plan), 'utf8')) as {
        targets: { address: string }[];
      };
      const stillActive = planned.targets.filter((t) => left.has(t.address)).length;
      if (end.code !== 0 || stillActive > 0) {
        found.push(
          `the resume without faults exited ${end.code} and left ${stillActive} active: ${again.stderr().slice(-500)}`,
        );
      }
      resumed = `; resumed without faults: ${counts.failed - stillActive}/${counts.failed} failed ones verified`;
    }
    const requests = Object.values(stats.requests).reduce((n, v) => n + v, 0);
    const kinds = [...errorKinds].map(([k, n]) => `${n} ${k}`).join(', ');
    const line =
      `${phase.name}: ${counts.verified} verified (each revoked in the cloud), ${counts.failed} failed with the cloud's error` +
      `${kinds === '' ? '' : ` (${kinds})`}${counts.failedButRevoked > 0 ? `, ${counts.failedButRevoked} of which revoked all the same` : ''}, ` +
      `${counts.falselyDone} reported done that are not; ${requests} requests, ${stats.faults} 5xx or dropped, ` +
      `${stats.throttled} throttled, ${lostAnswers} revokes answered "already revoked" after a lost answer` +
      `${refusedBeforeRun > 0 ? `, ${refusedBeforeRun} applies refused before their run (identity read failed)` : ''}${resumed}`;
    return { line, violations: found, offered, throttled: stats.throttled };
  }
}
