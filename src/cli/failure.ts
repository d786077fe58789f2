// How a command reports diagnostics: as lines on stderr, or, when it was asked for JSON and cannot
// make its result, as one error report on stdout (schemas/error-report.schema.json), so that a script
// reading stdout always reads a JSON document.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renderErrorJson } from '../render/diagnostics/error-report.js';
import { formatDiagnostic } from '../render/diagnostics/text.js';
import { EXIT } from './exit.js';
import { type Io, styleFor } from './io.js';

/** printDiagnostics writes each diagnostic on stderr, one line (and its detail) each. */
export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  const style = styleFor(io.stderr, io.env);
  for (const d of diagnostics) io.stderr.write(`${formatDiagnostic(d, style)}\n`);
}

/**
 * fail ends command, which could not make its result, with diagnostics: with json, one error report on
 * stdout (and nothing on stderr); otherwise the diagnostics on stderr. It returns exitCode.
 */
export function fail(
  io: Io,
  command: string,
  json: boolean,
  diagnostics: readonly Diagnostic[],
  exitCode: number = EXIT.error,
): number {
  if (json) io.stdout.write(renderErrorJson(command, exitCode, diagnostics));
  else printDiagnostics(io, diagnostics);
  return exitCode;
}
