// Small helpers every provider uses: the bound on paging loops, and optional
// fields spread into call options and responses (exactOptionalPropertyTypes).

/**
 * MAX_PAGES bounds every paging loop: a server that keeps saying "more" would otherwise page forever.
 * No key, site or user has this many pages.
 */
export const MAX_PAGES = 10_000;

/** signalOf spreads an optional AbortSignal into call options. */
export function signalOf(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

/** requestIdOf spreads an optional request id into a RevokeResponse. */
export function requestIdOf(requestId: string | undefined): { requestId?: string } {
  return requestId === undefined || requestId === '' ? {} : { requestId };
}
