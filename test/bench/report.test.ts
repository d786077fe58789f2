// The benchmark tooling (bench/): the charts that docs/benchmarks.md shows are the ones its stored data
// renders, a chart's labels stay text, and alternated runs take turns. The measurements themselves
// are `npm run bench`'s, never a test's (no timing assertions).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

interface Bar {
  label: string;
  value: number;
  tone: string;
  min?: number;
  max?: number;
  text?: string;
}
interface Chart {
  title: string;
  groups: { label?: string; bars: Bar[] }[];
  marks?: { value: number; label: string }[];
  format?: (v: number) => string;
  note?: string;
}

// bench/ is plain JavaScript run by node: imported by path, typed here by what the tests use.
const report = (await import(join(repoRoot, 'bench/report.js'))) as { charts: () => Map<string, string> };
const { barChart } = (await import(join(repoRoot, 'bench/charts.js'))) as { barChart: (c: Chart) => string };
const { alternate } = (await import(join(repoRoot, 'bench/lib.js'))) as {
  alternate: (
    contenders: Record<string, () => Promise<string>>,
    runs: number,
    options?: { warmup?: number },
  ) => Promise<Record<string, string[]>>;
};

describe('docs/benchmarks/', () => {
  it("holds exactly the charts that docs/benchmarks.md's data renders", () => {
    // Written by `npm run bench` (bench/report.js); after editing bench/, `npm run bench -- --rewrite`.
    const drawn = report.charts();
    const dir = join(repoRoot, 'docs/benchmarks');
    expect(existsSync(dir) ? readdirSync(dir).sort() : []).toEqual([...drawn.keys()].sort());
    for (const [name, svg] of drawn) expect(readFileSync(join(dir, name), 'utf8'), name).toBe(svg);
  });

  it('embeds every chart in the page', () => {
    const page = readFileSync(join(repoRoot, 'docs/benchmarks.md'), 'utf8');
    for (const name of report.charts().keys()) expect(page).toContain(`](benchmarks/${name})`);
  });
});

describe('barChart', () => {
  it('writes labels, values and notes as text that cannot end an element', () => {
    const svg = barChart({
      title: 'a <title> & "quotes"',
      groups: [
        { label: '</text><script>alert(1)</script>', bars: [{ label: "x'<y", value: 2, tone: 'rescind' }] },
      ],
      marks: [{ value: 1, label: '<goal>' }],
      note: 'a & b',
    });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<goal>');
    expect(svg).toContain('&#60;/text&#62;&#60;script&#62;');
    expect(svg).toContain('a &#38; b');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('draws the longest bar or whisker within the chart, and a bar of zero as zero wide', () => {
    const svg = barChart({
      title: 't',
      groups: [
        {
          bars: [
            { label: 'a', value: 0, tone: 'other' },
            { label: 'b', value: 10, min: 5, max: 40, tone: 'rescind' },
          ],
        },
      ],
    });
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    const xs = [...svg.matchAll(/[MH](\d+(?:\.\d+)?)/g)].map((m) => Number(m[1]));
    expect(Math.max(...xs)).toBeLessThan(width);
    expect(svg).toMatch(/<rect x="\d+" y="[\d.]+" width="0"/);
  });
});

describe('alternate', () => {
  it('runs the contenders in turn, round after round, and keeps no warm-up sample', async () => {
    const order: string[] = [];
    let n = 0;
    const contender = (name: string) => async () => {
      order.push(name);
      return `${name}${n++}`;
    };
    const samples = await alternate({ a: contender('a'), b: contender('b') }, 2, { warmup: 1 });
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(samples).toEqual({ a: ['a2', 'a4'], b: ['b3', 'b5'] });
  });
});
