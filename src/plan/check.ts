// Plan rules that a schema cannot express: unique revocation ids, and accounts
// that exist in the config and belong to the type's cloud. Pure: data in, findings out.

import type { Account } from '../config/config.js';
import { error, type Finding } from '../diagnostics/finding.js';
import { suggest } from '../diagnostics/suggest.js';
import type { KindRules } from '../document/pipeline.js';
import { cloudOfType, isTypeName } from '../vocabulary.js';
import type { Revocation } from './revocation-plan.js';

/** PlanCheckContext is the config the plan is checked against, when one is known. */
export interface PlanCheckContext {
  config?: { file: string; accounts: Readonly<Record<string, Account>> };
}

/** planRules are the RevocationPlan rules for the document pipeline; they run on invalid plans too. */
export function planRules(ctx: PlanCheckContext = {}): KindRules {
  return { onInvalid: true, check: (data) => checkPlan(data, ctx) };
}

/**
 * checkPlan returns the findings of the rules beyond the schema. It runs on plans
 * that failed the schema too, skipping what is not there, so that one pass reports
 * every problem.
 */
export function checkPlan(plan: unknown, ctx: PlanCheckContext = {}): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  revocationsOf(plan).forEach((r, i) => {
    const at = ['spec', 'revocations', i];
    if (r === undefined) return;
    if (seen.has(r.id)) {
      findings.push(
        error(
          'plan.duplicate-id',
          [...at, 'id'],
          `revocation id ${JSON.stringify(r.id)} is used more than once; ids are unique in a plan`,
        ),
      );
    }
    seen.add(r.id);
    const config = ctx.config;
    if (config === undefined) return;
    const account = Object.hasOwn(config.accounts, r.account) ? config.accounts[r.account] : undefined;
    if (account === undefined) {
      const near = suggest(r.account, Object.keys(config.accounts));
      const hint = near !== undefined ? `; did you mean ${JSON.stringify(near)}?` : '';
      findings.push(
        error(
          'plan.unknown-account',
          [...at, 'account'],
          `account ${JSON.stringify(r.account)} is not defined in ${config.file}${hint}`,
        ),
      );
    } else if (isTypeName(r.type) && account.cloud !== cloudOfType(r.type)) {
      findings.push(
        error(
          'plan.account-cloud',
          [...at, 'account'],
          `${r.type} revokes in ${cloudOfType(r.type)}, but account ${JSON.stringify(r.account)} is ${/^[aeiou]/.test(account.cloud) ? 'an' : 'a'} ${account.cloud} account`,
        ),
      );
    }
  });
  return findings;
}

// The revocations of a plan that may have failed its schema: undefined where an entry lacks id or account.
function revocationsOf(
  plan: unknown,
): ((Pick<Revocation, 'id' | 'account'> & { type: unknown }) | undefined)[] {
  const spec = field(plan, 'spec');
  const list = field(spec, 'revocations');
  if (!Array.isArray(list)) return [];
  return list.map((r: unknown) => {
    const id = field(r, 'id');
    const account = field(r, 'account');
    return typeof id === 'string' && typeof account === 'string'
      ? { id, account, type: field(r, 'type') }
      : undefined;
  });
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
