// Policy evaluation over the targets a plan would call on: every field of `match`, a blast radius,
// what `require` asks of the plan and of each revocation, and the built-in rules that no policy
// file can turn off.

import { describe, expect, it } from 'vitest';
import type { CallerIdentity } from '../../src/plan/model.js';
import { evaluatePolicies, type PlanFacts, type PolicyTarget } from '../../src/policy/evaluate.js';
import type { PolicyRule } from '../../src/policy/policy.js';

const kms = (n: number, extra: Partial<PolicyTarget> = {}): PolicyTarget => ({
  address: `hw/kms/k/grant/${n}`,
  type: 'huaweicloud.kms.grant',
  account: 'hw',
  ids: [`grant-${n}`],
  with: {},
  principals: [`grantee-${n}`],
  ...extra,
});
const ca: PolicyTarget = {
  address: 'hw/ccm/ca/1',
  type: 'huaweicloud.ccm.subordinate-ca',
  account: 'hw',
  ids: ['ca'],
  with: {},
  principals: [],
};
const ack: PolicyTarget = {
  address: 'ali/ack/c/user/42',
  type: 'alibabacloud.ack.user-permissions',
  account: 'ali',
  ids: ['ack'],
  with: { force: true },
  principals: ['42'],
};
const facts: PlanFacts = { reason: 'offboarding', ticket: 'SEC-1', labels: { trigger: 'offboarding' } };
const callers = new Map<string, CallerIdentity | undefined>([
  ['hw', { ids: ['caller-hw'], roots: ['domain-hw'] }],
  ['hw-dev', { ids: ['caller-hw-dev'], roots: ['domain-hw'] }],
  ['ali', { ids: ['caller-ali'], roots: ['root-ali'] }],
]);

// The targets each rule fires for, as [rule, effect, message, targets].
function run(rules: PolicyRule[], targets: PolicyTarget[], plan: PlanFacts = facts) {
  return evaluatePolicies(targets, plan, [{ file: 'p.yaml', policy: policyOf(rules) }], callers).map((r) => [
    r.rule,
    r.effect,
    r.message,
    r.targets,
  ]);
}
function policyOf(rules: PolicyRule[]) {
  return { apiVersion: 'rescind/v1', kind: 'Policy', metadata: { name: 'p' }, spec: { rules } } as const;
}

describe('match', () => {
  const targets = [kms(1), kms(2, { account: 'hw-dev', ids: ['grant-2', 'sweep'] }), ca, ack];
  it.each<[string, PolicyRule['match'], string[]]>([
    ['types', { types: ['huaweicloud.kms.grant'] }, ['hw/kms/k/grant/1', 'hw/kms/k/grant/2']],
    ['accounts', { accounts: ['hw-dev'] }, ['hw/kms/k/grant/2']],
    [
      'ids, any of the revocations that reach it',
      { ids: ['sweep', 'ca'] },
      ['hw/kms/k/grant/2', 'hw/ccm/ca/1'],
    ],
    ['principals', { principals: ['42', 'grantee-1'] }, ['hw/kms/k/grant/1', 'ali/ack/c/user/42']],
    ['labels of the plan', { labels: { trigger: 'offboarding' } }, targets.map((t) => t.address)],
    ['every field at once', { types: ['huaweicloud.kms.grant'], accounts: ['hw'] }, ['hw/kms/k/grant/1']],
  ])('%s', (_, match, expected) => {
    const rules: PolicyRule[] = [{ name: 'r', effect: 'warn', message: 'm', ...(match ? { match } : {}) }];
    expect(run(rules, targets)).toEqual([['r', 'warn', 'm', expected]]);
  });

  it('a rule that matches nothing, or a label the plan lacks, does not fire', () => {
    expect(
      run(
        [{ name: 'r', effect: 'deny', match: { types: ['alibabacloud.esa.client-certificate'] } }],
        targets,
      ),
    ).toEqual([]);
    expect(run([{ name: 'r', effect: 'deny', match: { labels: { trigger: 'incident' } } }], targets)).toEqual(
      [],
    );
  });

  it('without a message, says how many targets match', () => {
    expect(
      run([{ name: 'r', effect: 'warn', match: { types: ['huaweicloud.kms.grant'] } }], targets),
    ).toEqual([['r', 'warn', '2 targets match', ['hw/kms/k/grant/1', 'hw/kms/k/grant/2']]]);
  });
});

