// Long work a step at a time: a generator that yields between its steps runs to its end at once
// (finish), or in slices of a few milliseconds with the event loop running between them (Stepped).
// A saved plan's checks run while the fresh plan's last reads are answered: in one piece they held every
// answer that came in meanwhile, and the reads that follow it (commit 205f735 gives the timings).

/** Steps is work that yields between its steps and returns T at its end. */
export type Steps<T> = Generator<void, T, void>;

/** finish runs steps to their end at once. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/** SLICE_MS is how long Stepped runs steps before it lets the event loop run. */
export const SLICE_MS = 4;

/**
 * Stepped runs one piece of work once, whoever asks first: `inSlices` a slice at a time, `now` what is
 * left at once (also while slices are under way: the slices then find it done). A step that throws ends
 * the work, and both give that error.
 */
export class Stepped<T> {
  readonly #steps: Steps<T>;
  #end: { readonly value: T } | { readonly error: unknown } | undefined;
  #slices: Promise<T> | undefined;

  constructor(steps: Steps<T>) {
    this.#steps = steps;
  }

  /** now runs what is left of the work at once and returns its result. */
  now(): T {
    while (this.#end === undefined) this.#step();
    return this.#result();
  }

  /** inSlices runs the work in slices of SLICE_MS, the event loop running before each (one run, however often asked). */
  inSlices(): Promise<T> {
    this.#slices ??= (async () => {
      while (this.#end === undefined) {
        await new Promise<void>((next) => setImmediate(next));
        // Date.now, not performance.now: the first use of `performance` loads a module.
        const until = Date.now() + SLICE_MS;
        while (this.#end === undefined && Date.now() < until) this.#step();
      }
      return this.#result();
    })();
    return this.#slices;
  }

  #step(): void {
    try {
      const step = this.#steps.next();
      if (step.done === true) this.#end = { value: step.value };
    } catch (error) {
      this.#end = { error };
    }
  }

  #result(): T {
    const end = this.#end;
    if (end === undefined || 'error' in end) throw end?.error;
    return end.value;
  }
}
