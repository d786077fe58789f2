// The scheduler of an apply: at most n calls at once, in two queues, so that targets finish as they go.
// A task may name work that must be done before it starts (a journal's intent), started ahead of it,
// and may give its slot back while it waits for a cloud's rate (paced).

import type { AnyRevocationType, ProviderAccount } from '../providers/types.js';

/**
 * Slots runs at most n tasks at once, in two queues: urgent tasks (a started target's verification,
 * a retry) go before normal ones (a new target's revoke), so that targets finish as they go, not all
 * at the end, and a stop leaves few targets between their revoke and their verification.
 */
export class Slots {
  readonly #n: number;
  #active = 0;
  #filling = false;
  readonly #urgent: Waiting[] = [];
  readonly #normal: Waiting[] = [];

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`concurrency must be a whole number >= 1, got ${n}`);
    this.#n = n;
  }

  /** size is how many tasks may run at once. */
  get size(): number {
    return this.#n;
  }

  /**
   * run runs task in a slot. before, when given, must be done before task starts (a journal's intent):
   * it is started ahead, once the task is among the next n to run, so that the slot does not wait for
   * it, and never further ahead than that. The task is handed its lease on the slot: it may give the
   * slot back while it waits for something that is not a call (a cloud's rate), and take one again.
   * spare asks for that many more slots with it (at most n - 1), for calls the task makes beside its own
   * (lease.alongside): it waits, in its turn, until they are all free; those it does not use are given
   * back when it ends.
   */
  run<T>(
    task: (lease: Lease) => Promise<T>,
    urgent = false,
    before?: () => Promise<void>,
    spare = 0,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let held = false;
      let spares = 0;
      const lease: Lease = {
        alongside: <R>(call: () => Promise<R>): Promise<R> | undefined => {
          if (spares === 0) return this.alongside(call);
          spares--;
          return new Promise<R>((done) => done(call())).finally(() => this.#free());
        },
        release: () => {
          if (!held) return;
          held = false;
          this.#free();
        },
        reacquire: () =>
          new Promise<void>((granted) => {
            if (held) return granted();
            const take = () => {
              this.#active++;
              held = true;
              granted();
            };
            if (this.#canStart(1)) take();
            else this.#urgent.push({ before: undefined, ready: undefined, need: 1, start: take });
          }),
      };
      // Every member from the start, so that all share one hidden class (docs/contributing.md).
      const waiting: Waiting = {
        before,
        ready: undefined,
        need: 1 + Math.max(0, Math.min(spare, this.#n - 1)),
        start: () => {
          this.#active += waiting.need;
          held = true;
          spares = waiting.need - 1;
          (waiting.ready ?? Promise.resolve())
            .then(() => (before !== undefined && waiting.ready === undefined ? before() : undefined))
            .then(() => task(lease))
            .then(resolve, reject)
            .finally(() => {
              for (; spares > 0; spares--) this.#free();
              if (held) {
                held = false;
                this.#free();
              }
            });
        },
      };
      if (this.#canStart(waiting.need)) waiting.start();
      else {
        (urgent ? this.#urgent : this.#normal).push(waiting);
        // Only a task among the next n to run is prepared: past them, the scan would find nothing to do
        // (2,000 targets queued at once scanned the first n 2,000 times).
        if (urgent || this.#urgent.length + this.#normal.length <= this.#n) this.#prepareAhead();
      }
    });
  }

  /**
   * alongside runs call at once in a slot that is free now and that no task waits for, and gives the
   * slot back when it ends; undefined when there is none. A read that makes two calls (ACK's two lists
   * of a user) makes the second beside the first when the concurrency leaves room, never beyond it.
   */
  alongside<R>(call: () => Promise<R>): Promise<R> | undefined {
    if (!this.#canStart(1)) return undefined;
    this.#active++;
    return new Promise<R>((resolve) => resolve(call())).finally(() => this.#free());
  }

  // need slots are free and nobody waits for them (tasks wait while too few slots are free, a fill is
  // due, or a task ahead of them waits for room).
  #canStart(need: number): boolean {
    return (
      this.#active + need <= this.#n &&
      !this.#filling &&
      this.#urgent.length === 0 &&
      this.#normal.length === 0
    );
  }

  // A slot given back: the next waiting tasks (urgent first) take the free slots, once the answers
  // already read from the network have been handled. A slot freed by an answer that started the next
  // call at once sent it before the answers behind it were read: at 64 calls in flight, the first
  // answers of a burst are its earliest sends and the cloud's throttling answers its last, and 30 more
  // calls went into an empty bucket before the first throttling answer was heard.
  #free(): void {
    this.#active--;
    if (this.#filling) return;
    this.#filling = true;
    setImmediate(() => {
      this.#filling = false;
      for (;;) {
        // In turn: a task that needs more slots than are free holds those behind it.
        const queue = this.#urgent.length > 0 ? this.#urgent : this.#normal;
        const next = queue[0];
        if (next === undefined || this.#active + next.need > this.#n) break;
        queue.shift();
        next.start();
      }
      this.#prepareAhead();
    });
  }

  // Starts the `before` of the next n waiting tasks, in the order they will run.
  #prepareAhead(): void {
    let ahead = 0;
    for (const queue of [this.#urgent, this.#normal]) {
      for (const w of queue) {
        if (ahead++ >= this.#n) return;
        if (w.before !== undefined && w.ready === undefined) {
          w.ready = w.before();
          // Awaited when the task starts; a failure then fails the task, never unhandled before.
          w.ready.catch(() => {});
        }
      }
    }
  }
}

/** Lease is a running task's hold on its slot: given back while it waits, taken again (ahead of new tasks). */
export interface Lease {
  release(): void;
  reacquire(): Promise<void>;
  /**
   * alongside runs call in one of the task's spare slots (Slots.run), given back when call ends; with
   * none left, as Slots.alongside does (undefined when no slot is free).
   */
  alongside<R>(call: () => Promise<R>): Promise<R> | undefined;
}

interface Waiting {
  start: () => void;
  before: (() => Promise<void>) | undefined;
  ready: Promise<void> | undefined;
  /** need is how many slots the task takes when it starts: its own and its spares. */
  need: number;
}

/** sparesFor is how many slots a read of type takes beside its own: its readCalls less one. */
export function sparesFor(type: Pick<AnyRevocationType, 'readCalls'>): number {
  return (type.readCalls ?? 1) - 1;
}

/**
 * paced is the account as a task's calls see it: a call that waits for its operation's rate gives the
 * task's slot back meanwhile (the HTTP layer's pacer), so that targets of other operations go at their
 * own rates instead of queueing behind the slowest.
 */
export function paced(account: ProviderAccount, lease: Lease): ProviderAccount {
  const http = account.http;
  // Copies by Object.assign, not by spreads (docs/contributing.md, "Objects on hot paths").
  const call: typeof http.call = (o) => http.call(Object.assign({}, o, { pacer: lease }));
  return Object.assign({}, account, { http: Object.assign({}, http, { call }) });
}

/** abortableSleep waits ms, or less when signal aborts (then it rejects). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
