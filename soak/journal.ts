// Accounting for every line of a run's journal after kills and resumes, from the raw bytes (not through
// rescind's own reader): the journal as it was at each kill, and as it is at the end. A run's journal is
// split into attempts by its `run` lines; within an attempt each intent is answered by a `revoke` line of
// the same address and attempt number, or it was in flight when that attempt was killed.

/** Snapshot is a journal's bytes as they were right after a kill. */
export interface Snapshot {
  text: string;
}

/** JournalAudit is what the accounting found. */
export interface JournalAudit {
  lines: number;
  intents: number;
  revokeLines: number;
  targetLines: number;
  /** inFlight are, per killed attempt, its intents without a revoke line: calls maybe sent, answer lost. */
  inFlight: number[];
  /** torn counts the kills that left a line cut short. */
  torn: number;
  /** finals are each address's last `target` outcome. */
  finals: Map<string, string>;
  violations: string[];
}

type Line = { type?: unknown; address?: unknown; attempt?: unknown; outcome?: unknown; resumed?: unknown };

const DONE = new Set(['verified', 'already-revoked', 'applied-not-observable']);

/**
 * auditJournal accounts for the final journal text of a run that was killed once after each snapshot's
 * attempt and then finished, for a plan of the given addresses.
 */
export function auditJournal(
  finalText: string,
  snapshots: readonly Snapshot[],
  addresses: ReadonlySet<string>,
): JournalAudit {
  const violations: string[] = [];
  const audit: JournalAudit = {
    lines: 0,
    intents: 0,
    revokeLines: 0,
    targetLines: 0,
    inFlight: [],
    torn: 0,
    finals: new Map(),
    violations,
  };

  // Each kill: at most its last line torn, and what it had written is still the journal's beginning.
  snapshots.forEach((s, k) => {
    const cut = s.text.lastIndexOf('\n') + 1;
    if (cut < s.text.length) audit.torn++;
    if (!finalText.startsWith(s.text.slice(0, cut))) {
      violations.push(
        `kill ${k + 1}: the journal written before the kill is not the start of the final journal`,
      );
    }
    const headers = s.text
      .slice(0, cut)
      .split('\n')
      .filter((l) => l.startsWith('{"type":"run"')).length;
    if (headers !== k + 1) violations.push(`kill ${k + 1}: ${headers} run lines before it, not ${k + 1}`);
  });
  if (!finalText.endsWith('\n')) violations.push('the final journal ends with a torn line');

  const raw = finalText.split('\n');
  raw.pop();
  const attempts: Line[][] = [];
  raw.forEach((text, i) => {
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      violations.push(`line ${i + 1} is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
      return;
    }
    if (typeof line !== 'object' || line === null || Array.isArray(line)) {
      violations.push(`line ${i + 1} is not a JSON object`);
      return;
    }
    audit.lines++;
    if (line.type === 'run') attempts.push([]);
    const current = attempts[attempts.length - 1];
    if (current === undefined) violations.push(`line ${i + 1} comes before any run line`);
    else current.push(line);
  });
  if (attempts.length !== snapshots.length + 1) {
    violations.push(
      `${attempts.length} attempts journaled for ${snapshots.length} kills and one last resume`,
    );
  }

  // Addresses whose revoke was answered `revoked`, and those that ended done: neither may be called again.
  const revokedAt = new Map<string, number>();
  const doneAt = new Map<string, number>();
  attempts.forEach((lines, a) => {
    const last = a === attempts.length - 1;
    const first = lines[0];
    if (first?.resumed !== a > 0)
      violations.push(`attempt ${a + 1}: its run line says resumed ${String(first?.resumed)}`);
    const pending = new Map<string, number>();
    const ended = new Set<string>();
    lines.forEach((line, i) => {
      const address = typeof line.address === 'string' ? line.address : undefined;
      const key = `${address}#${String(line.attempt)}`;
      switch (line.type) {
        case 'run':
          if (i !== 0) violations.push(`attempt ${a + 1}: a second run line`);
          break;
        case 'intent':
          audit.intents++;
          if (address === undefined || !addresses.has(address))
            violations.push(`attempt ${a + 1}: an intent for ${address}, not a target of the plan`);
          else {
            if (revokedAt.has(address))
              violations.push(
                `attempt ${a + 1}: ${address} was revoked (journaled in attempt ${(revokedAt.get(address) ?? 0) + 1}) and is called again`,
              );
            if (doneAt.has(address))
              violations.push(
                `attempt ${a + 1}: ${address} ended done in attempt ${(doneAt.get(address) ?? 0) + 1} and is called again`,
              );
          }
          pending.set(key, (pending.get(key) ?? 0) + 1);
          break;
        case 'revoke': {
          audit.revokeLines++;
          const open = pending.get(key) ?? 0;
          if (open === 0) violations.push(`attempt ${a + 1}: a revoke line for ${key} without its intent`);
          else if (open === 1) pending.delete(key);
          else pending.set(key, open - 1);
          if (line.outcome === 'revoked' && address !== undefined && !revokedAt.has(address))
            revokedAt.set(address, a);
          break;
        }
        case 'target':
          audit.targetLines++;
          if (address === undefined || !addresses.has(address)) {
            violations.push(`attempt ${a + 1}: a target line for ${address}, not a target of the plan`);
            break;
          }
          if (ended.has(address)) violations.push(`attempt ${a + 1}: ${address} ended twice`);
          if (doneAt.has(address))
            violations.push(`attempt ${a + 1}: ${address} ended done before and ends again`);
          ended.add(address);
          audit.finals.set(address, String(line.outcome));
          if (DONE.has(String(line.outcome))) doneAt.set(address, a);
          break;
        case 'end':
          if (!last) violations.push(`attempt ${a + 1}: an end line, yet the attempt was killed`);
          if (i !== lines.length - 1) violations.push(`attempt ${a + 1}: lines after its end line`);
          break;
        default:
          violations.push(`attempt ${a + 1}: a line of unknown type ${JSON.stringify(line.type)}`);
      }
    });
    const open = [...pending.values()].reduce((n, v) => n + v, 0);
    if (last) {
      if (open > 0)
        violations.push(
          `the last attempt left ${open} intents without a revoke line: ${[...pending.keys()].slice(0, 5).join(', ')}`,
        );
      if (lines[lines.length - 1]?.type !== 'end') violations.push('the last attempt has no end line');
    } else audit.inFlight.push(open);
  });
  return audit;
}
