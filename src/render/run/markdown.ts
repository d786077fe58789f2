// A run's report as Markdown, for a pull-request comment after apply: the title and summary line
// outside a fold, the counts per type and the targets that did not end done inside it. Never longer
// than MAX_MARKDOWN characters, like the plan's comment.

import { visibleText } from '../../diagnostics/diagnostic.js';
import { targetOutcomes } from '../../engine/executor.js';
import type { ApplyReport } from '../../engine/report.js';
import { MAX_MARKDOWN } from '../plan/markdown.js';
import { Outcome, outcomesByType, runSummaryLine, runTitle, targetLine } from './view.js';

/** renderRunMarkdown is a run's report as a pull-request comment. */
export function renderRunMarkdown(report: ApplyReport, max: number = MAX_MARKDOWN): string {
  const head = [
    `### ${text(runTitle(report))}`,
    '',
    `**${text(runSummaryLine(report, targetOutcomes))}**`,
    '',
  ];
  const rows = outcomesByType(report, targetOutcomes);
  const body: string[] = [`<details><summary>Show the run: ${report.targets.length} targets</summary>`, ''];
  body.push(`Plan \`${code(report.plan.file)}\`, ${report.plan.digest}; started ${report.startedAt}.`, '');
  if (rows.length > 0) {
    body.push(`| type | ${targetOutcomes.map((o) => Outcome[o].label).join(' | ')} |`);
    body.push(`|---|${targetOutcomes.map(() => '---:').join('|')}|`);
    for (const row of rows)
      body.push(`| \`${row.type}\` | ${targetOutcomes.map((o) => row.counts[o]).join(' | ')} |`);
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
    const item = [`- ${text(targetLine(t))}`, ...t.errors.map((e) => `  - ${text(e)}`)].join('\n');
    if (item.length + 1 > budget) {
      lines.push(
        `- and ${notDone.length - lines.length} more; \`rescind show ${report.runId} --format json\` lists all`,
      );
      break;
    }
    lines.push(item);
    budget -= item.length + 1;
  }
  if (lines.length > 0) body.push('Targets that did not end done:', '', ...lines, '');
  const out = [...head, ...body, ...tail].join('\n');
  return out.length <= max ? out : [...head, ...tail.slice(1)].join('\n');
}

function text(s: string): string {
  return visibleText(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(s: string): string {
  return s.replace(/`/g, "'");
}
