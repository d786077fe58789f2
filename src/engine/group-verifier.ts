// The verification of a group of targets that one read serves (their type's listKey: a KMS key's grants,
// an ACK user's clusters, an ESA site's certificates, an account's CCM CAs): targets revoked early wait,
// holding no slot, until their group's revokes are done (or a batch is full, or a while has passed),
// then one read answers every one of them.

import { verifyTarget, withSignal } from '../providers/common.js';
import { problem } from '../providers/diagnose.js';
import type { AnyRevocationType, Fields, ProviderAccount, VerifyResponse } from '../providers/types.js';
import { sharedReads } from './shared-reads.js';
import { type Slots, sparesFor } from './slots.js';

// A group's verification read serves at most this many targets, and waits at most this long for more.
const BATCH_MAX = 250;
const BATCH_WAIT_MS = 2000;

/**
 * GroupVerifier verifies the targets of one list: targets revoked early wait, without a slot, until
 * every target of the group has left its revoke step; then one task reads the list once (a fresh
 * SharedReads: nothing read before the revokes counts) and answers each of them.
 */
export class GroupVerifier {
  readonly #limit: Slots;
  readonly #provider: AnyRevocationType;
  readonly #account: ProviderAccount;
  readonly #signal: AbortSignal | undefined;
  readonly #stopped: () => boolean;
  #expected = 0;
  #waiting: { target: Fields; resolve: (v: VerifyResponse<unknown>) => void }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    limit: Slots,
    provider: AnyRevocationType,
    account: ProviderAccount,
    signal: AbortSignal | undefined,
    stopped: () => boolean,
  ) {
    this.#stopped = stopped;
    this.#limit = limit;
    this.#provider = provider;
    this.#account = account;
    this.#signal = signal;
  }

  /** expect counts one more target of the group still to revoke. */
  expect(): void {
    this.#expected++;
  }

  /** settle says a target of the group needs no verification from the group's read. */
  settle(): void {
    this.#expected--;
    this.#flush();
  }

  /** verify waits for the group's read after this target's revoke. */
  verify(target: Fields): Promise<VerifyResponse<unknown>> {
    return new Promise((resolve) => {
      this.#waiting.push({ target, resolve });
      this.#expected--;
      this.#flush();
    });
  }

  // A group's read waits for its last revoke, but not forever: a long group (a thousand grants of
  // one key) is verified in batches of BATCH_MAX, or every BATCH_WAIT_MS, so that progress shows.
  #flush(force = false): void {
    if (this.#waiting.length === 0) return;
    if (!force && this.#expected > 0 && this.#waiting.length < BATCH_MAX) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#flush(true);
      }, BATCH_WAIT_MS);
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#waiting;
    this.#waiting = [];
    // A read that makes its calls side by side (readCalls) takes a slot for each, so that they go out
    // together: the last group of a run is verified one round trip sooner.
    const spare = sparesFor(this.#provider);
    void this.#limit
      .run(
        async (lease) => {
          const reads = sharedReads();
          for (const w of batch) {
            // Stopped: no new read; the targets are reported interrupted, and a resume verifies them.
            if (this.#stopped()) {
              w.resolve({ verdict: 'not-verified', diagnostics: [] });
              continue;
            }
            w.resolve(
              await verifyTarget(this.#provider, {
                account: this.#account,
                target: w.target,
                reads,
                together: batch.length,
                alongside: (call) => lease.alongside(call),
                ...withSignal(this.#signal),
              }),
            );
          }
        },
        true,
        undefined,
        spare,
      )
      .catch((e: unknown) => {
        // A bug in a provider: every waiting target hears of it rather than waiting forever.
        const message = e instanceof Error ? e.message : String(e);
        for (const w of batch)
          w.resolve({ verdict: 'not-verified', diagnostics: [problem('apply.not-verified', message)] });
      });
  }
}
