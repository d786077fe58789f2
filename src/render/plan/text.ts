// `rescind plan` and `rescind show` as text, for a terminal or a log: a legend, the count of
// targets per type and state, the selectors, one block per target (its before -> after as a
// unified diff of the cloud's record), the policy results, then exactly one summary line. Every text
// from a file or a cloud is visibleText: no control or bidirectional character reaches the terminal.

import { visibleText } from '../../diagnostics/diagnostic.js';
import { Action, actionStates, type SavedPlan } from '../../plan/model.js';
import { plain, type Style } from '../style.js';
import {
  accountLine,
  countsByType,
  diffLines,
  headline,
  LEGEND,
  policyLine,
  selectorLine,
  summaryLine,
  title,
} from './view.js';

/** renderPlanText is the whole text of a plan. */
export function renderPlanText(plan: SavedPlan, style: Style = plain): string {
  const glyph = (state: keyof typeof Action): string => {
    const g = Action[state].glyph;
    if (state === 'revoke' || state === 'missing') return style.error(g);
    if (state === 'blocked' || state === 'not-observable') return style.warning(g);
    return style.dim(g);
  };
  const out: string[] = [];
  out.push(style.bold(visibleText(title(plan))));
  out.push(visibleText(plan.plan.reason));
  const who = [
    plan.plan.owner === undefined ? undefined : `owner ${plan.plan.owner}`,
    `made from ${plan.plan.file} at ${plan.createdAt}`,
  ].filter((p) => p !== undefined);
  out.push(visibleText(who.join(', ')));
  out.push('');
  out.push('Actions:');
  for (const [state, meaning] of LEGEND) {
    out.push(`  ${glyph(state)} ${Action[state].label.padEnd(16)} ${meaning}`);
  }
  const rows = countsByType(plan);
  if (rows.length > 0) {
    out.push('');
    out.push('Targets by type:');
    const types = rows.map((r) => visibleText(r.type));
    const typeWidth = Math.max(4, ...types.map((t) => t.length));
    const heads = actionStates.map((s) => Action[s].label);
    out.push(`  ${'type'.padEnd(typeWidth)}  ${heads.join('  ')}`);
    for (const [n, row] of rows.entries()) {
      const cells = actionStates.map((s, i) => String(row.counts[s]).padStart(heads[i]?.length ?? 1));
      out.push(`  ${(types[n] ?? '').padEnd(typeWidth)}  ${cells.join('  ')}`);
    }
  }
  const accounts = Object.keys(plan.accounts).sort();
  if (accounts.length > 0) {
    out.push('');
    out.push('Accounts:');
    for (const name of accounts) {
      const binding = plan.accounts[name];
      if (binding !== undefined) out.push(`  ${visibleText(accountLine(name, binding))}`);
    }
  }
  if (plan.selectors.length > 0) {
    out.push('');
    out.push('Selectors:');
    for (const s of plan.selectors) out.push(`  ${visibleText(selectorLine(s))}`);
  }
  for (const t of plan.targets) {
    out.push('');
    out.push(`${glyph(t.action)}${style.bold(visibleText(headline(t).slice(1)))}`);
    for (const line of diffLines(t)) {
      if (line.startsWith('-')) out.push(`    ${style.error(visibleText(line))}`);
      else if (line.startsWith('+')) out.push(`    ${style.added(visibleText(line))}`);
      else if (line.startsWith('@@')) out.push(`    ${style.dim(line)}`);
      else out.push(`    ${visibleText(line)}`);
    }
  }
  if (plan.policies.length > 0) {
    out.push('');
    out.push('Policies:');
    for (const p of plan.policies) {
      const line = `  ${policyLine(p)}`;
      out.push(p.effect === 'deny' ? style.error(line) : style.warning(line));
      for (const address of p.targets) out.push(`      ${visibleText(address)}`);
    }
  }
  out.push('');
  out.push(style.bold(summaryLine(plan)));
  return `${out.join('\n')}\n`;
}
