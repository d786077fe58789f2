// The rules `validate` checks each kind of rescind file by, beyond its schema: a plan's
// against the config's accounts, a config's policy paths, a policy's patterns, a seed's
// ids. checkDocument runs them on one parsed document.

import { configRules } from '../config/config.js';
import type { YamlSource } from '../document/load.js';
import { type CheckedDocument, checkSource, type RuleBook } from '../document/pipeline.js';
import { seedRules } from '../emulator/seed.js';
import { type PlanCheckContext, planRules } from '../plan/check.js';
import { savedPlanRules } from '../plan/saved.js';
import { policyRules } from '../policy/policy.js';
import type { DocumentKind } from '../schema/schemas.js';

/** CheckContext is what a document is checked against besides itself. */
export interface CheckContext extends PlanCheckContext {
  /** policyExists tells whether a config's policy path (relative to the config file) exists. */
  policyExists?: (relative: string) => boolean;
}

/** ruleBook is the rules of every kind, in ctx. Plan rules run on invalid plans too, to report all at once. */
export function ruleBook(ctx: CheckContext = {}): RuleBook {
  return {
    RevocationPlan: planRules(ctx),
    Config: configRules(ctx.policyExists ?? (() => true), { lookups: true }),
    Policy: policyRules,
    SavedPlan: savedPlanRules,
    ...seedRules,
  };
}

/** checkDocument checks a parsed document as `validate` does; expected restricts it to one kind. */
export function checkDocument(
  source: YamlSource,
  ctx: CheckContext = {},
  expected?: DocumentKind,
): CheckedDocument {
  return checkSource(source, {
    ...(expected === undefined ? {} : { kinds: [expected] }),
    rules: ruleBook(ctx),
  });
}
