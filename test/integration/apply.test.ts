// rescind apply against the emulator over real HTTP: faults of every kind never make a target falsely
// done; a kill mid-run resumes with only the calls in flight sent twice; the emulator never sees more
// calls at once than --concurrency, nor more per second than an account's rate limit; drift refused;
// one lock per plan across processes; Ctrl-C stops and resumes exactly; no yes, no calls.

import { type ChildProcess, spawn } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit.js';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { loadRun } from '../../src/engine/runs.js';
import { digestOf, type SavedPlan } from '../../src/plan/model.js';
import { type ApplyReport, isDone, reportOf } from '../../src/plan/run.js';
import { FRESH_READS_MS } from '../../src/session/derive.js';
import { createSession } from '../../src/session/session.js';
import { adminCall } from '../helpers/emulator-client.js';
import { activeIn, type Fleet, fleetSeed, grantId, keyId, startFleet } from '../helpers/fleet.js';
import { withoutProgress } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';
import { DEMO_ENV } from '../helpers/provider.js';

let fleet: Fleet | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await fleet?.close();
  fleet = undefined;
});

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

// The CLI in-process, with an Io that can be asked (answer) and interrupted (interrupt()).
function cli(
  dir: string,
  argv: readonly string[],
  extra: { answer?: string; onStderr?: (text: string, interrupt: () => void) => void } = {},
): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const listeners: (() => void)[] = [];
  const interrupt = () => {
    for (const l of listeners) l();
  };
  const io: Io = {
    stdout: { write: (t) => void out.push(t), isTTY: false },
    stderr: {
      write: (t) => {
        err.push(t);
        extra.onStderr?.(t, interrupt);
      },
      isTTY: false,
    },
    cwd: dir,
    env: DEMO_ENV,
    ...(extra.answer === undefined ? {} : { ask: async () => extra.answer }),
    onInterrupt: (l) => {
      listeners.push(l);
      return () => listeners.splice(listeners.indexOf(l), 1);
    },
  };
  return run(argv, io).then((code) => ({ code, stdout: out.join(''), stderr: err.join('') }));
}

async function savePlan(f: Fleet): Promise<void> {
  const planned = await cli(f.ws.dir, ['plan', '--out', 'plan.json', 'plan.yaml']);
  expect(withoutProgress(planned.stderr)).toBe('');
  expect(planned.code).toBe(0);
}

const revokeCalls = (requests: Record<string, number>) =>
  (requests.CancelGrant ?? 0) + (requests.RevokeClientCertificate ?? 0);

describe('faults', () => {
  it('under 5xx, throttling, latency and dropped connections, no target is reported done that is not', async () => {
    fleet = await startFleet(
      { keys: 3, grants: 30, sites: 2, certificates: 30 },
      { errorRate: 0.2, dropRate: 0.1, throttleRps: 300, latencyMs: 2, seed: 7 },
    );
    const f = fleet;
    await adminCall(f.emulator.url, 'POST', '/_emulator/faults', { errorRate: 0, dropRate: 0 });
    await savePlan(f);
    await adminCall(f.emulator.url, 'POST', '/_emulator/faults', { errorRate: 0.2, dropRate: 0.1 });
    const session = createSession({ cwd: f.ws.dir, env: DEMO_ENV, http: { sleep: async () => {} } });
    try {
      const prepared = await session.prepareApply('plan.json');
      if (prepared.plan === undefined) throw new Error(JSON.stringify(prepared.diagnostics));
      const applied = await session.apply(
        { ...prepared, plan: prepared.plan },
        { concurrency: 8, backoffMs: 1, sleep: async () => {} },
      );
      expect(applied.diagnostics).toEqual([]);
      const results = applied.results?.targets ?? [];
      expect(results).toHaveLength(150);
      await adminCall(f.emulator.url, 'POST', '/_emulator/faults', { errorRate: 0, dropRate: 0 });
      const active = activeIn(await f.state());
      for (const r of results) {
        // Done means revoked in the cloud; failed says why, with the cloud's answer.
        if (isDone(r.outcome)) expect(active.has(r.address), r.address).toBe(false);
        else {
          expect(r.outcome).toBe('failed');
          expect(r.diagnostics[0]?.message).toMatch(/HTTP 5\d\d|socket|ECONNRESET|closed|still reads/);
        }
      }
      // With 4 HTTP attempts and 3 target attempts, 20 % faults leave nearly nothing failed.
      expect(results.filter((r) => r.outcome === 'verified').length).toBeGreaterThan(140);
      const { faults } = (await f.stats()) as unknown as { faults: number };
      expect(faults).toBeGreaterThan(20);
    } finally {
      await session.close();
    }
  }, 60_000);
});

