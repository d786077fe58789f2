// Diagnostics as text, one per line: FILE:LINE:COL: SEVERITY CODE: MESSAGE,
// then one summary line. The format compilers and editors understand.

import { type Diagnostic, diagnosticFile } from '../../diagnostics/diagnostic.js';
import type { ValidateResult } from '../../validate/validate.js';
import { plain, type Style } from '../style.js';

/** formatDiagnostic is one diagnostic as one line (plus an indented detail line, if any). */
export function formatDiagnostic(d: Diagnostic, style: Style = plain): string {
  const file = diagnosticFile(d);
  const where = d.range
    ? `${d.range.file}:${d.range.start.line}:${d.range.start.column}`
    : (file ?? 'rescind');
  const severity = d.severity === 'error' ? style.error('error') : style.warning('warning');
  const line = `${style.bold(where)}: ${severity} ${style.dim(d.code)}: ${d.message}`;
  return d.detail ? `${line}\n    ${d.detail}` : line;
}

/** renderValidateText is the whole text output of `rescind validate`. */
export function renderValidateText(result: ValidateResult, style: Style = plain): string {
  const lines = result.diagnostics.map((d) => formatDiagnostic(d, style));
  lines.push(summary(result));
  return `${lines.join('\n')}\n`;
}

function summary(result: ValidateResult): string {
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  // A path that does not exist is not among the files read, but it counts as a bad file.
  const read = new Set(result.files.map((f) => f.file));
  const badFiles = new Set(
    result.diagnostics.filter((d) => d.severity === 'error').map((d) => diagnosticFile(d)),
  );
  const unread = [...badFiles].filter((f) => f === undefined || !read.has(f)).length;
  const files = read.size + unread;
  const fileWord = files === 1 ? 'file' : 'files';
  if (errors === 0) {
    const w = warnings > 0 ? `, ${count(warnings, 'warning')}` : '';
    return `${files} ${fileWord} valid${w}.`;
  }
  const bad = badFiles.size;
  const w = warnings > 0 ? ` and ${count(warnings, 'warning')}` : '';
  return `Found ${count(errors, 'error')}${w} in ${bad} of ${files} ${fileWord}.`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
