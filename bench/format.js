// How docs/benchmarks.md writes numbers, times, spreads and tables (bench/report.js, bench/sections.js).

/** fixed writes n with digits decimals. */
export const fixed = (n, digits) => n.toFixed(digits);
/** int writes n rounded, with thousands separators. */
export const int = (n) => Math.round(n).toLocaleString('en');
/** seconds writes a time in ms as "850 ms", "2.35 s" or "18.1 s". */
export const seconds = (ms) =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
/** range writes a spread's min–max in brackets, when there is more than one different value. */
export const range = (s, show) => (s.runs > 1 && s.max !== s.min ? ` (${show(s.min)}–${show(s.max)})` : '');
/** ms writes a spread of times: the median and its range. */
export const ms = (s) => `${seconds(s.median)}${range(s, seconds)}`;
/** num writes a spread of numbers: the median with its unit, and its range. */
export const num = (s, digits, unit = '') =>
  `${fixed(s.median, digits)}${unit}${range(s, (v) => fixed(v, digits))}`;
/** runs says how many runs a median is of, in a sentence; Runs at its start. */
export const runs = (n) => (n === 1 ? '1 run' : `median of ${n} runs (min–max)`);
export const Runs = (n) => (n === 1 ? 'One run' : `Median of ${n} runs (min–max)`);
/** verdict says whether a goal is met, in bold when not. */
export const verdict = (ok) => (ok ? 'met' : '**not met**');
/** table writes a markdown table of a head and rows of cells. */
export const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