describe('kill and resume', () => {
  it('a SIGKILL mid-run, then --resume: every target revoked, only the calls in flight sent twice', async () => {
    fleet = await startFleet({ keys: 2, grants: 60, sites: 1, certificates: 80 }, { latencyMs: 25 });
    const f = fleet;
    await savePlan(f);
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin/rescind.js'), 'apply', '--yes', '--concurrency', '4', 'plan.json'],
      { cwd: f.ws.dir, env: { ...process.env, ...DEMO_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    // Kill it once a third of the targets have ended.
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr?.on('data', (b: Buffer) => {
        stderr += b.toString();
        if ((stderr.match(/^\[\d+\/200\] /gm) ?? []).length >= 70) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`apply ended before the kill:\n${stderr}`)));
    });
    await new Promise((r) => child.once('exit', r));
    const runId = /run (\d{8}T\d{6}Z-[0-9a-f]{6})/.exec(stderr)?.[1];
    if (runId === undefined) throw new Error(`no run id in:\n${stderr}`);
    const killed = loadRun(f.ws.dir, runId);
    if ('diagnostics' in killed) throw new Error(JSON.stringify(killed.diagnostics));
    expect(killed.log.end).toBeUndefined();
    const journal = readFileSync(killed.paths.journal, 'utf8').split('\n');
    const intents = journal.filter((l) => l.includes('"type":"intent"')).length;
    const answered = journal.filter((l) => l.includes('"type":"revoke"')).length;
    // Intents are written at most --concurrency calls ahead of their calls: at most 4 sent, 4 about to be.
    const inFlight = intents - answered;
    expect(inFlight).toBeLessThanOrEqual(8);
    const before = revokeCalls((await f.stats()).requests);

    const resumed = await cli(f.ws.dir, ['apply', '--yes', '--resume', 'plan.json']);
    expect(resumed.stderr).toContain(`run ${runId}`);
    expect(resumed.code).toBe(EXIT.ok);
    expect(resumed.stdout).toMatch(
      /^Apply complete: \d+ verified, 0 already revoked, 0 applied \(not observable\), 0 failed\.$/m,
    );
    expect(activeIn(await f.state()).size).toBe(0);
    const total = revokeCalls((await f.stats()).requests);
    // Each target once, plus at most the calls in flight at the kill (their answers were lost).
    expect(total).toBeGreaterThanOrEqual(200);
    expect(total - 200).toBeLessThanOrEqual(inFlight);
    expect(before).toBeLessThanOrEqual(intents);
    const loaded = loadRun(f.ws.dir, runId);
    if ('diagnostics' in loaded) throw new Error(JSON.stringify(loaded.diagnostics));
    const report = reportOf(runId, loaded.plan, loaded.log);
    expect(report.status).toBe('done');
    expect(report.resumedAt).toHaveLength(1);
  }, 60_000);
});

