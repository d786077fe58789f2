// The planner's assembly alone: what the reads found in, the plan and its findings out; pure, no I/O.
// And the planner whole over a scripted type (reads counted, a failed read failing the plan closed).

import { describe, expect, it } from 'vitest';
import { assemblePlan } from '../../src/engine/assemble.js';
import type { LiveState } from '../../src/engine/plan-read.js';
import { makePlan } from '../../src/engine/planner.js';
import type { Observation } from '../../src/plan/model.js';
import { digestOf } from '../../src/plan/model.js';
import type { RevocationPlan } from '../../src/plan/revocation-plan.js';
import type { LoadedPolicy } from '../../src/policy/evaluate.js';
import { scriptedAccount, scriptedType } from '../helpers/scripted.js';

const { types } = scriptedType({ credentials: new Map() });

// A plan of revocations of the scripted type: each a target `{id}` or a selector.
function planOf(revocations: { id: string; target?: string; select?: boolean }[]): RevocationPlan {
  return {
    apiVersion: 'rescind/v1',
    kind: 'RevocationPlan',
    metadata: { name: 'p', reason: 'why', ticket: 'SEC-1' },
    spec: {
      revocations: revocations.map((r) => ({
        id: r.id,
        type: 'huaweicloud.kms.grant',
        account: 'acct',
        ...(r.target === undefined ? {} : { target: { id: r.target } }),
        ...(r.select === true ? { select: { all: true } } : {}),
      })),
    },
  } as RevocationPlan;
}

const seen = (state: Observation['state'], holder = 'u'): Observation =>
  state === 'absent' || state === 'unknown' ? { state } : { state, record: { id: 'x', holder } };

function live(parts: Partial<LiveState>): LiveState {
  return {
    reached: [],
    matched: new Map(),
    callers: new Map([['acct', { ids: ['me'], roots: ['root'] }]]),
    failed: [],
    unidentified: new Map(),
    ...parts,
  };
}

const assembleInput = (plan: RevocationPlan, state: LiveState, policies: LoadedPolicy[] = []) => ({
  plan,
  inputs: [{ role: 'plan' as const, file: 'p.yaml', sha256: 'a'.repeat(64) }],
  policies,
  bindings: { acct: { cloud: 'huaweicloud' as const, region: 'ap-southeast-1', endpoints: {} } },
  live: state,
  createdAt: '2026-12-01T00:00:00.000Z',
  types,
});
const assemble = (plan: RevocationPlan, state: LiveState, policies: LoadedPolicy[] = []) =>
  assemblePlan(assembleInput(plan, state, policies));

