// What every format of a run's report shares: each outcome's glyph and words, the title, the line of a
// target, the counts per type, and the one summary line.

import type { TargetOutcome } from '../../engine/executor.js';
import { type ApplyReport, countKey, type ReportTarget } from '../../engine/report.js';

/** Outcome is each outcome's glyph and words, as every format shows them. */
export const Outcome: Readonly<Record<TargetOutcome, { glyph: string; label: string }>> = {
  verified: { glyph: '✓', label: 'verified' },
  'already-revoked': { glyph: '=', label: 'already revoked' },
  'applied-not-observable': { glyph: '?', label: 'applied (not observable)' },
  failed: { glyph: 'x', label: 'failed' },
  drift: { glyph: '!', label: 'drift' },
  interrupted: { glyph: '~', label: 'interrupted' },
  'not-started': { glyph: '.', label: 'not started' },
};

/** title is the report's first line. */
export function runTitle(report: ApplyReport): string {
  const ticket = report.plan.ticket === undefined ? '' : ` (${report.plan.ticket})`;
  return `rescind apply ${report.plan.name}${ticket}, run ${report.runId}`;
}

/** targetLine is a target's headline: outcome, address, type, ids, request id. */
export function targetLine(t: ReportTarget): string {
  return `${Outcome[t.outcome].glyph} ${Outcome[t.outcome].label}: ${targetDetail(t)}`;
}

/** targetDetail is targetLine after the outcome: address, type, ids, request id, revoke calls. */
export function targetDetail(t: ReportTarget): string {
  const id = t.requestId === undefined ? '' : `, request id ${t.requestId}`;
  const calls = t.revokes > 1 ? `, ${t.revokes} revoke calls` : '';
  return `${t.address} (${t.type}, from ${t.ids.join(', ')}${id}${calls})`;
}

/** OutcomeRow is the number of targets of one type in each outcome. */
export interface OutcomeRow {
  type: string;
  counts: Readonly<Record<TargetOutcome, number>>;
}

/** countsByType counts a report's targets per type and outcome, types in report order. */
export function outcomesByType(report: ApplyReport, outcomes: readonly TargetOutcome[]): OutcomeRow[] {
  const rows = new Map<string, Record<TargetOutcome, number>>();
  for (const t of report.targets) {
    let counts = rows.get(t.type);
    if (counts === undefined) {
      counts = Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<TargetOutcome, number>;
      rows.set(t.type, counts);
    }
    counts[t.outcome]++;
  }
  return [...rows].map(([type, counts]) => ({ type, counts }));
}

/** runSummaryLine is the one line that ends every report. */
export function runSummaryLine(report: ApplyReport, outcomes: readonly TargetOutcome[]): string {
  const head =
    report.status === 'done'
      ? 'Apply complete'
      : report.status === 'failed'
        ? 'Apply failed'
        : report.status === 'interrupted'
          ? 'Apply interrupted'
          : 'Apply incomplete';
  const always: TargetOutcome[] = ['verified', 'already-revoked', 'applied-not-observable', 'failed'];
  const parts = outcomes
    .filter((o) => always.includes(o) || report.summary[countKey(o)] > 0)
    .map((o) => `${report.summary[countKey(o)]} ${Outcome[o].label}`);
  const resume = report.status === 'done' ? '' : ` Resume with: rescind apply --resume ${report.runId}`;
  return `${head}: ${parts.join(', ')}.${resume}`;
}
