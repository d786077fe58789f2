// `rescind validate --format sarif`: SARIF 2.1.0 for code-scanning UIs.
// ruleId is the diagnostic code; columns count UTF-16 code units.

import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { diagnosticCodes } from '../../diagnostics/codes.js';
import { diagnosticFile } from '../../diagnostics/diagnostic.js';
import type { ValidateResult } from '../../validate/validate.js';
import { VERSION } from '../../version.js';

/** renderValidateSarif is the whole SARIF output of `rescind validate`. */
export function renderValidateSarif(result: ValidateResult): string {
  const codes = [...new Set(result.diagnostics.map((d) => d.code))].sort();
  const rules = codes.map((code) => ({
    id: code,
    shortDescription: { text: diagnosticCodes[code] },
  }));
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
      ruleIndex: codes.indexOf(d.code),
      level: d.severity,
      message: { text: d.message },
      locations: location,
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'rescind', version: VERSION, rules } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function artifact(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: encodeURI(file.split(sep).join('/')), uriBaseId: '%SRCROOT%' };
}
