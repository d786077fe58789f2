// `rescind validate --format json`: a stable, versioned document (docs/cli.md#json).

import {
  type Diagnostic,
  diagnosticText,
  type JsonPath,
  jsonText,
  type SourcePos,
} from '../../diagnostics/diagnostic.js';
import type { ValidateResult } from '../../validate/validate.js';

/** VALIDATE_FORMAT_VERSION is bumped on any incompatible change of the JSON below. */
export const VALIDATE_FORMAT_VERSION = '1';

/** ValidateJson is the JSON output of validate. */
export interface ValidateJson {
  formatVersion: string;
  valid: boolean;
  errorCount: number;
  warningCount: number;
  files: { file: string; kind: string | null; valid: boolean; omitted: number }[];
  diagnostics: DiagnosticJson[];
}

/** DiagnosticJson is one diagnostic; file, range and path are null when unknown. */
export interface DiagnosticJson {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  file: string | null;
  range: { start: SourcePos; end: SourcePos } | null;
  path: JsonPath | null;
}

/** toDiagnosticJson is the JSON form of a diagnostic. */
export function toDiagnosticJson(d: Diagnostic): DiagnosticJson {
  return {
    severity: d.severity,
    code: d.code,
    message: diagnosticText(d.message),
    file: d.range?.file ?? d.file ?? null,
    range: d.range ? { start: d.range.start, end: d.range.end } : null,
    path: d.path ?? null,
  };
}

/** renderValidateJson is the whole JSON output of `rescind validate`. */
export function renderValidateJson(result: ValidateResult): string {
  const doc: ValidateJson = {
    formatVersion: VALIDATE_FORMAT_VERSION,
    valid: result.valid,
    errorCount: result.errorCount,
    warningCount: result.warningCount,
    files: result.files.map((f) => ({
      file: f.file,
      kind: f.kind ?? null,
      valid: f.valid,
      omitted: f.omitted,
    })),
    diagnostics: result.diagnostics.map(toDiagnosticJson),
  };
  return `${jsonText(JSON.stringify(doc, null, 2))}\n`;
}
