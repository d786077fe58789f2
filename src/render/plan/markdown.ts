// A plan as Markdown for a pull-request comment: the title and the summary line outside a
// <details> fold; inside it the counts, the selectors, every target as a ```diff block (markers
// in column 0) and the policy results as a table. Never longer than MAX_MARKDOWN characters
// (GitHub refuses comments of 65,536): past it, targets are left out and the comment says how to
// get them all. Every text of the plan goes through markdown-text.ts, which says why it cannot
// become structure.

import { Action, actionStates, isBlocked, type SavedPlan } from '../../plan/model.js';
import { cellName, codeSpan, fenceFor, inlineText, visibleMarkdown } from '../markdown-text.js';
import { accountLine, countsByType, diffLines, headline, selectorLine, summaryLine, title } from './view.js';

/** MAX_MARKDOWN is the most characters renderPlanMarkdown writes. */
export const MAX_MARKDOWN = 65_000;

/** renderPlanMarkdown is the Markdown of a plan, at most max characters. */
export function renderPlanMarkdown(plan: SavedPlan, max: number = MAX_MARKDOWN): string {
  const head: string[] = [
    `### ${inlineText(title(plan), MAX_TITLE)}`,
    '',
    `**${inlineText(summaryLine(plan))}**`,
    '',
  ];
  const denies = plan.policies.filter((p) => p.effect === 'deny');
  if (isBlocked(plan)) {
    head.push(
      `> **Blocked** by ${denies.length === 1 ? 'a policy' : `${denies.length} policy rules`}: ${listed(
        denies.slice(0, MAX_LISTED_DENIES).map((p) => inlineText(`${p.policy}/${p.rule}`, MAX_CELL)),
        denies.length,
      )}. Nothing is revoked while a deny stands.`,
      '',
    );
  }
  const intro: string[] = [
    `<details><summary>Show the plan: ${plan.targets.length} ${plan.targets.length === 1 ? 'target' : 'targets'}</summary>`,
    '',
    `${inlineText(plan.plan.reason)} (made from ${codeSpan(plan.plan.file)} at ${inlineText(plan.createdAt)})`,
    '',
  ];
  const rows = countsByType(plan);
  if (rows.length > 0) {
    intro.push(`| type | ${actionStates.map((s) => Action[s].label).join(' | ')} |`);
    intro.push(`|---|${actionStates.map(() => '---:').join('|')}|`);
    for (const row of rows)
      intro.push(
        `| ${cellName(row.type, MAX_CELL)} | ${actionStates.map((s) => row.counts[s]).join(' | ')} |`,
      );
    intro.push('');
  }
  const accounts = Object.keys(plan.accounts).sort();
  if (accounts.length > 0) {
    intro.push('Accounts:', '');
    for (const name of accounts.slice(0, MAX_ROWS)) {
      const binding = plan.accounts[name];
      if (binding !== undefined) intro.push(`- ${inlineText(accountLine(name, binding), MAX_CELL * 2)}`);
    }
    if (accounts.length > MAX_ROWS) intro.push(`- and ${accounts.length - MAX_ROWS} more accounts`);
    intro.push('');
  }
  if (plan.selectors.length > 0) {
    intro.push('Selectors:', '');
    for (const s of plan.selectors.slice(0, MAX_ROWS))
      intro.push(`- ${inlineText(selectorLine(s), MAX_CELL)}`);
    if (plan.selectors.length > MAX_ROWS)
      intro.push(`- and ${plan.selectors.length - MAX_ROWS} more selectors`);
    intro.push('');
  }
  const tail: string[] = [];
  if (plan.policies.length > 0) {
    tail.push('| effect | rule | from | message | targets |', '|---|---|---|---|---:|');
    for (const p of plan.policies.slice(0, MAX_ROWS)) {
      tail.push(
        `| ${inlineText(p.effect)} | ${cell(`${p.policy}/${p.rule}`)} | ${cell(p.source === 'builtin' ? 'built in' : p.source)} | ${cell(p.message)} | ${p.targets.length} |`,
      );
    }
    if (plan.policies.length > MAX_ROWS)
      tail.push(`| | and ${plan.policies.length - MAX_ROWS} more rules | | | |`);
    tail.push('');
  }
  tail.push('</details>', '');

  // Each target's block is made only while there is room for it: past the budget, no more diffs.
  const fixed = [...head, ...intro, ...tail].join('\n').length;
  const cutNote = (shown: number) =>
    `\n_The plan is too long for a comment: ${shown} of ${plan.targets.length} targets are shown. \`rescind show PLAN.json --format json\` prints all of it._\n`;
  const fenced = (fence: number) => `${'`'.repeat(fence)}diff\n${'`'.repeat(fence)}\n\n`.length;
  let budget = max - fixed - cutNote(plan.targets.length).length;
  let fence = 3;
  const shown: string[] = [];
  for (const t of plan.targets) {
    // Inside the block nothing is Markdown; the fence grows past the longest run of backticks.
    const block = [headline(t), ...diffLines(t)].map(visibleMarkdown).join('\n');
    const wider = Math.max(fence, fenceFor(block).length);
    if (block.length + 1 + fenced(wider) > budget) break;
    shown.push(block);
    budget -= block.length + 1;
    fence = wider;
  }
  const body: string[] = [];
  if (shown.length > 0) body.push(`${'`'.repeat(fence)}diff`, ...shown, '`'.repeat(fence), '');
  if (shown.length < plan.targets.length) body.push(cutNote(shown.length));
  const out = [...head, ...intro, ...body, ...tail].join('\n');
  if (out.length <= max) return out;
  // Only text that the schemas do not bound (a path, a reason) gets here: the title and summary.
  return [
    `### ${inlineText(title(plan), MAX_CELL)}`,
    '',
    `**${inlineText(summaryLine(plan))}**`,
    cutNote(0),
  ].join('\n');
}

// A table cell: at most MAX_CELL characters of Markdown. inlineText escapes only what can be shown,
// so a cell costs what it shows, however long the text.
function cell(s: string): string {
  return inlineText(s, MAX_CELL);
}

// The parts around the diff are bounded, so that the diff always has room: at most MAX_ROWS selectors
// and policy rows, MAX_LISTED_DENIES names in the blocked line, and MAX_CELL characters in each; the
// title at most MAX_TITLE (a name of 63 and a ticket of 128 characters fit, escaped). All in
// characters of Markdown, escapes counted.
const MAX_ROWS = 30;
const MAX_LISTED_DENIES = 10;
const MAX_CELL = 200;
/** MAX_TITLE is the most characters of Markdown a comment's title, or its summary line, shows. */
export const MAX_TITLE = 1_000;

// The first items of a list of total, and how many more there are.
function listed(items: readonly string[], total: number): string {
  const shown = items.join(', ');
  return total > items.length ? `${shown} and ${total - items.length} more` : shown;
}
