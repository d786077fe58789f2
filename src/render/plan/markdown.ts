// A plan as Markdown for a pull-request comment: the title and the summary line outside a
// <details> fold; inside it the counts, the selectors, every target as a ```diff block (markers
// in column 0) and the policy results as a table. Never longer than MAX_MARKDOWN characters
// (GitHub refuses comments of 65,536): past it, targets are left out and the comment says how to
// get them all.

import { visibleText } from '../../diagnostics/diagnostic.js';
import { Action, actionStates, isBlocked, type SavedPlan } from '../../plan/model.js';
import { countsByType, diffLines, headline, selectorLine, summaryLine, title } from './view.js';

/** MAX_MARKDOWN is the most characters renderPlanMarkdown writes. */
export const MAX_MARKDOWN = 65_000;

/** renderPlanMarkdown is the Markdown of a plan, at most max characters. */
export function renderPlanMarkdown(plan: SavedPlan, max: number = MAX_MARKDOWN): string {
  const head: string[] = [`### ${text(title(plan))}`, '', `**${text(summaryLine(plan))}**`, ''];
  const denies = plan.policies.filter((p) => p.effect === 'deny');
  if (isBlocked(plan)) {
    head.push(
      `> **Blocked** by ${denies.length === 1 ? 'a policy' : `${denies.length} policy rules`}: ${listed(
        denies.slice(0, MAX_LISTED_DENIES).map((p) => short(`${p.policy}/${p.rule}`)),
        denies.length,
      )}. Nothing is revoked while a deny stands.`,
      '',
    );
  }
  const intro: string[] = [
    `<details><summary>Show the plan: ${plan.targets.length} ${plan.targets.length === 1 ? 'target' : 'targets'}</summary>`,
    '',
    `${text(plan.plan.reason)} (made from \`${code(plan.plan.file)}\` at ${plan.createdAt})`,
    '',
  ];
  const rows = countsByType(plan);
  if (rows.length > 0) {
    intro.push(`| type | ${actionStates.map((s) => Action[s].label).join(' | ')} |`);
    intro.push(`|---|${actionStates.map(() => '---:').join('|')}|`);
    for (const row of rows)
      intro.push(`| \`${row.type}\` | ${actionStates.map((s) => row.counts[s]).join(' | ')} |`);
    intro.push('');
  }
  if (plan.selectors.length > 0) {
    intro.push('Selectors:', '');
    for (const s of plan.selectors.slice(0, MAX_ROWS)) intro.push(`- ${short(selectorLine(s))}`);
    if (plan.selectors.length > MAX_ROWS)
      intro.push(`- and ${plan.selectors.length - MAX_ROWS} more selectors`);
    intro.push('');
  }
  const tail: string[] = [];
  if (plan.policies.length > 0) {
    tail.push('| effect | rule | from | message | targets |', '|---|---|---|---|---:|');
    for (const p of plan.policies.slice(0, MAX_ROWS)) {
      tail.push(
        `| ${p.effect} | ${cell(`${p.policy}/${p.rule}`)} | ${cell(p.source === 'builtin' ? 'built in' : p.source)} | ${cell(p.message)} | ${p.targets.length} |`,
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
    const block = [headline(t), ...diffLines(t)].join('\n');
    const wider = Math.max(fence, longestBacktickRun(block) + 1);
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
  return [clip(`### ${text(title(plan))}`), '', `**${text(summaryLine(plan))}**`, cutNote(0)].join('\n');
}

// Text of a plan shown as Markdown: nothing in it may open HTML or close the <details> fold.
function text(s: string): string {
  return visibleText(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// A table cell: its text escaped, the pipes too, and clipped. Escapes only lengthen the text, so only
// what can be shown is escaped: a cell costs what it shows, however long the text.
function cell(s: string): string {
  return clip(text(s.slice(0, MAX_CELL + 1)).replace(/\|/g, '\\|'));
}

// Text shown in at most MAX_CELL characters, escaped like a cell but for the pipes.
function short(s: string): string {
  return clip(text(s.slice(0, MAX_CELL + 1)));
}

// The parts around the diff are bounded, so that the diff always has room: at most MAX_ROWS selectors
// and policy rows, MAX_LISTED_DENIES names in the blocked line, and MAX_CELL characters in each.
const MAX_ROWS = 30;
const MAX_LISTED_DENIES = 10;
const MAX_CELL = 200;

function clip(s: string): string {
  return s.length <= MAX_CELL ? s : `${s.slice(0, MAX_CELL - 1).replace(/[\\&][^\s]{0,7}$/, '')}…`;
}

// The first items of a list of total, and how many more there are.
function listed(items: readonly string[], total: number): string {
  const shown = items.join(', ');
  return total > items.length ? `${shown} and ${total - items.length} more` : shown;
}

function code(s: string): string {
  return s.replace(/`/g, "'");
}

function longestBacktickRun(s: string): number {
  let longest = 0;
  for (const m of s.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return longest;
}
