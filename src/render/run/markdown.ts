// A run's report as Markdown, for a pull-request comment after apply: the title and summary line
// outside a fold, the counts per type and the targets that did not end done inside it. Never longer
// than MAX_MARKDOWN characters, like the plan's comment. Every text of the report goes through
// markdown-text.ts, which says why it cannot become structure.

import { type ApplyReport, targetOutcomes } from '../../plan/run.js';
import { cellName, codeSpan, inlineText } from '../markdown-text.js';
import { MAX_MARKDOWN, MAX_TITLE } from '../plan/markdown.js';
import { Outcome, outcomesByType, runSummaryLine, runTitle, targetDetail } from './view.js';

/** renderRunMarkdown is a run's report as a pull-request comment. */
export function renderRunMarkdown(report: ApplyReport, max: number = MAX_MARKDOWN): string {
  const head = [
    `### ${inlineText(runTitle(report), MAX_TITLE)}`,
    '',
    `**${inlineText(runSummaryLine(report, targetOutcomes), MAX_TITLE)}**`,
    '',
  ];
  const rows = outcomesByType(report, targetOutcomes);
  const body: string[] = [`<details><summary>Show the run: ${report.targets.length} targets</summary>`, ''];
  body.push(
    `Plan ${codeSpan(report.plan.file)}, ${inlineText(report.plan.digest)}; started ${inlineText(report.startedAt)}.`,
    '',
  );
  if (rows.length > 0) {
    body.push(`| type | ${targetOutcomes.map((o) => Outcome[o].label).join(' | ')} |`);
    body.push(`|---|${targetOutcomes.map(() => '---:').join('|')}|`);
    for (const row of rows)
      body.push(
        `| ${cellName(row.type, MAX_CELL)} | ${targetOutcomes.map((o) => row.counts[o]).join(' | ')} |`,
      );
    body.push('');
  }
  const tail = ['</details>', ''];
  const notDone = report.targets.filter(
    (t) =>
      t.outcome !== 'verified' && t.outcome !== 'already-revoked' && t.outcome !== 'applied-not-observable',
  );
  let budget = max - [...head, ...body, ...tail].join('\n').length - 200;
  const lines: string[] = [];
  for (const t of notDone) {
    // The outcome's glyph and words are the renderer's own: `~ interrupted` is no strikethrough.
    const outcome = `${Outcome[t.outcome].glyph} ${Outcome[t.outcome].label}`;
    const item = [
      `- ${outcome}: ${inlineText(targetDetail(t))}`,
      ...t.errors.map((e) => `  - ${inlineText(e, MAX_ERROR)}`),
    ].join('\n');
    if (item.length + 1 > budget) {
      const all = codeSpan(`rescind show ${report.runId} --format json`);
      lines.push(`- and ${notDone.length - lines.length} more; ${all} lists all`);
      break;
    }
    lines.push(item);
    budget -= item.length + 1;
  }
  if (lines.length > 0) body.push('Targets that did not end done:', '', ...lines, '');
  const out = [...head, ...body, ...tail].join('\n');
  return out.length <= max ? out : [...head, ...tail.slice(1)].join('\n');
}

// A type shows at most MAX_CELL characters of Markdown, an error of a target MAX_ERROR; the JSON
// report has them whole.
const MAX_CELL = 200;
const MAX_ERROR = 2_000;
