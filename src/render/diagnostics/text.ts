// Diagnostics as text, one per line: FILE:LINE:COL: SEVERITY CODE: MESSAGE,
// then one summary line. The format compilers and editors understand.

import {
  type Diagnostic,
  diagnosticFile,
  diagnosticText,
  visibleText,
} from '../../diagnostics/diagnostic.js';
import type { ValidateResult } from '../../validate/validate.js';
import { plain, type Style } from '../style.js';

/** formatDiagnostic is one diagnostic as one line (plus an indented detail line, if any). */
export function formatDiagnostic(d: Diagnostic, style: Style = plain): string {
  const file = diagnosticFile(d);
  const where = d.range
    ? `${d.range.file}:${d.range.start.line}:${d.range.start.column}`
    : (file ?? 'rescind');
  const severity = d.severity === 'error' ? style.error('error') : style.warning('warning');
  // Whatever made it, a diagnostic is printed as one line of its own (and its detail as one more).
  const line = `${style.bold(visibleText(where))}: ${severity} ${style.dim(d.code)}: ${diagnosticText(d.message)}`;
  return d.detail ? `${line}\n    ${diagnosticText(d.detail)}` : line;
}

/**
 * renderValidateText is the whole text output of `rescind validate`: each diagnostic kept, after a file's
 * last one a line saying how many more it has, then the summary line, which counts them all.
 */
export function renderValidateText(result: ValidateResult, style: Style = plain): string {
  const omitted = new Map(result.files.filter((f) => f.omitted > 0).map((f) => [f.file, f.omitted]));
  const lines: string[] = [];
  const more = (file: string | undefined) => {
    const n = file === undefined ? undefined : omitted.get(file);
    if (file === undefined || n === undefined) return;
    lines.push(`${style.bold(file)}: and ${count(n, 'more problem')} (--max-diagnostics 0 shows every one)`);
    omitted.delete(file);
  };
  let previous: string | undefined;
  for (const d of result.diagnostics) {
    const file = diagnosticFile(d);
    if (file !== previous) more(previous);
    previous = file;
    lines.push(formatDiagnostic(d, style));
  }
  more(previous);
  for (const file of [...omitted.keys()]) more(file);
  lines.push(summary(result));
  return `${lines.join('\n')}\n`;
}

function summary(result: ValidateResult): string {
  const errors = result.errorCount;
  const warnings = result.warningCount;
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
