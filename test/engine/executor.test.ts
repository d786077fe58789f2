// The executor alone, on a scripted revocation type: no emulator, no socket. Every outcome, drift,
// retries within the budget, resume, a group verified after its revokes, the hooks in the order a
// journal needs them, a hook that fails stopping the run before any call it did not journal.

import { describe, expect, it } from 'vitest';
import { executePlan } from '../../src/engine/executor.js';
import type { ApplyHooks } from '../../src/engine/hooks.js';
import { type PlannedTarget, type SavedPlan, sealed, summarize } from '../../src/plan/model.js';
import type { Prior } from '../../src/plan/run.js';
import {
  type Credential,
  plannedTarget,
  type Script,
  scriptedAccount,
  scriptedType,
} from '../helpers/scripted.js';

const credential = (id: string, state: Credential['state'] = 'active'): Credential => ({
  state,
  record: { id, holder: `user-${id}` },
});

function planOf(targets: PlannedTarget[]): SavedPlan {
  return sealed({
    apiVersion: 'rescind/v1',
    kind: 'SavedPlan',
    formatVersion: '2',
    rescindVersion: '0.0.0',
    createdAt: '2026-12-01T00:00:00.000Z',
    plan: { file: 'p.yaml', name: 'p', reason: 'test' },
    inputs: [],
    accounts: {},
    selectors: [],
    targets,
    policies: [],
    summary: summarize(targets),
  });
}

// Runs the executor over the script's credentials as planned (or over targets given), recording hooks.
async function run(
  script: Script,
  options: {
    targets?: PlannedTarget[];
    prior?: Map<string, Prior>;
    hooks?: ApplyHooks[];
    stop?: AbortSignal;
    concurrency?: number;
    guard?: Parameters<typeof executePlan>[0]['guard'];
    observed?: Parameters<typeof executePlan>[0]['observed'];
  } = {},
) {
  const planned =
    options.targets ?? [...script.credentials].map(([id, c]) => plannedTarget(id, structuredClone(c)));
  const { calls, types } = scriptedType(script);
  const told: string[] = [];
  const journal: ApplyHooks = {
    preRevoke: async (t, attempt) => void told.push(`intent ${t.target.id} ${attempt}`),
    postRevoke: async (t, attempt, a) => void told.push(`revoke ${t.target.id} ${attempt} ${a.outcome}`),
    postTarget: async (end) =>
      void told.push(
        `end ${end.result.address} ${end.result.outcome}${end.earlier === true ? ' earlier' : ''}`,
      ),
  };
  const result = await executePlan(
    {
      plan: planOf(planned),
      accounts: new Map([['acct', scriptedAccount]]),
      hooks: [journal, ...(options.hooks ?? [])],
      types,
      ...(options.prior === undefined ? {} : { prior: options.prior }),
      ...(options.guard === undefined ? {} : { guard: options.guard }),
      ...(options.observed === undefined ? {} : { observed: options.observed }),
    },
    {
      concurrency: options.concurrency ?? 4,
      sleep: async () => {},
      random: () => 0,
      ...(options.stop === undefined ? {} : { stop: options.stop }),
    },
  );
  const outcomes = Object.fromEntries(result.targets.map((t) => [t.address.split('/').pop(), t.outcome]));
  return { result, calls, told, outcomes };
}

