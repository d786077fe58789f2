// Fault injection: settings and their validation, a seeded PRNG, a token bucket per
// operation, and the one decision per request (throttle, drop, 5xx, latency). Every
// random draw comes from the seeded PRNG, four per request, so a run is reproducible.

/** FaultSettings are the fault flags of `rescind emulator`, in camelCase. */
export interface FaultSettings {
  /** latencyMs is added to every answer of a cloud API. */
  latencyMs: number;
  /** jitterMs adds a uniform random [0, jitterMs) on top of latencyMs. */
  jitterMs: number;
  /** errorRate is the fraction of requests answered with a 5xx in the cloud's shape. */
  errorRate: number;
  /** throttleRps is the rate per operation above which requests get the cloud's throttling answer; 0 = none. */
  throttleRps: number;
  /** dropRate is the fraction of requests whose connection is destroyed without an answer. */
  dropRate: number;
  /** seed seeds the PRNG of every random decision. */
  seed: number;
}

/** defaultFaults: no faults at all. */
export const defaultFaults: Readonly<FaultSettings> = {
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  throttleRps: 0,
  dropRate: 0,
  seed: 1,
};

interface Bound {
  min: number;
  max: number;
  integer: boolean;
}

const BOUNDS: Readonly<Record<keyof FaultSettings, Bound>> = {
  latencyMs: { min: 0, max: 600_000, integer: true },
  jitterMs: { min: 0, max: 600_000, integer: true },
  errorRate: { min: 0, max: 1, integer: false },
  throttleRps: { min: 0, max: 1_000_000, integer: false },
  dropRate: { min: 0, max: 1, integer: false },
  seed: { min: 0, max: 4_294_967_295, integer: true },
};

/** faultNames lists the settings' names, in the order of the docs. */
export const faultNames = Object.keys(BOUNDS) as (keyof FaultSettings)[];

/** checkFaultValue returns why value is not valid for setting name, or undefined when it is. */
export function checkFaultValue(name: keyof FaultSettings, value: unknown): string | undefined {
  const b = BOUNDS[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a number`;
  if (b.integer && !Number.isInteger(value)) return `${name} must be a whole number`;
  if (value < b.min || value > b.max) return `${name} must be from ${b.min} to ${b.max}`;
  return undefined;
}

/** parseFaultUpdate validates a POST /_emulator/faults body: a JSON object of some settings. */
export function parseFaultUpdate(body: unknown): { update: Partial<FaultSettings> } | { error: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { error: `the body must be a JSON object with some of ${faultNames.join(', ')}, paging` };
  }
  const update: Partial<FaultSettings> = {};
  for (const [name, value] of Object.entries(body)) {
    if (!Object.hasOwn(BOUNDS, name)) {
      return {
        error: `unknown fault setting ${JSON.stringify(name)}; expected ${faultNames.join(', ')} or paging`,
      };
    }
    const key = name as keyof FaultSettings;
    const problem = checkFaultValue(key, value);
    if (problem !== undefined) return { error: problem };
    update[key] = value as number;
  }
  return { update };
}

/** mulberry32 is a small, fast, seeded PRNG returning numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FaultDecision is what happens to one request. */
export interface FaultDecision {
  /** throttled: answer with the cloud's throttling error; retryAfterMs is when a token is back. */
  throttled: boolean;
  retryAfterMs: number;
  /** drop: destroy the connection; 'after' first performs the request (the answer is lost). */
  drop: 'none' | 'before' | 'after';
  /** serverError: answer with a 5xx in the cloud's shape, without performing the request. */
  serverError: boolean;
  /** delayMs: wait this long before answering. */
  delayMs: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** FaultInjector decides the fate of each request from the settings and the seeded PRNG. */
export class FaultInjector {
  #settings: FaultSettings;
  #random: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(settings: Partial<FaultSettings> = {}) {
    this.#settings = { ...defaultFaults, ...settings };
    this.#random = mulberry32(this.#settings.seed);
  }

  /** settings are the current settings. */
  get settings(): Readonly<FaultSettings> {
    return this.#settings;
  }

  /** update changes some settings; a new seed or rate restarts the PRNG or the buckets. */
  update(update: Partial<FaultSettings>): void {
    this.#settings = { ...this.#settings, ...update };
    if (update.seed !== undefined) this.#random = mulberry32(this.#settings.seed);
    if (update.throttleRps !== undefined) this.#buckets.clear();
  }

  /** reset restarts the PRNG from the seed and refills every bucket. */
  reset(): void {
    this.#random = mulberry32(this.#settings.seed);
    this.#buckets.clear();
  }

  /** decide draws the fate of one request to operation op at time nowMs (milliseconds). */
  decide(op: string, nowMs: number): FaultDecision {
    const s = this.#settings;
    // Always four draws, in this order, whatever the settings: runs stay aligned.
    const dropDraw = this.#random();
    const dropWhen = this.#random();
    const errorDraw = this.#random();
    const jitterDraw = this.#random();
    const delayMs = s.latencyMs + Math.floor(jitterDraw * s.jitterMs);
    const decision: FaultDecision = {
      throttled: false,
      retryAfterMs: 0,
      drop: 'none',
      serverError: false,
      delayMs,
    };
    if (s.throttleRps > 0) {
      const wait = this.#take(op, nowMs, s.throttleRps);
      if (wait > 0) {
        decision.throttled = true;
        decision.retryAfterMs = wait;
        return decision;
      }
    }
    if (dropDraw < s.dropRate) {
      decision.drop = dropWhen < 0.5 ? 'before' : 'after';
      return decision;
    }
    if (errorDraw < s.errorRate) decision.serverError = true;
    return decision;
  }

  // Takes a token of op's bucket; returns 0, or how many milliseconds until a token is back.
  #take(op: string, nowMs: number, rate: number): number {
    const capacity = Math.max(1, rate);
    let bucket = this.#buckets.get(op);
    if (bucket === undefined) {
      bucket = { tokens: capacity, at: nowMs };
      this.#buckets.set(op, bucket);
    }
    const elapsed = Math.max(0, nowMs - bucket.at) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * rate);
    bucket.at = nowMs;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) / rate) * 1000));
  }
}
