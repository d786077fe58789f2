// What every plan renderer shows, computed once from the plan model: the legend, the count of
// targets per type and state, each target's before -> after as a unified diff of the cloud's own
// record, and the one summary line.

import { structuredPatch } from 'diff/lib/patch/create.js';
import { jsonText, visibleText } from '../../diagnostics/diagnostic.js';
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

/**
 * accountLine says where an account of the plan reached and who it acted as: `hw-prod: huaweicloud
 * ap-southeast-1, project P (looked up), domain D, as agency NAME (ID), assumed by user U`.
 */
export function accountLine(name: string, binding: SavedPlan['accounts'][string]): string {
  const parts = [`${name}: ${binding.cloud} ${binding.region}`];
  const looked = (field: 'projectId' | 'domainId') =>
    binding.lookedUp?.includes(field) === true ? ' (looked up from IAM)' : '';
  if (binding.projectId !== undefined) parts.push(`project ${binding.projectId}${looked('projectId')}`);
  if (binding.domainId !== undefined) parts.push(`domain ${binding.domainId}${looked('domainId')}`);
  const caller = binding.caller;
  if (caller === undefined) return parts.join(', ');
  const kind = (caller.kind ?? 'caller').replace('-', ' ');
  const ids = caller.ids.join(', ');
  const who =
    caller.name === undefined || caller.name === ids
      ? `as ${kind} ${ids}`
      : `as ${kind} ${caller.name} (${ids})`;
  const from = caller.assumedFrom;
  const by =
    from === undefined
      ? ''
      : `, assumed by ${from.kind.replace('-', ' ')} ${[from.name, ...(from.ids.length > 0 && from.ids[0] !== from.name ? [`(${from.ids.join(', ')})`] : [])].filter((p) => p !== undefined).join(' ')}`;
  return `${parts.join(', ')}, ${who}${by}`;
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
  const by =
    t.revokedBy === undefined
      ? ''
      : `; revoked by run ${t.revokedBy.runId} at ${t.revokedBy.at}, not observable`;
  return `${Action[t.action].glyph} ${Action[t.action].label}: ${t.address} (${t.type}, from ${t.ids.join(', ')}${by})`;
}

/**
 * MAX_DIFF_LINES and MAX_DIFF_CHARACTERS bound the record diffLines diffs, before and after together;
 * MAX_DIFF_EDITS bounds the lines it may remove or add. A line diff costs about (lines) x (edits),
 * so past these bounds the record is not diffed: its target shows one line that says so, with the
 * record's size, and the same in every format.
 */
export const MAX_DIFF_LINES = 20_000;
export const MAX_DIFF_CHARACTERS = 2_000_000;
export const MAX_DIFF_EDITS = 1_000;

/**
 * diffLines is a target's before -> after as unified-diff lines (` `, `-`, `+`, `@@`) of the cloud's
 * record as pretty JSON, with its state: what revoking changes. None for a target with nothing to
 * show (already revoked, missing, or a record that revoking leaves as it is). A record past the
 * bounds above is one `@@` line that says it is not diffed, and why.
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
  const change = `@@ ${t.before.state} -> ${expected} @@`;
  const full = '--format json shows it in full';
  const lines = [lineCount(before), lineCount(after)] as const;
  if (lines[0] + lines[1] > MAX_DIFF_LINES || before.length + after.length > MAX_DIFF_CHARACTERS) {
    return [
      `${change} not diffed: the record is too large (${lines[0]} lines, ${before.length} characters before; ${lines[1]} lines, ${after.length} characters after); ${full}`,
    ];
  }
  // Lines that are more often on one side than on the other must each be added or removed: when
  // they alone pass the bound, the diff is not run at all.
  const patch =
    changedAtLeast(before, after) > MAX_DIFF_EDITS
      ? undefined
      : structuredPatch('before', 'after', before, after, '', '', {
          context: 3,
          maxEditLength: MAX_DIFF_EDITS,
        });
  if (patch === undefined) {
    return [
      `${change} not diffed: more than ${MAX_DIFF_EDITS} of the record's lines are removed or added (${lines[0]} lines before, ${lines[1]} after); ${full}`,
    ];
  }
  const out: string[] = [];
  for (const hunk of patch.hunks) {
    out.push(
      `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@ ${t.before.state} -> ${expected}`,
    );
    for (const line of hunk.lines) if (!line.startsWith('\\')) out.push(line);
  }
  return out;
}

function recordText(record: unknown): string {
  return record === undefined ? '' : `${jsonText(JSON.stringify(record, null, 2))}\n`;
}

// The lines of a record's text, which ends with a line break (or is empty).
function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

// A lower bound of the lines a line diff of before and after adds or removes, in one pass: the
// difference of the times each line is on either side.
function changedAtLeast(before: string, after: string): number {
  const counts = new Map<string, number>();
  for (const line of before.split('\n')) counts.set(line, (counts.get(line) ?? 0) + 1);
  for (const line of after.split('\n')) counts.set(line, (counts.get(line) ?? 0) - 1);
  let changed = 0;
  for (const n of counts.values()) changed += Math.abs(n);
  return changed;
}

/**
 * policyLine is one policy result: effect, the rule and where it comes from, its message and reach,
 * as visibleText (apply prints it to a terminal as it is).
 */
export function policyLine(p: SavedPlan['policies'][number]): string {
  const where = p.source === 'builtin' ? 'built in' : p.source;
  const reach =
    p.targets.length === 0 ? '' : ` (${p.targets.length} ${p.targets.length === 1 ? 'target' : 'targets'})`;
  return visibleText(`${p.effect} ${p.policy}/${p.rule} [${where}]: ${p.message}${reach}`);
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
