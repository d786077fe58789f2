// "Did you mean": the nearest candidate by edit distance, case-insensitively. Linear in the
// diagnostics: a candidate whose length alone rules it out is never compared, and the same
// mistake made a thousand times (one wrong type name in every revocation) is worked out once.

const memo = new Map<string, string | undefined>();
const MEMO_SIZE = 10_000;

/** suggest returns the candidate nearest to input, if it is near enough to be a likely typo. */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const key = `${input}\u0000${list.join('\u0000')}`;
  if (memo.has(key)) return memo.get(key);
  const found = nearest(input, list);
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(key, found);
  return found;
}

function nearest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    // The distance is at least the difference of the lengths: past what a typo allows, skip it.
    const room = Math.max(1, Math.floor(Math.max(input.length, candidate.length) / 3));
    if (Math.abs(input.length - candidate.length) > room) continue;
    const d = distance(needle, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(input.length, best.length) / 3));
  return bestDistance <= allowed ? best : undefined;
}

// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
function distance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Uint32Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(
        (d[(i - 1) * cols + j] ?? 0) + 1,
        (d[i * cols + j - 1] ?? 0) + 1,
        (d[(i - 1) * cols + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1] ?? 0;
}
