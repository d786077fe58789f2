// The JSON a command run with --format json prints when it cannot make its result
// (schemas/error-report.schema.json): the command, its exit status and every diagnostic, in the shape
// that `validate --format json` gives them.

import { type Diagnostic, jsonText, sortDiagnostics } from '../../diagnostics/diagnostic.js';
import { type DiagnosticJson, toDiagnosticJson } from './json.js';

/** ERROR_REPORT_FORMAT_VERSION is bumped on any incompatible change of the report's JSON. */
export const ERROR_REPORT_FORMAT_VERSION = '1';

/** ErrorReport is the JSON of a command that failed before its result. */
export interface ErrorReport {
  apiVersion: 'rescind/v1';
  kind: 'ErrorReport';
  formatVersion: string;
  /** command is the command that failed; null when the command line named none. */
  command: string | null;
  exitCode: number;
  errorCount: number;
  warningCount: number;
  diagnostics: DiagnosticJson[];
}

/** renderErrorJson is the error report of command, ending with exitCode, as JSON with a final newline. */
export function renderErrorJson(
  command: string | null,
  exitCode: number,
  diagnostics: readonly Diagnostic[],
): string {
  const sorted = sortDiagnostics(diagnostics);
  const doc: ErrorReport = {
    apiVersion: 'rescind/v1',
    kind: 'ErrorReport',
    formatVersion: ERROR_REPORT_FORMAT_VERSION,
    command,
    exitCode,
    errorCount: sorted.filter((d) => d.severity === 'error').length,
    warningCount: sorted.filter((d) => d.severity === 'warning').length,
    diagnostics: sorted.map(toDiagnosticJson),
  };
  return `${jsonText(JSON.stringify(doc, null, 2))}\n`;
}
