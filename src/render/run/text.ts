// A run's report as text (`rescind apply`, `rescind show RUN`): who ran which plan, one line per target
// with the errors of those that did not end done, the counts per type and outcome, one summary line.
// Every text from a file or a cloud is visibleText: no control or bidirectional character reaches the
// terminal (a ticket, a caller's id or a request id could otherwise clear the screen or reorder a line).

import { visibleText } from '../../diagnostics/diagnostic.js';
import { type ApplyReport, targetOutcomes } from '../../plan/run.js';
import { plain, type Style } from '../style.js';
import { Outcome, outcomesByType, runSummaryLine, runTitle, targetLine } from './view.js';

/** renderRunText is the whole text of a run's report. */
export function renderRunText(report: ApplyReport, style: Style = plain): string {
  const out: string[] = [];
  out.push(style.bold(visibleText(runTitle(report))));
  out.push(visibleText(`plan ${report.plan.file}, ${report.plan.digest}`));
  const when = [`started ${report.startedAt}`, ...report.resumedAt.map((at) => `resumed ${at}`)];
  if (report.endedAt !== undefined) when.push(`ended ${report.endedAt}`);
  out.push(visibleText(when.join(', ')));
  const who = Object.entries(report.callers).map(([account, c]) => `${account} as ${c.ids.join(', ')}`);
  if (who.length > 0) out.push(visibleText(`by ${who.join('; ')}`));
  out.push('');
  for (const t of report.targets) {
    const line = visibleText(targetLine(t));
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
    const types = rows.map((r) => visibleText(r.type));
    const typeWidth = Math.max(4, ...types.map((t) => t.length));
    const heads = targetOutcomes.map((o) => Outcome[o].label);
    out.push(`  ${'type'.padEnd(typeWidth)}  ${heads.join('  ')}`);
    for (const [n, row] of rows.entries()) {
      const cells = targetOutcomes.map((o, i) => String(row.counts[o]).padStart(heads[i]?.length ?? 1));
      out.push(`  ${(types[n] ?? '').padEnd(typeWidth)}  ${cells.join('  ')}`);
    }
  }
  out.push('');
  out.push(style.bold(visibleText(runSummaryLine(report, targetOutcomes))));
  return `${out.join('\n')}\n`;
}