describe('a full disk', () => {
  it('stops cleanly when the journal cannot be written, reports the run so far, and resumes', async () => {
    fleet = await startFleet({ keys: 1, grants: 100, sites: 1, certificates: 100 }, { latencyMs: 5 });
    const f = fleet;
    await savePlan(f);
    // A first run, stopped early, leaves a run with its plan written and a short journal.
    let watching = false;
    const first = await cli(f.ws.dir, ['apply', '--yes', '--concurrency', '2', 'plan.json'], {
      onStderr: (text, interrupt) => {
        if (watching || !/^run \d{8}T/m.test(text)) return;
        watching = true;
        const poll = async () => {
          if (revokeCalls((await f.stats()).requests) >= 5) interrupt();
          else setTimeout(poll, 5);
        };
        void poll();
      },
    });
    expect(first.code).toBe(EXIT.interrupted);
    const runId = /run (\d{8}T\d{6}Z-[0-9a-f]{6})/.exec(first.stderr)?.[1] ?? '';
    const journal = join(f.ws.dir, '.rescind', 'runs', runId, 'journal.jsonl');
    // Its resume may grow the journal by a few kilobytes only: the disk is full after a few targets.
    const blocks = Math.ceil((readFileSync(journal).length + 6000) / 1024);
    const before = revokeCalls((await f.stats()).requests);
    // The emulator runs in this process: the child is waited for without blocking it.
    const child = spawn(
      'bash',
      [
        '-c',
        `ulimit -f ${blocks}; exec "$0" "$@"`,
        process.execPath,
        join(repoRoot, 'bin/rescind.js'),
        'apply',
        '--yes',
        '--resume',
        runId,
      ],
      { cwd: f.ws.dir, env: { ...process.env, ...DEMO_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    const full = { stdout: '', stderr: '', status: -1 };
    child.stdout?.on('data', (b: Buffer) => {
      full.stdout += b.toString();
    });
    child.stderr?.on('data', (b: Buffer) => {
      full.stderr += b.toString();
    });
    full.status = await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
    expect(full.stderr).not.toMatch(/internal error|This is a bug/);
    expect(full.stderr).toMatch(
      /^\.rescind\/runs\/\S+\/journal\.jsonl: error apply\.journal: journal .*journal\.jsonl: cannot write: .* \(EFBIG\): the run stopped there; calls in flight finished, nothing more was sent/m,
    );
    expect(full.status).toBe(EXIT.error);
    expect(full.stdout).toMatch(
      new RegExp(`^Apply incomplete: .*\\. Resume with: rescind apply --resume ${runId}$`, 'm'),
    );
    const sent = revokeCalls((await f.stats()).requests) - before;
    expect(sent).toBeGreaterThan(0);
    expect(sent + before).toBeLessThan(200);

    const resumed = await cli(f.ws.dir, ['apply', '--yes', '--resume', runId]);
    expect(resumed.code).toBe(EXIT.ok);
    expect(activeIn(await f.state()).size).toBe(0);
  }, 60_000);
});

describe('bounds', () => {
  it('never more calls in flight than --concurrency, never faster than the rate limit', async () => {
    fleet = await startFleet({ keys: 1, grants: 60, sites: 1, certificates: 60 }, { latencyMs: 15 });
    const f = fleet;
    // KMS at 40 requests per second for this account; ESA unlimited.
    const config = readFileSync(join(f.ws.dir, 'rescind.config.yaml'), 'utf8').replace(
      'rateLimits: {default: 0}}\n  ali-prod',
      'rateLimits: {default: 0, kms: 40}}\n  ali-prod',
    );
    writeFileSync(join(f.ws.dir, 'rescind.config.yaml'), config);
    await savePlan(f);
    await adminCall(f.emulator.url, 'POST', '/_emulator/reset');
    const started = Date.now();
    const applied = await cli(f.ws.dir, ['apply', '--yes', '--concurrency', '5', 'plan.json']);
    const elapsed = Date.now() - started;
    expect(applied.code).toBe(EXIT.ok);
    const stats = await f.stats();
    for (const [op, n] of Object.entries(stats.maxInFlight)) expect(n, op).toBeLessThanOrEqual(5);
    const kmsCalls = (stats.requests.CancelGrant ?? 0) + (stats.requests.ListGrants ?? 0);
    expect(kmsCalls).toBeGreaterThanOrEqual(61);
    // A token bucket of 40/s sends n calls in no less than (n - 1) / 40 seconds.
    expect(elapsed).toBeGreaterThanOrEqual(((kmsCalls - 1) / 40) * 1000 - 50);
  }, 30_000);
});

describe('drift', () => {
  it('a target whose record changed since the plan is refused; one gone since is absent since the plan, not done', async () => {
    fleet = await startFleet({ keys: 1, grants: 4 });
    const f = fleet;
    await savePlan(f);
    // The same cloud at the same endpoint, but grant 1 has more operations now and grant 2 was revoked
    // by someone else.
    const changed = fleetSeed({ keys: 1, grants: 4 }, (g) => {
      if (g.grant_id === grantId(0, 1)) g.operations = ['decrypt-data', 'encrypt-data'];
    });
    const key = changed.huaweicloud?.kms?.keys?.[0];
    if (key?.grants === undefined) throw new Error('no key');
    key.grants = key.grants.filter((g) => g.grant_id !== grantId(0, 2));
    const { startEmulator } = await import('../../src/emulator/server.js');
    await f.emulator.close();
    const other = await startEmulator({ state: changed, port: f.emulator.port });
    try {
      const applied = await cli(f.ws.dir, ['apply', '--yes', '--format', 'json', 'plan.json']);
      expect(applied.code).toBe(EXIT.error);
      const report = JSON.parse(applied.stdout) as ApplyReport;
      expect(report.targets.map((t) => [t.address.split('/').pop(), t.outcome])).toEqual([
        [grantId(0, 0), 'verified'],
        [grantId(0, 1), 'drift'],
        [grantId(0, 2), 'absent-since-plan'],
        [grantId(0, 3), 'verified'],
      ]);
      expect(report.targets[1]?.errors[0]).toMatch(/changed since the plan was made/);
      expect(report.targets[2]?.errors[0]).toMatch(/was active when the plan was made and is absent now/);
      expect(report.summary).toMatchObject({ verified: 2, drift: 1, absentSincePlan: 1, alreadyRevoked: 0 });
      const stats = (await adminCall(other.url, 'GET', '/_emulator/stats')).json as {
        requests: Record<string, number>;
      };
      expect(stats.requests.CancelGrant).toBe(2);
    } finally {
      await other.close();
    }
  });

  it("apply's own fresh reads stand for each target's first read while fresh; a run started later reads again", async () => {
    fleet = await startFleet({ keys: 1, grants: 4 });
    const f = fleet;
    await savePlan(f);
    const listsSoFar = async () => (await f.stats()).requests.ListGrants ?? 0;
    const session = createSession({ cwd: f.ws.dir, env: DEMO_ENV });
    try {
      // At once (apply --yes): the fresh plan's one list serves; the group is verified with one more.
      const before = await listsSoFar();
      const prepared = await session.prepareApply('plan.json');
      if (prepared.plan === undefined) throw new Error(JSON.stringify(prepared.diagnostics));
      const applied = await session.apply({ ...prepared, plan: prepared.plan });
      expect(applied.report?.summary).toMatchObject({ verified: 4 });
      expect((await listsSoFar()) - before).toBe(2);
    } finally {
      await session.close();
    }

    // After a wait longer than FRESH_READS_MS (a prompt): a change made meanwhile is read, not missed.
    await adminCall(f.emulator.url, 'POST', '/_emulator/reset');
    const later = createSession({ cwd: f.ws.dir, env: DEMO_ENV });
    try {
      const prepared = await later.prepareApply('plan.json');
      if (prepared.plan === undefined) throw new Error(JSON.stringify(prepared.diagnostics));
      const changed = fleetSeed({ keys: 1, grants: 4 }, (g) => {
        if (g.grant_id === grantId(0, 1)) g.operations = ['decrypt-data', 'encrypt-data'];
      });
      const { startEmulator } = await import('../../src/emulator/server.js');
      await f.emulator.close();
      const other = await startEmulator({ state: changed, port: f.emulator.port });
      try {
        const applied = await later.apply(
          { ...prepared, plan: prepared.plan },
          { now: () => new Date(Date.now() + FRESH_READS_MS + 1000) },
        );
        expect(applied.report?.targets.map((t) => t.outcome)).toEqual([
          'verified',
          'drift',
          'verified',
          'verified',
        ]);
      } finally {
        await other.close();
      }
    } finally {
      await later.close();
    }
  });

  it('a target gone since the plan, and nothing else wrong, exits 4: done but for it', async () => {
    fleet = await startFleet({ keys: 1, grants: 3 });
    const f = fleet;
    await savePlan(f);
    const changed = fleetSeed({ keys: 1, grants: 3 });
    const key = changed.huaweicloud?.kms?.keys?.[0];
    if (key?.grants === undefined) throw new Error('no key');
    key.grants = key.grants.filter((g) => g.grant_id !== grantId(0, 0));
    const { startEmulator } = await import('../../src/emulator/server.js');
    await f.emulator.close();
    const other = await startEmulator({ state: changed, port: f.emulator.port });
    try {
      const applied = await cli(f.ws.dir, ['apply', '--yes', 'plan.json']);
      expect(applied.code).toBe(EXIT.absent);
      expect(applied.stdout).toMatch(
        /^Apply failed: 2 verified, 0 already revoked, 0 applied \(not observable\), 0 failed, 1 absent since the plan\. Resume with: rescind apply --resume \S+$/m,
      );
    } finally {
      await other.close();
    }
  });
});

describe('throttling', () => {
  it("a target waiting for its operation's rate gives its slot to targets of other operations", async () => {
    fleet = await startFleet({ keys: 1, grants: 20, sites: 1, certificates: 20 }, { latencyMs: 5 });
    const f = fleet;
    // KMS at 8 requests a second for this account (2.5 s for 20 grants); ESA unlimited. The plan lists
    // every grant before any certificate, and 4 calls go at once.
    const config = readFileSync(join(f.ws.dir, 'rescind.config.yaml'), 'utf8').replace(
      'rateLimits: {default: 0}}\n  ali-prod',
      'rateLimits: {default: 0, kms: 8}}\n  ali-prod',
    );
    writeFileSync(join(f.ws.dir, 'rescind.config.yaml'), config);
    await savePlan(f);
    const session = createSession({ cwd: f.ws.dir, env: DEMO_ENV });
    let runId = '';
    try {
      const prepared = await session.prepareApply('plan.json', { concurrency: 4 });
      if (prepared.plan === undefined) throw new Error(JSON.stringify(prepared.diagnostics));
      const applied = await session.apply({ ...prepared, plan: prepared.plan }, { concurrency: 4 });
      expect(applied.report?.summary).toMatchObject({ verified: 40 });
      runId = applied.runId ?? '';
    } finally {
      await session.close();
    }
    // The revoke calls in the order they answered (the journal): certificates go while grants wait
    // for KMS's rate, not after every grant.
    const answered = readFileSync(join(f.ws.dir, '.rescind', 'runs', runId, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"revoke"'))
      .map((l) => (JSON.parse(l) as { address: string }).address);
    expect(answered).toHaveLength(40);
    const grantsFirst = answered.findIndex((a) => a.includes('/esa/'));
    expect(grantsFirst).toBeLessThan(8);
  }, 30_000);
});

describe('connections', () => {
  it('the fresh plan of a saved plan and its run share one pool of --concurrency sockets', async () => {
    fleet = await startFleet({ keys: 20, grants: 1 }, { latencyMs: 20 });
    const f = fleet;
    await savePlan(f);
    let sockets = 0;
    const connected = () => {
      sockets += 1;
    };
    diagnostics.subscribe('undici:client:connected', connected);
    const session = createSession({ cwd: f.ws.dir, env: DEMO_ENV });
    try {
      const prepared = await session.prepareApply('plan.json', { concurrency: 16 });
      if (prepared.plan === undefined) throw new Error(JSON.stringify(prepared.diagnostics));
      const applied = await session.apply({ ...prepared, plan: prepared.plan }, { concurrency: 16 });
      expect(applied.report?.summary).toMatchObject({ verified: 20 });
      // 20 keys read at once, then 20 grants revoked at once: both over the same 16 sockets.
      expect(sockets).toBeGreaterThan(8);
      expect(sockets).toBeLessThanOrEqual(16);
    } finally {
      diagnostics.unsubscribe('undici:client:connected', connected);
      await session.close();
    }
  });
});

describe('the lock', () => {
  it('a second apply of the same plan, from another process, is refused and named; a dead holder is taken over', async () => {
    fleet = await startFleet({ keys: 1, grants: 3 });
    const f = fleet;
    await savePlan(f);
    const lock = join(f.ws.dir, '.rescind', 'locks', 'fleet.lock');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { mkdirSync } from 'node:fs';
         mkdirSync(${JSON.stringify(join(f.ws.dir, '.rescind', 'locks'))}, { recursive: true });
         const { acquireLock } = await import(${JSON.stringify(join(repoRoot, 'dist/files/lock.js'))});
         const got = acquireLock(${JSON.stringify(lock)}, 'apply of plan fleet, run by a test');
         process.stdout.write('held' in got ? 'held\\n' : 'not held\\n');
         setTimeout(() => {}, 60_000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(holder);
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
    const refused = await cli(f.ws.dir, ['apply', '--yes', 'plan.json']);
    expect(refused.code).toBe(EXIT.error);
    expect(refused.stderr).toMatch(
      new RegExp(
        `error apply\\.locked: another apply of plan fleet is running \\(apply of plan fleet, run by a test; pid ${holder.pid} on `,
      ),
    );
    expect(revokeCalls((await f.stats()).requests)).toBe(0);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const applied = await cli(f.ws.dir, ['apply', '--yes', 'plan.json']);
    expect(applied.code).toBe(EXIT.ok);
  }, 30_000);
});

describe('stopping', () => {
  it('Ctrl-C lets calls in flight finish, journals, exits 130; --resume finishes with no call twice', async () => {
    fleet = await startFleet({ sites: 1, certificates: 100 }, { latencyMs: 20 });
    const f = fleet;
    await savePlan(f);
    // Ctrl-C once the emulator has seen ten revoke calls.
    let watching = false;
    const stopped = await cli(f.ws.dir, ['apply', '--yes', '--concurrency', '2', 'plan.json'], {
      onStderr: (text, interrupt) => {
        if (watching || !/^run \d{8}T/m.test(text)) return;
        watching = true;
        const poll = async () => {
          if (revokeCalls((await f.stats()).requests) >= 10) interrupt();
          else setTimeout(poll, 5);
        };
        void poll();
      },
    });
    expect(stopped.code).toBe(EXIT.interrupted);
    expect(stopped.stdout).toMatch(
      /^Apply interrupted: .* Resume with: rescind apply --resume \d{8}T\d{6}Z-[0-9a-f]{6}$/m,
    );
    const before = revokeCalls((await f.stats()).requests);
    expect(before).toBeLessThan(100);
    const resumed = await cli(f.ws.dir, ['apply', '--yes', '--resume', 'plan.json']);
    expect(resumed.code).toBe(EXIT.ok);
    expect(revokeCalls((await f.stats()).requests)).toBe(100);
    expect(activeIn(await f.state()).size).toBe(0);
  }, 30_000);
});

describe('a saved plan that rescind did not write', () => {
  it('is refused when a target names another credential than its address, or an account the config lacks', async () => {
    fleet = await startFleet({ keys: 1, grants: 3 });
    const f = fleet;
    await savePlan(f);
    const path = join(f.ws.dir, 'plan.json');
    const plan = JSON.parse(readFileSync(path, 'utf8')) as SavedPlan;
    // The reviewer saw grant 0; the fields now say grant 2. The digest is made again, as anyone can.
    const swapped = structuredClone(plan);
    const first = swapped.targets[0];
    if (first === undefined) throw new Error('no target');
    first.target = { ...first.target, grantId: grantId(0, 2) };
    swapped.digest = digestOf(swapped);
    writeFileSync(path, JSON.stringify(swapped));
    const refused = await cli(f.ws.dir, ['apply', '--yes', 'plan.json']);
    expect(refused.code).toBe(EXIT.error);
    expect(refused.stderr).toContain(
      `plan.json: error plan.inconsistent: ${first.address}: the target's fields name `,
    );
    // An account the config does not define is an error, not a crash.
    const elsewhere = structuredClone(plan);
    for (const t of elsewhere.targets) t.account = 'hw-other';
    elsewhere.digest = digestOf(elsewhere);
    writeFileSync(path, JSON.stringify(elsewhere));
    const unknown = await cli(f.ws.dir, ['apply', '--yes', 'plan.json']);
    expect(unknown.code).toBe(EXIT.error);
    expect(unknown.stderr).toMatch(
      /^plan\.json: error plan\.unknown-account: .*account "hw-other" is not defined in rescind\.config\.yaml$/m,
    );
    expect(revokeCalls((await f.stats()).requests)).toBe(0);
  });
});

describe('consent', () => {
  it('without a terminal and without --yes, nothing is revoked', async () => {
    fleet = await startFleet({ keys: 1, grants: 2 });
    const f = fleet;
    await savePlan(f);
    const refused = await cli(f.ws.dir, ['apply', 'plan.json']);
    expect(refused.code).toBe(EXIT.error);
    expect(refused.stderr).toContain('error apply.confirm: not on a terminal');
    const declined = await cli(f.ws.dir, ['apply', 'plan.json'], { answer: 'no' });
    expect(declined.code).toBe(EXIT.error);
    expect(declined.stderr).toContain('Apply cancelled; nothing was revoked.');
    expect(revokeCalls((await f.stats()).requests)).toBe(0);
    const accepted = await cli(f.ws.dir, ['apply', 'plan.json'], { answer: 'yes' });
    expect(accepted.code).toBe(EXIT.ok);
    expect(revokeCalls((await f.stats()).requests)).toBe(2);
  });

  it('a plan file is planned and shown first; a policy deny blocks the whole apply with zero calls', async () => {
    fleet = await startFleet({ keys: 1, grants: 2 });
    const f = fleet;
    writeFileSync(
      join(f.ws.dir, 'deny.yaml'),
      'apiVersion: rescind/v1\nkind: Policy\nmetadata: {name: house}\nspec:\n  rules:\n    - {name: no-kms, effect: deny, match: {types: [huaweicloud.kms.grant]}}\n',
    );
    const blocked = await cli(f.ws.dir, ['apply', '--yes', '--policy', 'deny.yaml', 'plan.yaml']);
    expect(blocked.code).toBe(EXIT.blocked);
    expect(blocked.stdout).toMatch(/^Plan: 0 to revoke, 0 already revoked, 0 not observable, 2 blocked\.$/m);
    expect(blocked.stderr).toContain('deny house/no-kms [deny.yaml]');
    expect(revokeCalls((await f.stats()).requests)).toBe(0);
    const applied = await cli(f.ws.dir, ['apply', '--yes', 'plan.yaml']);
    expect(applied.code).toBe(EXIT.ok);
    expect(applied.stdout).toMatch(/^Plan: 2 to revoke, /m);
    expect(applied.stdout).toMatch(/^Apply complete: 2 verified, /m);
    expect(keyId(0)).toBeDefined();
  });
});
