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
  return [...runTextPieces(report, style)].join('');
}

/**
 * runTextPieces is renderRunText a line at a time, so that the report of 50,000 targets is written to
 * its stream as it is made, never whole in memory.
 */
export function* runTextPieces(report: ApplyReport, style: Style = plain): Generator<string> {
  yield `${style.bold(visibleText(runTitle(report)))}\n`;
  yield `${visibleText(`plan ${report.plan.file}, ${report.plan.digest}`)}\n`;
  const when = [`started ${report.startedAt}`, ...report.resumedAt.map((at) => `resumed ${at}`)];
  if (report.endedAt !== undefined) when.push(`ended ${report.endedAt}`);
  yield `${visibleText(when.join(', '))}\n`;
  const who = Object.entries(report.callers).map(([account, c]) => `${account} as ${c.ids.join(', ')}`);
  if (who.length > 0) yield `${visibleText(`by ${who.join('; ')}`)}\n`;
  yield '\n';
  for (const t of report.targets) {
    const line = visibleText(targetLine(t));
    const done = t.outcome === 'verified' || t.outcome === 'already-revoked';
    const shown = done
      ? line
      : t.outcome === 'applied-not-observable'
        ? style.warning(line)
        : style.error(line);
    yield `${shown}\n`;
    for (const e of t.errors) yield `    ${visibleText(e)}\n`;
  }
  const rows = outcomesByType(report, targetOutcomes);
  if (rows.length > 0) {
    yield '\nOutcomes by type:\n';
    const types = rows.map((r) => visibleText(r.type));
    const typeWidth = Math.max(4, ...types.map((t) => t.length));
    const heads = targetOutcomes.map((o) => Outcome[o].label);
    yield `  ${'type'.padEnd(typeWidth)}  ${heads.join('  ')}\n`;
    for (const [n, row] of rows.entries()) {
      const cells = targetOutcomes.map((o, i) => String(row.counts[o]).padStart(heads[i]?.length ?? 1));
      yield `  ${(types[n] ?? '').padEnd(typeWidth)}  ${cells.join('  ')}\n`;
    }
  }
  yield `\n${style.bold(visibleText(runSummaryLine(report, targetOutcomes)))}\n`;
}
