// What comes next for a target, decided from what was just seen of it and how often it was tried: a
// table per decision, no I/O.

import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import {
  afterLastRead,
  afterRead,
  afterRevoke,
  afterVerify,
  DEFAULT_BUDGET,
  type Tried,
} from '../../src/engine/next-step.js';
import type { Observation } from '../../src/plan/model.js';
import type { RevokeResponse, VerifyResponse } from '../../src/providers/types.js';
import { plannedTarget } from '../helpers/scripted.js';

const record = { id: 'a', holder: 'u' };
const planned = plannedTarget('a', { state: 'active', record });
const plannedRevoked = { ...plannedTarget('a', { state: 'revoked', record }), action: 'revoke' as const };
const fresh: Tried = { revokes: 0, sentBefore: false, pass: 0 };
const revokedOnce: Tried = { revokes: 1, sentBefore: false, pass: 0 };
const resumed: Tried = { revokes: 0, sentBefore: true, pass: 0 };
const spent: Tried = { revokes: 3, sentBefore: false, pass: 2 };
const fault = (code: Diagnostic['code'], message = `${code}: HTTP 503`): Diagnostic => ({
  severity: 'error',
  code,
  message,
});
const seen = (state: Observation['state'], r: object | undefined = record): Observation =>
  r === undefined ? { state } : { state, record: r };

describe('afterRead', () => {
  it.each([
    ['active as planned', planned, seen('active'), fresh, { next: 'revoke' }],
    [
      'revoked now, not by us',
      planned,
      seen('revoked'),
      fresh,
      { next: 'finish', outcome: 'already-revoked' },
    ],
    [
      'absent now, not by us',
      planned,
      seen('absent', undefined),
      fresh,
      { next: 'finish', outcome: 'absent-since-plan' },
    ],
    [
      'absent after our call',
      planned,
      seen('absent', undefined),
      revokedOnce,
      { next: 'finish', outcome: 'verified' },
    ],
    [
      'absent after a call of an earlier attempt',
      planned,
      seen('absent', undefined),
      resumed,
      { next: 'finish', outcome: 'verified' },
    ],
    [
      'record changed',
      planned,
      seen('active', { id: 'a', holder: 'v' }),
      fresh,
      { next: 'finish', outcome: 'drift' },
    ],
    [
      'record changed, after our call: not drift',
      planned,
      seen('active', { id: 'a', holder: 'v' }),
      revokedOnce,
      { next: 'revoke' },
    ],
    [
      'came back since planned revoked',
      plannedRevoked,
      seen('active'),
      fresh,
      { next: 'finish', outcome: 'drift' },
    ],
    [
      'still active with the budget spent',
      planned,
      seen('active'),
      spent,
      { next: 'finish', outcome: 'failed' },
    ],
  ] as const)('%s', (_, target, observation, tried, expected) => {
    expect(afterRead(target, { observation, diagnostics: [] }, tried, DEFAULT_BUDGET)).toMatchObject(
      expected,
    );
  });

  it.each([
    ['throttled, first pass', fault('cloud.throttled'), 0, 'read-again'],
    ['unreachable, second pass', fault('cloud.unreachable'), 1, 'read-again'],
    ['a 5xx on the last pass', fault('cloud.error'), 2, 'finish'],
    ['a 4xx, first pass', fault('cloud.error', 'denied: HTTP 403'), 0, 'finish'],
  ] as const)('a failed read: %s', (_, d, pass, next) => {
    expect(afterRead(planned, { diagnostics: [d] }, { ...fresh, pass }, DEFAULT_BUDGET).next).toBe(next);
  });
});

describe('afterRevoke', () => {
  it.each([
    ['revoked, observable', { outcome: 'revoked', diagnostics: [] }, revokedOnce, true, { next: 'verify' }],
    [
      'revoked, not observable',
      { outcome: 'revoked', diagnostics: [] },
      revokedOnce,
      false,
      { next: 'finish', outcome: 'applied-not-observable' },
    ],
    [
      'already revoked',
      { outcome: 'already-revoked', diagnostics: [] },
      revokedOnce,
      true,
      { next: 'finish', outcome: 'verified' },
    ],
    [
      'throttled, budget left',
      { outcome: 'failed', diagnostics: [fault('cloud.throttled')] },
      revokedOnce,
      true,
      { next: 'read-again', last: false },
    ],
    [
      'throttled, budget spent',
      { outcome: 'failed', diagnostics: [fault('cloud.throttled')] },
      spent,
      true,
      { next: 'read-again', last: true },
    ],
    [
      'uncertain',
      { outcome: 'failed', uncertain: true, diagnostics: [fault('cloud.error', 'gone: HTTP 400')] },
      revokedOnce,
      true,
      { next: 'read-again' },
    ],
    [
      'a 4xx',
      { outcome: 'failed', diagnostics: [fault('cloud.error', 'denied: HTTP 403')] },
      revokedOnce,
      true,
      { next: 'finish', outcome: 'failed' },
    ],
  ] as const)('%s', (_, revoked, tried, observable, expected) => {
    expect(
      afterRevoke(
        planned,
        structuredClone(revoked) as unknown as RevokeResponse,
        tried,
        DEFAULT_BUDGET,
        observable,
      ),
    ).toMatchObject(expected);
  });

  it('after the last failed call, a read that shows it gone proves an earlier call; else the failure stands', () => {
    const failure = [fault('cloud.throttled')];
    expect(
      afterLastRead(planned, { observation: seen('revoked'), diagnostics: [] }, spent, failure),
    ).toMatchObject({
      outcome: 'verified',
    });
    expect(
      afterLastRead(planned, { observation: seen('active'), diagnostics: [] }, spent, failure),
    ).toMatchObject({
      outcome: 'failed',
      diagnostics: failure,
    });
  });
});

describe('afterVerify', () => {
  it.each([
    [
      'verified',
      { verdict: 'verified', observation: seen('revoked'), diagnostics: [] },
      0,
      revokedOnce,
      { next: 'finish', outcome: 'verified' },
    ],
    [
      'not yet, reads left',
      { verdict: 'not-verified', observation: seen('active'), diagnostics: [] },
      0,
      revokedOnce,
      { next: 'verify-again' },
    ],
    [
      'not after every read, budget left',
      { verdict: 'not-verified', observation: seen('active'), diagnostics: [] },
      2,
      revokedOnce,
      { next: 'round' },
    ],
    [
      'not after every read, budget spent',
      { verdict: 'not-verified', observation: seen('active'), diagnostics: [] },
      2,
      spent,
      { next: 'finish', outcome: 'failed' },
    ],
    [
      'unreadable, a 4xx',
      { verdict: 'not-verified', diagnostics: [fault('cloud.error', 'denied: HTTP 403')] },
      0,
      revokedOnce,
      { next: 'finish', outcome: 'failed' },
    ],
    [
      'unreadable, throttled',
      { verdict: 'not-verified', diagnostics: [fault('cloud.throttled')] },
      0,
      revokedOnce,
      { next: 'verify-again' },
    ],
  ] as const)('%s', (_, verdict, attempt, tried, expected) => {
    expect(
      afterVerify(
        planned,
        structuredClone(verdict) as unknown as VerifyResponse<unknown>,
        attempt,
        tried,
        DEFAULT_BUDGET,
      ),
    ).toMatchObject(expected);
  });
});