describe('assemblePlan', () => {
  it('each state to its action; each target once, in plan order, under every revocation that reaches it', () => {
    const plan = planOf([
      { id: 'one', target: 'a' },
      { id: 'two', target: 'b' },
      { id: 'three', select: true },
      { id: 'four', target: 'c' },
    ]);
    const { plan: made, findings } = assemble(
      plan,
      live({
        reached: [
          { index: 3, target: { id: 'c' }, observation: seen('unknown'), fromSelector: false },
          { index: 0, target: { id: 'a' }, observation: seen('active'), fromSelector: false },
          { index: 1, target: { id: 'b' }, observation: seen('revoked'), fromSelector: false },
          { index: 2, target: { id: 'a' }, observation: seen('active'), fromSelector: true },
          { index: 2, target: { id: 'd' }, observation: seen('absent'), fromSelector: true },
        ],
        matched: new Map([[2, 2]]),
      }),
    );
    expect(findings).toEqual([]);
    expect(made?.targets.map((t) => [t.address, t.action, t.ids])).toEqual([
      ['acct/scripted/a', 'revoke', ['one', 'three']],
      ['acct/scripted/b', 'already-revoked', ['two']],
      ['acct/scripted/d', 'already-revoked', ['three']],
      ['acct/scripted/c', 'not-observable', ['four']],
    ]);
    expect(made?.summary).toEqual({ revoke: 1, alreadyRevoked: 2, notObservable: 1, blocked: 0, missing: 0 });
    expect(made?.selectors).toMatchObject([{ id: 'three', matched: 2 }]);
    expect(made?.accounts.acct?.caller).toEqual({ ids: ['me'], roots: ['root'] });
    expect(made === undefined ? '' : digestOf(made)).toBe(made?.digest);
  });

  it("leaves the digest empty when told the plan will not be sealed (apply's own fresh plan)", () => {
    const plan = planOf([{ id: 'one', target: 'a' }]);
    const state = live({
      reached: [{ index: 0, target: { id: 'a' }, observation: seen('active'), fromSelector: false }],
    });
    const sealed = assemble(plan, state).plan;
    const unsealed = assemblePlan({ ...assembleInput(plan, state), sealed: false }).plan;
    expect(sealed?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(unsealed?.digest).toBe('');
    expect({ ...unsealed, digest: sealed?.digest }).toEqual(sealed);
  });

  it('a read that failed leaves no plan: a finding at the revocation, said once for a shared list', () => {
    const d = { severity: 'error' as const, code: 'cloud.error' as const, message: 'list failed: HTTP 503' };
    const { plan, findings } = assemble(
      planOf([
        { id: 'one', target: 'a' },
        { id: 'two', target: 'b' },
      ]),
      live({
        failed: [
          { index: 1, diagnostics: [d] },
          { index: 0, diagnostics: [d] },
        ],
      }),
    );
    expect(plan).toBeUndefined();
    expect(findings).toEqual([{ ...d, path: ['spec', 'revocations', 0], in: 'plan' }]);
  });

  it('an unknown caller refuses a plan whose target names a principal, at the account in the config', () => {
    const why = { severity: 'error' as const, code: 'cloud.error' as const, message: 'who am I: HTTP 403' };
    const { plan, findings } = assemble(
      planOf([{ id: 'one', target: 'a' }]),
      live({
        reached: [{ index: 0, target: { id: 'a' }, observation: seen('active'), fromSelector: false }],
        callers: new Map(),
        unidentified: new Map([['acct', [why]]]),
      }),
    );
    expect(plan).toBeUndefined();
    expect(findings).toEqual([{ ...why, path: ['accounts', 'acct'], in: 'config' }]);
  });

  it('a missing target is a finding at its target; a deny blocks what it names; the caller is never revoked', () => {
    const policy: LoadedPolicy = {
      file: 'policy.yaml',
      policy: {
        apiVersion: 'rescind/v1',
        kind: 'Policy',
        metadata: { name: 'house' },
        spec: { rules: [{ name: 'no-b', effect: 'deny', match: { ids: ['two'] } }] },
      } as LoadedPolicy['policy'],
    };
    const { plan, findings } = assemble(
      planOf([
        { id: 'one', target: 'a' },
        { id: 'two', target: 'b' },
        { id: 'three', target: 'c' },
        { id: 'four', target: 'me' },
      ]),
      live({
        reached: [
          { index: 0, target: { id: 'a' }, observation: seen('absent'), fromSelector: false },
          { index: 1, target: { id: 'b' }, observation: seen('active'), fromSelector: false },
          { index: 2, target: { id: 'c' }, observation: seen('active'), fromSelector: false },
          { index: 3, target: { id: 'me' }, observation: seen('active', 'me'), fromSelector: false },
        ],
      }),
      [policy],
    );
    // Absent is done for this type (absent: revoked): no finding.
    expect(findings).toEqual([]);
    expect(plan?.targets.map((t) => [t.address.split('/').pop(), t.action])).toEqual([
      ['a', 'already-revoked'],
      ['b', 'blocked'],
      ['c', 'revoke'],
      ['me', 'blocked'],
    ]);
    expect(plan?.policies.map((p) => `${p.policy}/${p.rule}`)).toEqual([
      'house/no-b',
      'builtin/never-revoke-self',
    ]);
  });
});

describe('makePlan over a scripted type', () => {
  it('reads each target once, and who the account is, and makes the plan', async () => {
    const scripted = scriptedType({
      credentials: new Map([
        ['a', { state: 'active', record: { id: 'a', holder: 'u' } }],
        ['b', { state: 'revoked', record: { id: 'b', holder: 'u' } }],
      ]),
    });
    const made = await makePlan(
      {
        plan: planOf([
          { id: 'one', target: 'a' },
          { id: 'two', target: 'b' },
        ]),
        inputs: [],
        policies: [],
        accounts: new Map([['acct', scriptedAccount]]),
      },
      { types: scripted.types, now: () => new Date('2026-12-01T00:00:00Z') },
    );
    expect(made.findings).toEqual([]);
    expect(made.plan?.summary).toMatchObject({ revoke: 1, alreadyRevoked: 1 });
    expect(scripted.calls.read).toBe(2);
  });

  it('tells when every read has been sent: once, when the last queued read starts', async () => {
    const scripted = scriptedType({
      credentials: new Map(
        ['a', 'b', 'c'].map((id) => [id, { state: 'active', record: { id, holder: 'u' } }]),
      ),
    });
    const events: string[] = [];
    await makePlan(
      {
        plan: planOf([
          { id: 'one', target: 'a' },
          { id: 'two', target: 'b' },
          { id: 'three', target: 'c' },
        ]),
        inputs: [],
        policies: [],
        accounts: new Map([['acct', scriptedAccount]]),
      },
      {
        types: scripted.types,
        concurrency: 1,
        now: () => new Date('2026-12-01T00:00:00Z'),
        onProgress: (e) => events.push(e.kind === 'read' ? `read ${e.what}` : e.kind),
      },
    );
    // One read at a time: the identity read, queued first, then the targets; the last one's start is
    // when every read has been sent.
    expect(events).toEqual([
      'reads',
      'read identity',
      'read huaweicloud.kms.grant',
      'read huaweicloud.kms.grant',
      'sent',
      'read huaweicloud.kms.grant',
      'phase',
    ]);
  });
});