describe('maxTargets', () => {
  const many = Array.from({ length: 5 }, (_, i) => kms(i));
  it('fires for every matching target when more than maxTargets match, and not at the limit', () => {
    expect(run([{ name: 'radius', effect: 'deny', maxTargets: 4 }], many)).toEqual([
      ['radius', 'deny', '5 targets match, more than the 4 allowed', many.map((t) => t.address)],
    ]);
    expect(run([{ name: 'radius', effect: 'deny', maxTargets: 5 }], many)).toEqual([]);
  });
  it('counts only the targets its match selects', () => {
    const rule: PolicyRule = {
      name: 'radius',
      effect: 'deny',
      maxTargets: 1,
      match: { types: ['huaweicloud.ccm.subordinate-ca'] },
    };
    expect(run([rule], [...many, ca])).toEqual([]);
  });
});

describe('require', () => {
  it('a ticket, owner or reason the plan lacks or that does not match blocks every matching target', () => {
    const rule: PolicyRule = {
      name: 'paper',
      effect: 'deny',
      require: { ticket: '^SEC-[0-9]+$', owner: '@example\\.com$' },
    };
    expect(run([rule], [kms(1), ca])).toEqual([
      [
        'paper',
        'deny',
        'the plan lacks an owner matching @example\\.com$',
        ['hw/kms/k/grant/1', 'hw/ccm/ca/1'],
      ],
    ]);
    expect(run([rule], [kms(1)], { ...facts, ticket: 'INC-1', owner: 'sec@example.com' })).toEqual([
      ['paper', 'deny', 'the plan lacks a ticket matching ^SEC-[0-9]+$', ['hw/kms/k/grant/1']],
    ]);
    expect(run([rule], [kms(1)], { ...facts, owner: 'sec@example.com' })).toEqual([]);
    expect(run([{ name: 'why', effect: 'warn', require: { reason: 'leak|offboard' } }], [kms(1)])).toEqual(
      [],
    );
  });

  it('an option a revocation lacks blocks only its targets', () => {
    const rule: PolicyRule = {
      name: 'ca-reason',
      effect: 'deny',
      match: { types: ['huaweicloud.ccm.subordinate-ca'] },
      require: { with: ['reason'] },
    };
    const withReason = { ...ca, address: 'hw/ccm/ca/2', with: { reason: 'KEY_COMPROMISE' } };
    expect(run([rule], [ca, withReason, kms(1)])).toEqual([
      ['ca-reason', 'deny', 'the plan lacks with.reason', ['hw/ccm/ca/1']],
    ]);
  });
});

describe('built-in rules', () => {
  it('deny the identity the run authenticates as, and the account root, whatever the files say', () => {
    const self = { ...ack, address: 'ali/ack/c/user/caller-ali', principals: ['caller-ali'] };
    const root = kms(9, { principals: ['domain-hw'] });
    const results = evaluatePolicies([kms(1), self, root], facts, [], callers);
    expect(results.map((r) => [r.source, r.policy, r.rule, r.effect, r.targets])).toEqual([
      ['builtin', 'builtin', 'never-revoke-self', 'deny', ['ali/ack/c/user/caller-ali']],
      ['builtin', 'builtin', 'never-revoke-root', 'deny', ['hw/kms/k/grant/9']],
    ]);
  });

  it('deny a role or agency session, and the principal it was assumed with, but not its account', () => {
    const role = new Map<string, CallerIdentity | undefined>([
      [
        'ali',
        {
          ids: ['300000000000000001', '300000000000000001:rescind-ali'],
          roots: ['1000000000000001'],
          assumedFrom: { kind: 'user', ids: ['200000000000000001'] },
        },
      ],
    ]);
    const of = (uid: string) => ({ ...ack, address: `ali/ack/c/user/${uid}`, principals: [uid] });
    const results = evaluatePolicies(
      [of('300000000000000001'), of('200000000000000001'), of('276543210987654321')],
      facts,
      [],
      role,
    );
    expect(results.map((r) => [r.rule, r.targets])).toEqual([
      ['never-revoke-self', ['ali/ack/c/user/300000000000000001', 'ali/ack/c/user/200000000000000001']],
    ]);
  });

  it('deny every target that names a principal in an account whose caller is unknown', () => {
    const results = evaluatePolicies([kms(1), ca, ack], facts, [], new Map([['ali', callers.get('ali')]]));
    expect(results.map((r) => [r.rule, r.targets])).toEqual([['caller-unknown', ['hw/kms/k/grant/1']]]);
    expect(results[0]?.message).toMatch(/could not tell who account hw authenticates as/);
  });

  it("come after the files' rules, which keep their order", () => {
    const rules: PolicyRule[] = [
      { name: 'second', effect: 'warn', match: { types: ['huaweicloud.kms.grant'] } },
      { name: 'first', effect: 'warn' },
    ];
    const self = kms(3, { principals: ['caller-hw'] });
    expect(
      evaluatePolicies([self], facts, [{ file: 'p.yaml', policy: policyOf(rules) }], callers).map(
        (r) => r.rule,
      ),
    ).toEqual(['second', 'first', 'never-revoke-self']);
  });
});
