// One loaded document -> its kind and every diagnostic: kind detection, the
// kind's JSON Schema, then the rules beyond the schema, located at the end.

import { checkConfig, type RescindConfig } from '../config/config.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error, type Finding, locateFindings } from '../diagnostics/finding.js';
import { suggest } from '../diagnostics/suggest.js';
import type { YamlSource } from '../document/load.js';
import { checkEmulatorState } from '../emulator/seed-rules.js';
import type { EmulatorState } from '../emulator/state.js';
import { checkPlan, type PlanCheckContext } from '../plan/check.js';
import { checkPolicy, type Policy } from '../policy/policy.js';
import { translateErrors } from '../schema/errors.js';
import { type DocumentKind, documentKinds, validateData } from '../schema/schemas.js';

/** CheckContext is what a document is checked against besides itself. */
export interface CheckContext extends PlanCheckContext {
  /** policyExists tells whether a config's policy path (relative to the config file) exists. */
  policyExists?: (relative: string) => boolean;
}

/** CheckedDocument is a document's kind (when it has a known one) and its diagnostics. */
export interface CheckedDocument {
  kind?: DocumentKind;
  /** valid is true when there is no error: data then has the type of its kind. */
  valid: boolean;
  diagnostics: Diagnostic[];
}

const KINDS = Object.keys(documentKinds) as DocumentKind[];

/** checkDocument validates a loaded document; expected restricts it to one kind. */
export function checkDocument(
  source: YamlSource,
  ctx: CheckContext = {},
  expected?: DocumentKind,
): CheckedDocument {
  const data = source.data;
  const detected = detectKind(data, expected);
  if ('finding' in detected) return { valid: false, diagnostics: locateFindings(source, [detected.finding]) };
  const { kind } = detected;
  const errors = validateData(kind, data);
  const findings: Finding[] =
    errors.length > 0 ? translateErrors(errors, { kind, data, scalarText: (p) => source.scalarText(p) }) : [];
  // Plan rules run on invalid plans too; config and policy rules need schema-valid data.
  if (kind === 'RevocationPlan') {
    findings.push(...checkPlan(data, ctx));
  } else if (errors.length > 0) {
    // Nothing more to check on data of the wrong shape.
  } else if (kind === 'Config') {
    findings.push(...checkConfig(data as RescindConfig, ctx.policyExists ?? (() => true)));
  } else if (kind === 'EmulatorState') {
    findings.push(...checkEmulatorState(data as EmulatorState));
  } else {
    findings.push(...checkPolicy(data as Policy));
  }
  const diagnostics = locateFindings(source, findings);
  return { kind, valid: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
}

function detectKind(data: unknown, expected?: DocumentKind): { kind: DocumentKind } | { finding: Finding } {
  const kinds = expected ? [expected] : KINDS;
  const names = kinds.join(', ').replace(/, ([^,]*)$/, ' or $1');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const holds = Array.isArray(data) ? 'a list' : data === null ? 'nothing' : 'a single value';
    return {
      finding: error(
        'schema.type',
        [],
        `a rescind file is a mapping with apiVersion and kind (${names}), but this one holds ${holds}`,
      ),
    };
  }
  const kind = (data as Record<string, unknown>).kind;
  if (kind === undefined) return { finding: error('schema.required', [], `the file needs "kind": ${names}`) };
  if (typeof kind !== 'string' || !(kinds as string[]).includes(kind)) {
    const near = typeof kind === 'string' ? suggest(kind, kinds) : undefined;
    const shown = typeof kind === 'string' ? JSON.stringify(kind) : 'this kind';
    const message = near
      ? `${shown} is not a kind of rescind file; did you mean ${JSON.stringify(near)}?`
      : `${shown} is not ${expected ? 'the expected' : 'a'} kind of rescind file; expected ${names}`;
    return { finding: error('document.kind', ['kind'], message) };
  }
  return { kind: kind as DocumentKind };
}
