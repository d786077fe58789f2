// RefreshingCredentials on a clock the test moves: one fetch however many wait, a refresh in the
// background before expiry while the old credentials still sign, a wait once they are too close to
// expiry, a refused version replaced, a failure answered again for a moment, every secret told.

import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/clouds/credentials.js';
import { RefreshingCredentials } from '../../src/credentials/refreshing.js';
import type { Issued } from '../../src/credentials/types.js';
import { CredentialsError } from '../../src/http/errors.js';

const keys = (n: number): Credentials => ({
  cloud: 'alibabacloud',
  kind: 'access-key',
  accessKeyId: `STS.ID${n}`,
  accessKeySecret: `secret-${n}`,
  securityToken: `CAIStoken-${n}`,
});

// A source whose nth fetch issues keys n, valid for lifetimeMs from the clock; resolve() lets a
// held fetch finish (hold: true).
function source(clock: { now: number }, lifetimeMs: number, hold = false) {
  let n = 0;
  const waiting: (() => void)[] = [];
  return {
    fetches: () => n,
    release: () => {
      for (const w of waiting.splice(0)) w();
    },
    fetch: async (): Promise<Issued> => {
      const issued = { credentials: keys(++n), expiresAt: clock.now + lifetimeMs };
      if (hold) await new Promise<void>((done) => waiting.push(done));
      return issued;
    },
  };
}

describe('RefreshingCredentials', () => {
  it('fetches once for every request that waits, and signs with the same version', async () => {
    const clock = { now: 1_000_000 };
    const s = source(clock, 3_600_000, true);
    const creds = new RefreshingCredentials(s.fetch, { now: () => clock.now });
    const waits = Array.from({ length: 50 }, () => creds.next());
    s.release();
    const got = await Promise.all(waits);
    expect(s.fetches()).toBe(1);
    expect(new Set(got.map((g) => g.version))).toEqual(new Set([1]));
    expect(creds.current()?.version).toBe(1);
  });

  it('refreshes in the background before expiry, signing with the old ones meanwhile; waits once too close', async () => {
    const clock = { now: 0 };
    const s = source(clock, 60_000);
    const creds = new RefreshingCredentials(s.fetch, { now: () => clock.now });
    await creds.next();
    // A third of the lifetime before expiry, a refresh starts; the old version still answers.
    clock.now = 39_000;
    expect(creds.current()?.version).toBe(1);
    expect(s.fetches()).toBe(1);
    clock.now = 41_000;
    expect(creds.current()?.version).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(s.fetches()).toBe(2);
    expect(creds.current()?.version).toBe(2);
    // Within the margin of the new expiry (a tenth of the lifetime, at most 30 s), nothing signs: next() fetches.
    clock.now = 41_000 + 55_000;
    expect(creds.current()).toBeUndefined();
    expect((await creds.next()).version).toBe(3);
  });

  it('replaces a refused version once, and says so; refused static keys stay refused', async () => {
    const clock = { now: 0 };
    const s = source(clock, 3_600_000);
    const creds = new RefreshingCredentials(s.fetch, { now: () => clock.now });
    const first = await creds.next();
    expect(await creds.refused(first.version)).toBe(true);
    expect(creds.current()?.version).toBe(2);
    // A second refusal of version 1 (a request signed before the refresh) finds version 2 ready.
    expect(await creds.refused(first.version)).toBe(true);
    expect(s.fetches()).toBe(2);
    expect(creds.stats.refused).toBe(2);

    const fixed = new RefreshingCredentials(async () => ({ credentials: keys(0) }), { now: () => clock.now });
    const v = await fixed.next();
    expect(await fixed.refused(v.version)).toBe(false);
  });

  it('fails with a CredentialsError when the credentials expire before they can be used', async () => {
    const clock = { now: 100_000 };
    const past = new RefreshingCredentials(async () => ({ credentials: keys(1), expiresAt: 50_000 }), {
      now: () => clock.now,
    });
    await expect(past.next()).rejects.toThrow(CredentialsError);
    await expect(past.next()).rejects.toThrow(
      /expired at 1970-01-01T00:00:50\.000Z, before they could be used/,
    );
  });

  it('answers a failed fetch again for a moment instead of fetching anew', async () => {
    const clock = { now: 0 };
    let calls = 0;
    const creds = new RefreshingCredentials(
      async () => {
        calls++;
        throw new CredentialsError('the token file is gone');
      },
      { now: () => clock.now, pauseMs: 1000 },
    );
    await expect(creds.next()).rejects.toThrow('the token file is gone');
    await expect(creds.next()).rejects.toThrow('the token file is gone');
    expect(calls).toBe(1);
    clock.now = 1500;
    await expect(creds.next()).rejects.toThrow('the token file is gone');
    expect(calls).toBe(2);
    expect(creds.stats.failures).toBe(2);
  });

  it('tells every secret it ever held, to listeners before and after', async () => {
    const clock = { now: 0 };
    const s = source(clock, 60_000);
    const creds = new RefreshingCredentials(s.fetch, { now: () => clock.now });
    const early: string[] = [];
    creds.onSecrets((v) => early.push(...v));
    const first = await creds.next();
    await creds.refused(first.version);
    const late: string[] = [];
    creds.onSecrets((v) => late.push(...v));
    const all = ['secret-1', 'CAIStoken-1', 'secret-2', 'CAIStoken-2'];
    expect(early).toEqual(all);
    expect(late).toEqual(all);
  });
});
