// A Finding is a diagnostic that knows its JSON path but not yet its place in a
// file; checks produce findings, and src/document turns them into diagnostics.

import type { DiagnosticCode } from './codes.js';
import type { Diagnostic, JsonPath, Severity } from './diagnostic.js';

/** Finding is a problem at a JSON path of one document; target says whether to point at the key or value. */
export interface Finding {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  path: JsonPath;
  target?: 'key' | 'value';
  detail?: string;
}

/** Locator turns a path into a range: a YamlSource does it. */
export interface Locator {
  locate(path: JsonPath, target?: 'key' | 'value'): Diagnostic['range'];
}

/** locateFindings turns findings into located diagnostics. */
export function locateFindings(locator: Locator, findings: readonly Finding[]): Diagnostic[] {
  return findings.map((f) => {
    const range = locator.locate(f.path, f.target ?? 'value');
    return {
      severity: f.severity,
      code: f.code,
      message: f.message,
      path: f.path,
      ...(range ? { range } : {}),
      ...(f.detail !== undefined ? { detail: f.detail } : {}),
    };
  });
}

/** error is a shorthand for an error finding. */
export function error(
  code: DiagnosticCode,
  path: JsonPath,
  message: string,
  target?: 'key' | 'value',
): Finding {
  return { severity: 'error', code, path, message, ...(target ? { target } : {}) };
}
