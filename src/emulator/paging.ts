// One page of a list operation, whatever the cloud calls its paging (a marker, an offset, a
// page number), and the hostile paging a test asks for per operation (POST /_emulator/faults
// {"paging": …}): a list that repeats its marker, never ends, or loses an item between pages.

/** PAGING_FAULTS are the kinds of hostile paging: see docs/emulator.md, "Hostile paging". */
export const PAGING_FAULTS = ['repeat', 'endless', 'shrink'] as const;
/** PagingFaultKind is a kind of hostile paging. */
export type PagingFaultKind = (typeof PAGING_FAULTS)[number];

/** PagingFault is the hostile paging of one operation, from its page number afterPages (counting from 0) on. */
export interface PagingFault {
  fault: PagingFaultKind;
  /** afterPages is how many pages of the operation are answered normally first; default 1. */
  afterPages: number;
}

/** PagingFaults are hostile paging settings as given, by operation name (afterPages defaults to 1). */
export type PagingFaults = Record<string, { fault: PagingFaultKind; afterPages?: number }>;

/** MAX_AFTER_PAGES bounds afterPages. */
const MAX_AFTER_PAGES = 1_000_000;

/** Page is one page of a list: its items, the total the answer reports, and where the next page starts. */
export interface Page<T> {
  items: T[];
  /** total is the list's length as the answer reports it (the real one, but for `endless` and `shrink`). */
  total: number;
  /** next is the index the next page starts at; undefined on the last page. */
  next: number | undefined;
}

/**
 * parsePagingFaults validates the `paging` member of a POST /_emulator/faults body: an object of
 * operation names (each among pageable) to `{fault, afterPages?}` or null (no fault). It returns the
 * update: a null value removes that operation's fault.
 */
export function parsePagingFaults(
  value: unknown,
  pageable: readonly string[],
): { update: Record<string, PagingFault | null> } | { error: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      error: 'paging must be a JSON object of operation names, like {"ListKeys": {"fault": "endless"}}',
    };
  }
  const update: Record<string, PagingFault | null> = {};
  for (const [op, setting] of Object.entries(value)) {
    if (!pageable.includes(op)) {
      return {
        error: `paging: ${JSON.stringify(op)} is not a list operation that pages; those are ${pageable.join(', ')}`,
      };
    }
    if (setting === null) {
      update[op] = null;
      continue;
    }
    if (typeof setting !== 'object' || Array.isArray(setting)) {
      return {
        error: `paging.${op} must be {"fault": ${PAGING_FAULTS.join(' | ')}, "afterPages"?: N} or null`,
      };
    }
    const { fault, afterPages, ...rest } = setting as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) return { error: `paging.${op}: unknown setting ${JSON.stringify(extra)}` };
    if (!(PAGING_FAULTS as readonly unknown[]).includes(fault)) {
      return { error: `paging.${op}.fault must be one of ${PAGING_FAULTS.join(', ')}` };
    }
    const after = afterPages ?? 1;
    if (typeof after !== 'number' || !Number.isInteger(after) || after < 0 || after > MAX_AFTER_PAGES) {
      return { error: `paging.${op}.afterPages must be a whole number from 0 to ${MAX_AFTER_PAGES}` };
    }
    update[op] = { fault: fault as PagingFaultKind, afterPages: after };
  }
  return { update };
}

/**
 * Pager cuts the pages of every list operation and applies the hostile paging set for it. It counts
 * the pages it answers per operation (whatever the list's key, site or cluster) from the moment the
 * operation's fault was set or the emulator was reset; the same knobs and the same calls give the same
 * pages. It never changes the state.
 */
export class Pager {
  readonly #faults = new Map<string, PagingFault>();
  readonly #served = new Map<string, number>();
  readonly #repeatFrom = new Map<string, number>();

  /** faults are the current settings, by operation name. */
  get faults(): Record<string, PagingFault> {
    return Object.fromEntries(this.#faults);
  }

  /** update sets (or, with null, removes) the fault of some operations and restarts their page counts. */
  update(update: Record<string, PagingFault | null>): void {
    for (const [op, fault] of Object.entries(update)) {
      if (fault === null) this.#faults.delete(op);
      else this.#faults.set(op, fault);
      this.#served.delete(op);
      this.#repeatFrom.delete(op);
    }
  }

  /** reset restarts every page count (the settings stay). */
  reset(): void {
    this.#served.clear();
    this.#repeatFrom.clear();
  }

  /** endless tells whether op's list never ends: its markers may then pass the list's length. */
  endless(op: string): boolean {
    return this.#faults.get(op)?.fault === 'endless';
  }

  /** page is the page of all that starts at start and holds at most size items, as operation op answers it. */
  page<T>(op: string, all: readonly T[], start: number, size: number): Page<T> {
    const n = this.#served.get(op) ?? 0;
    this.#served.set(op, n + 1);
    const fault = this.#faults.get(op);
    if (fault === undefined || n < fault.afterPages) return plain(all, start, size);
    switch (fault.fault) {
      case 'repeat': {
        // The page where the fault began, again and again, with its own start as the next marker.
        const from = this.#repeatFrom.get(op) ?? start;
        this.#repeatFrom.set(op, from);
        return { items: all.slice(from, from + size), total: all.length, next: from };
      }
      case 'endless': {
        // Full pages of the list read round and round, a total always one beyond, never a last page.
        const items: T[] = [];
        for (let i = 0; all.length > 0 && i < size; i++) items.push(all[(start + i) % all.length] as T);
        return { items, total: start + size + 1, next: start + size };
      }
      default: {
        // One more item of the front of the list is gone at each page: the rest shifts forward.
        const gone = n - fault.afterPages + 1;
        return plain(all.slice(Math.min(gone, all.length)), start, size);
      }
    }
  }
}

function plain<T>(all: readonly T[], start: number, size: number): Page<T> {
  const end = Math.min(all.length, start + size);
  return { items: all.slice(start, end), total: all.length, next: end < all.length ? end : undefined };
}
