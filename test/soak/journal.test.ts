// The campaign's journal accounting (soak/journal.ts) finds what it claims to find: a checker that
// passes everything would make the kill-and-resume scenario prove nothing.

import { describe, expect, it } from 'vitest';
import { auditJournal } from '../../soak/journal.js';

const A = 'hw-prod/kms/k/grant/a';
const B = 'hw-prod/kms/k/grant/b';
const addresses = new Set([A, B]);
const line = (record: Record<string, unknown>) => `${JSON.stringify(record)}\n`;
const run = (resumed: boolean) => line({ type: 'run', resumed });
const intent = (address: string, attempt = 1) => line({ type: 'intent', address, attempt });
const revoke = (address: string, outcome = 'revoked', attempt = 1) =>
  line({ type: 'revoke', address, attempt, outcome });
const target = (address: string, outcome = 'verified') => line({ type: 'target', address, outcome });
const end = line({ type: 'end' });

// A run killed once with B's call in flight, then resumed: B is read, found revoked, verified.
const killed = run(false) + intent(A) + revoke(A) + target(A) + intent(B);
const torn = `${killed}{"type":"revoke","addr`;
const finished = `${killed + run(true) + target(B)}${end}`;

describe('auditJournal', () => {
  it('accounts for a run killed with a call in flight, its torn line, and its resume', () => {
    const audit = auditJournal(finished, [{ text: torn }], addresses);
    expect(audit.violations).toEqual([]);
    expect(audit.inFlight).toEqual([1]);
    expect(audit.torn).toBe(1);
    expect(audit.finals).toEqual(
      new Map([
        [A, 'verified'],
        [B, 'verified'],
      ]),
    );
  });

  it('finds a revoke sent again after its revoked answer was journaled', () => {
    const again = `${killed + run(true) + intent(A) + revoke(A, 'already-revoked') + target(B)}${end}`;
    expect(auditJournal(again, [{ text: killed }], addresses).violations).toEqual(
      expect.arrayContaining([expect.stringMatching(/grant\/a was revoked .* and is called again/)]),
    );
  });

  it('finds an intent left unanswered by a run that ended, and a revoke line without its intent', () => {
    const open = `${run(false) + intent(A) + revoke(B) + target(A)}${end}`;
    const violations = auditJournal(open, [], addresses).violations;
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/left 1 intents without a revoke line/),
        expect.stringMatching(/a revoke line for .*grant\/b#1 without its intent/),
      ]),
    );
  });

  it('finds a journal rewritten after a kill, a torn last line, and a line that is not JSON', () => {
    const rewritten = `${run(false) + intent(B) + run(true)}not json\n${target(A)}{"type":`;
    const violations = auditJournal(rewritten, [{ text: killed }], addresses).violations;
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/not the start of the final journal/),
        expect.stringMatching(/ends with a torn line/),
        expect.stringMatching(/line 4 is not JSON/),
      ]),
    );
  });

  it('finds a target ended twice, one that is not in the plan, and an end line in a killed attempt', () => {
    const odd = `${run(false) + target(A) + target(A) + target('elsewhere') + end + run(true)}${end}`;
    const violations = auditJournal(odd, [{ text: run(false) + target(A) }], addresses).violations;
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/grant\/a ended twice/),
        expect.stringMatching(/a target line for elsewhere/),
        expect.stringMatching(/an end line, yet the attempt was killed/),
      ]),
    );
  });
});
