// `rescind apply --format json` and `rescind show RUN --format json`: the run's report
// (schemas/apply-report.schema.json, versioned by formatVersion).

import { jsonText } from '../../diagnostics/diagnostic.js';
import type { ApplyReport } from '../../engine/report.js';

/** renderRunJson is a run's report as JSON, two spaces indented, with a final newline. */
export function renderRunJson(report: ApplyReport): string {
  return `${jsonText(JSON.stringify(report, null, 2))}\n`;
}
