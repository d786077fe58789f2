// What every plan renderer shows, computed once from the plan model: the legend, the count of
// targets per type and state, each target's before -> after as a unified diff of the cloud's own
// record, and the one summary line.

import { structuredPatch } from 'diff';
import { jsonText } from '../../diagnostics/diagnostic.js';
import {
  Action,
  type ActionState,
  actionStates,
  type PlannedTarget,
  type SavedPlan,
} from '../../plan/model.js';

/** LEGEND says what each action glyph means, in the order the plan shows them. */
export const LEGEND: readonly (readonly [ActionState, string])[] = [
  ['revoke', 'the credential works now: it will be revoked'],
  ['already-revoked', 'it is revoked already: no call is made'],
  ['not-observable', 'no API reads it: the revoke call is made, and cannot be verified'],
  ['blocked', 'a policy denies it: nothing is revoked while a deny stands'],
  ['missing', 'it does not exist: check the target'],
];

/** summaryLine is the one line that ends every plan. */
export function summaryLine(plan: SavedPlan): string {
  const s = plan.summary;
  const missing = s.missing > 0 ? `, ${s.missing} missing` : '';
  if (s.revoke + s.notObservable + s.blocked + s.missing === 0) {
    return plan.targets.length === 0
      ? 'No changes. No target was found.'
      : 'No changes. Every target is already revoked.';
  }
  return `Plan: ${s.revoke} to revoke, ${s.alreadyRevoked} already revoked, ${s.notObservable} not observable, ${s.blocked} blocked${missing}.`;
}

/** CountRow is the number of targets of one type in each state. */
export interface CountRow {
  type: string;
  counts: Readonly<Record<ActionState, number>>;
}

/** countsByType counts the targets of each type that the plan holds, per state, types in plan order. */
export function countsByType(plan: SavedPlan): CountRow[] {
  const rows = new Map<string, Record<ActionState, number>>();
  for (const t of plan.targets) {
    let counts = rows.get(t.type);
    if (counts === undefined) {
      counts = Object.fromEntries(actionStates.map((s) => [s, 0])) as Record<ActionState, number>;
      rows.set(t.type, counts);
    }
    counts[t.action]++;
  }
  return [...rows].map(([type, counts]) => ({ type, counts }));
}

/** headline is a target's first line: glyph, label, type, address and the revocations that reach it. */
export function headline(t: PlannedTarget): string {
  return `${Action[t.action].glyph} ${Action[t.action].label}: ${t.address} (${t.type}, from ${t.ids.join(', ')})`;
}

/**
 * diffLines is a target's before -> after as unified-diff lines (` `, `-`, `+`, `@@`) of the cloud's
 * record as pretty JSON, with its state: what revoking changes. None for a target with nothing to
 * show (already revoked, missing, or a record that revoking leaves as it is).
 */
export function diffLines(t: PlannedTarget): string[] {
  if (t.action === 'already-revoked' || t.action === 'missing') return [];
  const before = recordText(t.before.record);
  const after = t.after === undefined ? '' : recordText(t.after);
  const expected = t.after === undefined ? 'removed' : 'revoked';
  if (before === after) {
    return [
      `@@ ${t.before.state} -> ${t.action === 'not-observable' ? 'revoked, not observable' : expected} @@`,
    ];
  }
  const patch = structuredPatch('before', 'after', before, after, '', '', { context: 3 });
  const lines: string[] = [];
  for (const hunk of patch.hunks) {
    lines.push(
      `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@ ${t.before.state} -> ${expected}`,
    );
    for (const line of hunk.lines) if (!line.startsWith('\\')) lines.push(line);
  }
  return lines;
}

function recordText(record: unknown): string {
  return record === undefined ? '' : `${jsonText(JSON.stringify(record, null, 2))}\n`;
}

/** policyLine is one policy result: effect, the rule and where it comes from, its message and reach. */
export function policyLine(p: SavedPlan['policies'][number]): string {
  const where = p.source === 'builtin' ? 'built in' : p.source;
  const reach =
    p.targets.length === 0 ? '' : ` (${p.targets.length} ${p.targets.length === 1 ? 'target' : 'targets'})`;
  return `${p.effect} ${p.policy}/${p.rule} [${where}]: ${p.message}${reach}`;
}

/** selectorLine says what a selector matched, 0 included. */
export function selectorLine(s: SavedPlan['selectors'][number]): string {
  const found =
    s.matched === 0 ? 'no target matches' : `${s.matched} ${s.matched === 1 ? 'target' : 'targets'}`;
  return `${s.id} (${s.type} on ${s.account}): ${found}`;
}

/** title names the plan: its name, and the ticket when it has one. */
export function title(plan: SavedPlan): string {
  return `rescind plan ${plan.plan.name}${plan.plan.ticket === undefined ? '' : ` (${plan.plan.ticket})`}`;
}
