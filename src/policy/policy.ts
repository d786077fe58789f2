// Guardrail policy files (kind Policy), typed after schemas/policy.schema.json,
// and the checks beyond that schema. evaluate.ts runs them over a resolved plan.

import { error, type Finding } from '../diagnostics/finding.js';
import type { KindRules } from '../document/pipeline.js';
import type { TypeName } from '../vocabulary.js';

/** PolicyMatch selects the targets a rule looks at; every given field must match. */
export interface PolicyMatch {
  types?: TypeName[];
  accounts?: string[];
  ids?: string[];
  principals?: string[];
  labels?: Record<string, string>;
}

/** PolicyRule is one rule: deny or warn when its condition holds for the targets it matches. */
export interface PolicyRule {
  name: string;
  effect: 'deny' | 'warn';
  message?: string;
  match?: PolicyMatch;
  maxTargets?: number;
  require?: { ticket?: string; owner?: string; reason?: string; with?: string[] };
}

/** Policy is a whole policy file. */
export interface Policy {
  apiVersion: 'rescind/v1';
  kind: 'Policy';
  metadata: { name: string; description?: string };
  spec: { rules: PolicyRule[] };
}

/** policyRules are the Policy rules for the document pipeline. */
export const policyRules: KindRules = { check: (data) => checkPolicy(data as Policy) };

/** checkPolicy returns the findings beyond the schema: regular expressions that do not compile. */
export function checkPolicy(policy: Policy): Finding[] {
  const findings: Finding[] = [];
  policy.spec.rules.forEach((rule, i) => {
    for (const field of ['ticket', 'owner', 'reason'] as const) {
      const pattern = rule.require?.[field];
      if (pattern === undefined) continue;
      try {
        new RegExp(pattern, 'u');
      } catch (e) {
        const why =
          e instanceof SyntaxError ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
        findings.push(
          error(
            'policy.invalid-pattern',
            ['spec', 'rules', i, 'require', field],
            `require.${field} is not a valid regular expression: ${why}`,
          ),
        );
      }
    }
  });
  return findings;
}
