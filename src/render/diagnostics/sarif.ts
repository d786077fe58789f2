// `rescind validate --format sarif`: SARIF 2.1.0 for code-scanning UIs.
// ruleId is the diagnostic code; columns count UTF-16 code units.

import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { diagnosticCodes } from '../../diagnostics/codes.js';
import { diagnosticFile, diagnosticText, jsonText } from '../../diagnostics/diagnostic.js';
import type { ValidateResult } from '../../validate/validate.js';
import { VERSION } from '../../version.js';

/** renderValidateSarif is the whole SARIF output of `rescind validate`. */
export function renderValidateSarif(result: ValidateResult): string {
  const codes = [...new Set(result.diagnostics.map((d) => d.code))].sort();
  const rules = codes.map((code) => ({
    id: code,
    shortDescription: { text: diagnosticCodes[code] },
  }));
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  const results = result.diagnostics.map((d) => {
    const file = diagnosticFile(d);
    const location = file
      ? [
          {
            physicalLocation: {
              artifactLocation: artifact(file),
              ...(d.range
                ? {
                    region: {
                      startLine: d.range.start.line,
                      startColumn: d.range.start.column,
                      endLine: d.range.end.line,
                      endColumn: d.range.end.column,
                      charOffset: d.range.start.offset,
                      charLength: d.range.end.offset - d.range.start.offset,
                    },
                  }
                : {}),
            },
          },
        ]
      : [];
    return {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code) ?? -1,
      level: d.severity,
      message: { text: diagnosticText(d.message) },
      locations: location,
    };
  });
  // Diagnostics beyond the per-file cap are not results; one note per such file says how many.
  const notes = result.files
    .filter((f) => f.omitted > 0)
    .map((f) => ({
      level: 'note',
      message: { text: `${f.file}: ${f.omitted} more problems are not listed` },
    }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'rescind', version: VERSION, rules } },
        ...(notes.length > 0
          ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: notes }] }
          : {}),
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${jsonText(JSON.stringify(sarif, null, 2))}\n`;
}

function artifact(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: encodeURI(file.split(sep).join('/')), uriBaseId: '%SRCROOT%' };
}
