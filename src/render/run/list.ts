// The list of recorded runs (`rescind runs`): as text, a table, newest first, one run a line (its id,
// when it started, its status, its plan, and how many targets ended in each outcome); as JSON, the runs
// in a versioned envelope (schemas/run-list.schema.json).

import { jsonText, visibleText } from '../../diagnostics/diagnostic.js';
import type { RunListing, RunsResult } from '../../plan/run.js';
import { countKey, targetOutcomes } from '../../plan/run.js';
import { plain, type Style } from '../style.js';
import { Outcome } from './view.js';

/** RUN_LIST_FORMAT_VERSION is bumped on any incompatible change of the list's JSON. */
export const RUN_LIST_FORMAT_VERSION = '1';

/** renderRunListText is the table of runs, and a line saying how many more there are. */
export function renderRunListText(result: RunsResult, style: Style = plain): string {
  if (result.runs.length === 0) return `No runs in ${result.folder}/.\n`;
  const rows = result.runs.map((r) => [
    r.runId,
    r.startedAt.replace(/\.\d+Z$/, 'Z'),
    r.status ?? '',
    visibleText(r.plan.name),
    visibleText(outcomes(r)),
  ]);
  const heads = ['RUN', 'STARTED', 'STATUS', 'PLAN', 'OUTCOMES'];
  const widths = heads.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [style.bold(line(heads))];
  result.runs.forEach((r, i) => {
    const text = line(rows[i] ?? []);
    out.push(
      r.status === 'failed' || r.status === 'unreadable'
        ? style.error(text)
        : r.status === 'done'
          ? text
          : style.warning(text),
    );
  });
  if (result.total > result.runs.length) {
    out.push('', `The newest ${result.runs.length} of ${result.total} runs are shown; --limit 0 lists all.`);
  }
  return `${out.join('\n')}\n`;
}

// The outcomes a run's targets ended in, those with any target, in the order reports show them.
function outcomes(r: RunListing): string {
  if (r.status === 'unreadable') return r.error ?? 'cannot be read';
  const summary = r.summary;
  if (summary === undefined) return '';
  const parts = targetOutcomes
    .filter((o) => summary[countKey(o)] > 0)
    .map((o) => `${summary[countKey(o)]} ${Outcome[o].label}`);
  return parts.length === 0 ? 'no targets' : parts.join(', ');
}

/** renderRunListJson is the list of runs as JSON, two spaces indented, with a final newline. */
export function renderRunListJson(result: RunsResult): string {
  const doc = {
    apiVersion: 'rescind/v1',
    kind: 'RunList',
    formatVersion: RUN_LIST_FORMAT_VERSION,
    total: result.total,
    runs: result.runs,
  };
  return `${jsonText(JSON.stringify(doc, null, 2))}\n`;
}
