// What every format of a run's report shares: each outcome's glyph and words, the title, the line of a
// target, the counts per type, and the one summary line.

import { type ApplyReport, countKey, type ReportTarget, type TargetOutcome } from '../../plan/run.js';

/** Outcome is each outcome's glyph and words, as every format shows them. */
export const Outcome: Readonly<Record<TargetOutcome, { glyph: string; label: string }>> = {
  verified: { glyph: '✓', label: 'verified' },
  'already-revoked': { glyph: '=', label: 'already revoked' },
  'applied-not-observable': { glyph: '?', label: 'applied (not observable)' },
  failed: { glyph: 'x', label: 'failed' },
  drift: { glyph: '!', label: 'drift' },
  'absent-since-plan': { glyph: '∅', label: 'absent since the plan' },
  interrupted: { glyph: '~', label: 'interrupted' },
  'not-started': { glyph: '.', label: 'not started' },
};

/** title is the report's first line. */
export function runTitle(report: ApplyReport): string {
  const ticket = report.plan.ticket === undefined ? '' : ` (${report.plan.ticket})`;
  return `rescind apply ${report.plan.name}${ticket}, run ${report.runId}`;
}

/** targetLine is a target's headline: outcome, address, type, ids, request id. */
export function targetLine(t: ReportTarget): string {
  return `${Outcome[t.outcome].glyph} ${Outcome[t.outcome].label}: ${targetDetail(t)}`;
}

/** targetDetail is targetLine after the outcome: address, type, ids, request id, revoke calls. */
export function targetDetail(t: ReportTarget): string {
  const id = t.requestId === undefined ? '' : `, request id ${t.requestId}`;
  const calls = t.revokes > 1 ? `, ${t.revokes} revoke calls` : '';
  return `${t.address} (${t.type}, from ${t.ids.join(', ')}${id}${calls})`;
}

/** OutcomeRow is the number of targets of one type in each outcome. */
export interface OutcomeRow {
  type: string;
  counts: Readonly<Record<TargetOutcome, number>>;
}

/** countsByType counts a report's targets per type and outcome, types in report order. */
export function outcomesByType(report: ApplyReport, outcomes: readonly TargetOutcome[]): OutcomeRow[] {
  const rows = new Map<string, Record<TargetOutcome, number>>();
  for (const t of report.targets) {
    let counts = rows.get(t.type);
    if (counts === undefined) {
      counts = Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<TargetOutcome, number>;
      rows.set(t.type, counts);
    }
    counts[t.outcome]++;
  }
  return [...rows].map(([type, counts]) => ({ type, counts }));
}

/** runSummaryLine is the one line that ends every report. */
export function runSummaryLine(report: ApplyReport, outcomes: readonly TargetOutcome[]): string {
  const head =
    report.status === 'done'
      ? 'Apply complete'
      : report.status === 'failed'
        ? 'Apply failed'
        : report.status === 'interrupted'
          ? 'Apply interrupted'
          : 'Apply incomplete';
  const always: TargetOutcome[] = ['verified', 'already-revoked', 'applied-not-observable', 'failed'];
  const parts = outcomes
    .filter((o) => always.includes(o) || report.summary[countKey(o)] > 0)
    .map((o) => `${report.summary[countKey(o)]} ${Outcome[o].label}`);
  const resume = report.status === 'done' ? '' : ` Resume with: ${resumeCommand(report)}`;
  return `${head}: ${parts.join(', ')}.${resume}`;
}

/**
 * resumeCommand is the command that resumes a run with every option it was applied with (its config and
 * policy files), each file quoted for a POSIX shell so that no name can run anything when pasted.
 */
export function resumeCommand(report: Pick<ApplyReport, 'runId' | 'resumeWith'>): string {
  const args = ['rescind', 'apply', '--resume', report.runId];
  const config = report.resumeWith?.config;
  if (config !== undefined) args.push('--config', shellQuote(config));
  for (const p of report.resumeWith?.policies ?? []) args.push('--policy', shellQuote(p));
  return args.join(' ');
}

// A word as a shell reads it back: as is when it holds only safe characters, else single-quoted; a word
// with a control, line-separating or bidi character is written in bash's $'...' with each such character
// escaped, so that it can neither break the line nor reorder what is shown.
function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(word)) return word;
  if (!UNSHOWABLE.test(word)) return `'${word.replaceAll("'", "'\\''")}'`;
  let out = "$'";
  for (const ch of word) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (!UNSHOWABLE.test(ch)) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}'`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these characters are what is escaped
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
