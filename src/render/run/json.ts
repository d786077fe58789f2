// `rescind apply --format json` and `rescind show RUN --format json`: the run's report
// (schemas/apply-report.schema.json, versioned by formatVersion).

import { jsonText } from '../../diagnostics/diagnostic.js';
import { type ApplyReport, REPORT_FORMAT_VERSION } from '../../plan/run.js';

/** renderRunJson is a run's report as JSON, two spaces indented, with a final newline. */
export function renderRunJson(report: ApplyReport): string {
  return `${jsonText(JSON.stringify(report, null, 2))}\n`;
}

/**
 * renderNoChangesJson is the report of an apply that had nothing to revoke: no run was made, so it
 * has no run id, targets or summary, only its kind and status no-changes (the same schema).
 */
export function renderNoChangesJson(): string {
  const doc = {
    apiVersion: 'rescind/v1',
    kind: 'ApplyReport',
    formatVersion: REPORT_FORMAT_VERSION,
    status: 'no-changes',
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
