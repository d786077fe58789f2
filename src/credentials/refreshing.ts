// The credentials an account signs with while a run lasts: fetched once, kept, and refreshed before
// they expire, with one refresh at a time however many requests ask (single flight). The sign
// interceptor asks current() on every attempt (a cached value); a refresh starts in the background once
// the credentials near their expiry, and a request waits only when none are fresh enough to sign with.

import { type Credentials, secretValues, signerFor } from '../clouds/credentials.js';
import type { RotatingSigner, SignerVersion } from '../clouds/wire.js';
import { CredentialsError } from '../http/errors.js';
import { type AbortLike, abortReason, type Clock } from '../http/meta.js';
import type { Issued } from './types.js';

/** Fetch obtains credentials from a source; it rejects with a CredentialsError naming the source and why. */
export type Fetch = (signal?: AbortSignal) => Promise<Issued>;

/** RefreshOptions tune when credentials are refreshed; now is injectable for tests. */
export interface RefreshOptions {
  readonly now?: Clock;
  /** aheadMs is the most time before expiry a refresh starts in the background; default 5 minutes. */
  readonly aheadMs?: number;
  /** marginMs is the most time before expiry credentials stop being used at all; default 30 s. */
  readonly marginMs?: number;
  /** pauseMs is how long a failed fetch is answered again instead of fetched anew; default 1 s. */
  readonly pauseMs?: number;
}

/** RefreshStats count what the credentials went through, for tests and the measured numbers of docs. */
export interface RefreshStats {
  /** fetches counts the fetches that succeeded, the first one included. */
  fetches: number;
  /** failures counts the fetches that failed. */
  failures: number;
  /** refused counts the answers that refused credentials as expired. */
  refused: number;
}

interface Held extends SignerVersion {
  readonly credentials: Credentials;
  readonly expiresAt: number | undefined;
  /** refreshAt: past it a refresh starts in the background. */
  readonly refreshAt: number;
  /** usableUntil: past it the credentials are not used; a request waits for new ones. */
  usableUntil: number;
}

/**
 * RefreshingCredentials is the RotatingSigner of one account. A fetch whose credentials expire within
 * the margin (or already did, or say no expiry where one is required by their source) fails like any
 * fetch: with a CredentialsError, which a request that waited for it fails with. Every secret ever
 * fetched is told to onSecrets listeners, so that redaction follows the credentials as they rotate.
 */
export class RefreshingCredentials implements RotatingSigner {
  readonly stats: RefreshStats = { fetches: 0, failures: 0, refused: 0 };
  readonly #fetch: Fetch;
  readonly #now: Clock;
  readonly #aheadMs: number;
  readonly #marginMs: number;
  readonly #pauseMs: number;
  readonly #secrets: string[] = [];
  readonly #listeners: ((secrets: readonly string[]) => void)[] = [];
  #held: Held | undefined;
  #inflight: Promise<Held> | undefined;
  #failed: { readonly at: number; readonly error: CredentialsError } | undefined;
  #version = 0;

  constructor(fetch: Fetch, options: RefreshOptions = {}) {
    this.#fetch = fetch;
    this.#now = options.now ?? Date.now;
    this.#aheadMs = options.aheadMs ?? 5 * 60_000;
    this.#marginMs = options.marginMs ?? 30_000;
    this.#pauseMs = options.pauseMs ?? 1000;
  }

  /** credentials are the credentials held now, undefined before the first fetch. */
  get credentials(): Credentials | undefined {
    return this.#held?.credentials;
  }

  /** expiresAt is when the credentials held now expire (epoch ms); undefined when they do not. */
  get expiresAt(): number | undefined {
    return this.#held?.expiresAt;
  }

  current(): SignerVersion | undefined {
    const held = this.#held;
    if (held === undefined) return undefined;
    const now = this.#now();
    if (now >= held.usableUntil) return undefined;
    if (now >= held.refreshAt && this.#inflight === undefined && !this.#pausing(now)) {
      // In the background: the credentials held sign until the new ones arrive.
      this.#refresh().catch(() => {});
    }
    return held;
  }