describe('each target ends as what a read shows, and only after it is shown', () => {
  it.each([
    ['active, revoked, read revoked', credential('a'), { planned: 'active' }, 'verified', 1],
    [
      'revoked by someone else since the plan',
      credential('a', 'revoked'),
      { planned: 'active' },
      'already-revoked',
      0,
    ],
    ['absent since the plan', credential('a', 'absent'), { planned: 'active' }, 'absent-since-plan', 0],
    ['revoked when planned, active now', credential('a'), { planned: 'revoked' }, 'drift', 0],
    ['its record changed since the plan', credential('a'), { planned: 'changed' }, 'drift', 0],
  ] as const)('%s: %s', async (_, now, how, outcome, revokes) => {
    const script: Script = { credentials: new Map([['a', structuredClone(now)]]) };
    const was: Credential =
      how.planned === 'revoked'
        ? { ...credential('a'), state: 'revoked' }
        : how.planned === 'changed'
          ? { state: 'active', record: { id: 'a', holder: 'someone-else' } }
          : credential('a');
    // A target planned revoked is not acting: the plan is as a forger (or a race) left it, action revoke.
    const target = plannedTarget('a', was, how.planned === 'revoked' ? 'revoke' : undefined);
    const { result, calls } = await run(script, { targets: [target] });
    expect(result.targets[0]?.outcome).toBe(outcome);
    expect(calls.revoke).toBe(revokes);
  });

  it('a type no API reads is applied, not verified', async () => {
    const script: Script = { credentials: new Map([['a', credential('a')]]), observable: false };
    const target = {
      ...plannedTarget('a', undefined),
      action: 'not-observable' as const,
      before: { state: 'unknown' as const },
    };
    const { result, calls } = await run(script, { targets: [{ ...target, fingerprint: '' }] });
    expect(result.targets[0]?.outcome).toBe('applied-not-observable');
    expect([calls.revoke, calls.verify]).toEqual([1, 0]);
  });
});

describe('reads the session made moments ago (its fresh plan)', () => {
  it('stand for the first read: each target is revoked and verified with no read before', async () => {
    const script: Script = {
      credentials: new Map([
        ['a', credential('a')],
        ['b', credential('b')],
      ]),
    };
    const observed = new Map([
      ['acct/scripted/a', { state: 'active' as const, record: credential('a').record }],
    ]);
    const { result, calls } = await run(script, { observed });
    expect(result.targets.map((t) => t.outcome)).toEqual(['verified', 'verified']);
    // b is read before its revoke; a is not: its observation stands for the read. Both are verified.
    expect(calls.order.slice(0, 2)).toEqual(['read b', 'revoke a']);
    expect([calls.read, calls.verify]).toEqual([1, 2]);
  });

  it('are judged as a read is: a record changed since the plan is drift, with no call', async () => {
    const script: Script = { credentials: new Map([['a', credential('a')]]) };
    const changed = { state: 'active' as const, record: { id: 'a', holder: 'someone-else' } };
    const { result, calls } = await run(script, { observed: new Map([['acct/scripted/a', changed]]) });
    expect(result.targets[0]?.outcome).toBe('drift');
    expect([calls.read, calls.revoke]).toEqual([0, 0]);
  });
});

describe('retries within the budget', () => {
  it('a revoke that fails with a 5xx twice is tried again after reading: verified on the third call', async () => {
    const script: Script = {
      credentials: new Map([['a', credential('a')]]),
      revokeFailures: { count: 2, code: 'cloud.error' },
    };
    const { result, told } = await run(script);
    expect(result.targets[0]).toMatchObject({ outcome: 'verified', revokes: 3 });
    expect(told.filter((t) => t.startsWith('intent'))).toEqual(['intent a 1', 'intent a 2', 'intent a 3']);
  });

  it('three failed revoke calls spend the budget: failed, with the cloud failure', async () => {
    const script: Script = {
      credentials: new Map([['a', credential('a')]]),
      revokeFailures: { count: 5, code: 'cloud.throttled', message: 'throttled: HTTP 429' },
    };
    const { result, calls } = await run(script);
    expect(result.targets[0]).toMatchObject({ outcome: 'failed', revokes: 3 });
    expect(result.targets[0]?.diagnostics[0]?.code).toBe('cloud.throttled');
    expect(calls.revoke).toBe(3);
  });

  it('a failure not worth trying again (a 4xx) fails the target at once', async () => {
    const script: Script = {
      credentials: new Map([['a', credential('a')]]),
      revokeFailures: { count: 1, code: 'cloud.error', message: 'no permission: HTTP 403' },
    };
    const { result, calls } = await run(script);
    expect(result.targets[0]).toMatchObject({ outcome: 'failed', revokes: 1 });
    expect(calls.revoke).toBe(1);
  });

  it('a revoke that answers but never takes is failed, not verified, after the budget', async () => {
    const script: Script = { credentials: new Map([['a', credential('a')]]), sticky: new Set(['a']) };
    const { result, calls } = await run(script);
    expect(result.targets[0]?.outcome).toBe('failed');
    expect(result.targets[0]?.diagnostics[0]?.code).toBe('apply.not-verified');
    expect(calls.revoke).toBe(3);
  });

  it('reads that fail are read again; three failed reads fail the target with no revoke', async () => {
    const again = await run({
      credentials: new Map([['a', credential('a')]]),
      readFailures: { count: 2, code: 'cloud.unreachable' },
    });
    expect(again.result.targets[0]?.outcome).toBe('verified');
    const never = await run({
      credentials: new Map([['a', credential('a')]]),
      readFailures: { count: 3, code: 'cloud.unreachable' },
    });
    expect(never.result.targets[0]?.outcome).toBe('failed');
    expect(never.calls.revoke).toBe(0);
  });
});

