// A run's report as text (`rescind apply`, `rescind show RUN`): who ran which plan, one line per target
// with the errors of those that did not end done, the counts per type and outcome, one summary line.

import { visibleText } from '../../diagnostics/diagnostic.js';
import { targetOutcomes } from '../../engine/executor.js';
import type { ApplyReport } from '../../engine/report.js';
import { plain, type Style } from '../style.js';
import { Outcome, outcomesByType, runSummaryLine, runTitle, targetLine } from './view.js';

/** renderRunText is the whole text of a run's report. */
export function renderRunText(report: ApplyReport, style: Style = plain): string {
  const out: string[] = [];
  out.push(style.bold(runTitle(report)));
  out.push(`plan ${report.plan.file}, ${report.plan.digest}`);
  const when = [`started ${report.startedAt}`, ...report.resumedAt.map((at) => `resumed ${at}`)];
  if (report.endedAt !== undefined) when.push(`ended ${report.endedAt}`);
  out.push(when.join(', '));
  const who = Object.entries(report.callers).map(([account, c]) => `${account} as ${c.ids.join(', ')}`);
  if (who.length > 0) out.push(`by ${who.join('; ')}`);
  out.push('');
  for (const t of report.targets) {
    const line = targetLine(t);
    const done = t.outcome === 'verified' || t.outcome === 'already-revoked';
    const shown = done
      ? line
      : t.outcome === 'applied-not-observable'
        ? style.warning(line)
        : style.error(line);
    out.push(shown);
    for (const e of t.errors) out.push(`    ${visibleText(e)}`);
  }
  const rows = outcomesByType(report, targetOutcomes);
  if (rows.length > 0) {
    out.push('');
    out.push('Outcomes by type:');
    const typeWidth = Math.max(4, ...rows.map((r) => r.type.length));
    const heads = targetOutcomes.map((o) => Outcome[o].label);
    out.push(`  ${'type'.padEnd(typeWidth)}  ${heads.join('  ')}`);
    for (const row of rows) {
      const cells = targetOutcomes.map((o, i) => String(row.counts[o]).padStart(heads[i]?.length ?? 1));
      out.push(`  ${row.type.padEnd(typeWidth)}  ${cells.join('  ')}`);
    }
  }
  out.push('');
  out.push(style.bold(runSummaryLine(report, targetOutcomes)));
  return `${out.join('\n')}\n`;
}