  next(signal?: AbortLike): Promise<SignerVersion> {
    const held = this.current();
    if (held !== undefined) return Promise.resolve(held);
    return raceSignal(this.#refresh(), signal);
  }

  async refused(version: number, signal?: AbortLike): Promise<boolean> {
    this.stats.refused++;
    const held = this.#held;
    if (held !== undefined && held.version > version && this.#now() < held.usableUntil) return true;
    // The credentials held were refused: never use them again, whatever their expiry said.
    if (held !== undefined && held.version === version) held.usableUntil = 0;
    try {
      const fresh = await raceSignal(this.#refresh(), signal);
      return fresh.version > version && !sameCredentials(fresh.credentials, held?.credentials);
    } catch {
      return false;
    }
  }

  onSecrets(listener: (secrets: readonly string[]) => void): void {
    this.#listeners.push(listener);
    if (this.#secrets.length > 0) listener([...this.#secrets]);
  }

  /** resolve fetches the first credentials (or answers the ones held while fresh); see next(). */
  resolve(signal?: AbortSignal): Promise<SignerVersion> {
    return this.next(signal);
  }

  #pausing(now: number): boolean {
    return this.#failed !== undefined && now - this.#failed.at < this.#pauseMs;
  }

  // One fetch at a time: every caller during it gets its outcome. A failure is answered again for
  // pauseMs, so that a thousand waiting requests do not become a thousand fetches.
  #refresh(): Promise<Held> {
    if (this.#inflight !== undefined) return this.#inflight;
    const now = this.#now();
    if (this.#failed !== undefined && this.#pausing(now)) return Promise.reject(this.#failed.error);
    const run = this.#fetch()
      .then((issued) => this.#hold(issued))
      .then(
        (held) => {
          this.#failed = undefined;
          this.stats.fetches++;
          return held;
        },
        (err: unknown) => {
          const error =
            err instanceof CredentialsError
              ? err
              : new CredentialsError(err instanceof Error ? err.message : String(err), { cause: err });
          this.#failed = { at: this.#now(), error };
          this.stats.failures++;
          throw error;
        },
      )
      .finally(() => {
        this.#inflight = undefined;
      });
    this.#inflight = run;
    return run;
  }

  #hold(issued: Issued): Held {
    const now = this.#now();
    const { credentials, expiresAt } = issued;
    this.#remember(secretValues(credentials));
    if (expiresAt !== undefined && !Number.isFinite(expiresAt)) {
      throw new CredentialsError('the credentials came with an expiry that is not a time');
    }
    let refreshAt = Number.POSITIVE_INFINITY;
    let usableUntil = Number.POSITIVE_INFINITY;
    if (expiresAt !== undefined) {
      const lifetime = expiresAt - now;
      const margin = Math.min(this.#marginMs, Math.max(0, lifetime) / 10);
      if (lifetime <= 0 || expiresAt - margin <= now) {
        throw new CredentialsError(
          `the credentials expired at ${new Date(expiresAt).toISOString()}, before they could be used (is this machine's clock right?)`,
        );
      }
      refreshAt = expiresAt - Math.min(this.#aheadMs, lifetime / 3);
      usableUntil = expiresAt - margin;
    }
    const held: Held = {
      version: ++this.#version,
      signer: signerFor(credentials),
      credentials,
      expiresAt,
      refreshAt,
      usableUntil,
    };
    this.#held = held;
    return held;
  }

  #remember(values: readonly string[]): void {
    const added = values.filter((v) => v !== '' && !this.#secrets.includes(v));
    if (added.length === 0) return;
    this.#secrets.push(...added);
    for (const listener of this.#listeners) {
      try {
        listener(added);
      } catch {
        // A listener's failure must not change which credentials sign.
      }
    }
  }
}

function sameCredentials(a: Credentials, b: Credentials | undefined): boolean {
  if (b === undefined || a.kind !== b.kind) return false;
  return secretValues(a).join('\u0000') === secretValues(b).join('\u0000');
}

// The promise, or the signal's abort: one request giving up does not stop a refresh others wait for.
function raceSignal<T>(promise: Promise<T>, signal: AbortLike | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