describe('resume', () => {
  it('a target done in an earlier attempt is not touched; one whose call was sent is proven by a read', async () => {
    const script: Script = {
      credentials: new Map([
        ['done', credential('done', 'revoked')],
        ['sent', credential('sent', 'revoked')],
        ['left', credential('left')],
      ]),
    };
    const targets = ['done', 'sent', 'left'].map((id) => plannedTarget(id, credential(id)));
    const prior = new Map<string, Prior>([
      ['acct/scripted/done', { outcome: 'verified', intents: 1, requestId: 'r1' }],
      ['acct/scripted/sent', { intents: 1 }],
    ]);
    const { outcomes, calls, told } = await run(script, { targets, prior });
    expect(outcomes).toEqual({ done: 'verified', sent: 'verified', left: 'verified' });
    expect(calls.revoke).toBe(1);
    expect(told).toContain('end acct/scripted/done verified earlier');
  });
});

describe('the hooks', () => {
  it('are told in the order a journal needs: the intent before the call, its answer after, then the end', async () => {
    const { told, calls } = await run({ credentials: new Map([['a', credential('a')]]) });
    expect(told).toEqual(['intent a 1', 'revoke a 1 revoked', 'end acct/scripted/a verified']);
    expect(calls.order.indexOf('revoke a')).toBeGreaterThan(-1);
  });

  it('an intent that cannot be journaled stops the run: that call and every later one are never made', async () => {
    const credentials = new Map(['a', 'b', 'c', 'd'].map((id) => [id, credential(id)]));
    const full: ApplyHooks = {
      preRevoke: async () => {
        throw new Error('ENOSPC');
      },
    };
    const { result, calls } = await run({ credentials }, { hooks: [full], concurrency: 1 });
    expect(result.hookError?.message).toBe('ENOSPC');
    expect(result.stopped).toBe(true);
    expect(calls.revoke).toBe(0);
    expect(result.targets.every((t) => t.outcome === 'not-started')).toBe(true);
  });
});

describe('scheduling', () => {
  it('a stop before the run leaves every target not started, with no call', async () => {
    const stop = new AbortController();
    stop.abort();
    const { result, calls } = await run(
      { credentials: new Map([['a', credential('a')]]) },
      { stop: stop.signal },
    );
    expect(result.targets[0]?.outcome).toBe('not-started');
    expect(calls.revoke + calls.read + calls.verify).toBe(0);
  });

  it('targets that share a list are verified after every revoke of the group', async () => {
    const credentials = new Map(['a', 'b', 'c'].map((id) => [id, credential(id)]));
    const { outcomes, calls } = await run({ credentials, shared: true }, { concurrency: 1 });
    expect(outcomes).toEqual({ a: 'verified', b: 'verified', c: 'verified' });
    const lastRevoke = calls.order.lastIndexOf('revoke c');
    const firstVerify = calls.order.findIndex(
      (c, i) => i > calls.order.indexOf('revoke a') && c.startsWith('read a'),
    );
    expect(firstVerify).toBeGreaterThan(lastRevoke);
  });

  it('the guard refuses a revoke call on what the target reads now', async () => {
    const { result, calls } = await run(
      { credentials: new Map([['a', credential('a')]]) },
      {
        guard: (t, now) =>
          (now.record as Credential['record'] | undefined)?.holder === 'user-a'
            ? {
                severity: 'error',
                code: 'apply.denied',
                message: `${t.address}: the caller`,
                address: t.address,
              }
            : undefined,
      },
    );
    expect(result.targets[0]).toMatchObject({ outcome: 'failed', diagnostics: [{ code: 'apply.denied' }] });
    expect(calls.revoke).toBe(0);
  });
});
