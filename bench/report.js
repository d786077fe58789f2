// docs/benchmarks.md, its charts (docs/benchmarks/*.svg) and the README's headlines, written from what
// the benchmarks recorded (bench/lib.js record, gathered by bench/run.js). The page keeps the data it
// was rendered from in a comment at its end, so that a run of some benchmarks replaces their sections
// and renders the others again from their last data. The sections are in bench/sections.js.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { barChart } from './charts.js';
import { fixed, int, seconds, table } from './format.js';
import { SECTIONS } from './sections.js';

/** PAGE is the generated page, relative to the repository. */
export const PAGE = 'docs/benchmarks.md';
const file = fileURLToPath(new URL(`../${PAGE}`, import.meta.url));
/** CHARTS is the folder of the page's charts, relative to the page. */
export const CHARTS = 'benchmarks';
const chartsDir = fileURLToPath(new URL(`../docs/${CHARTS}/`, import.meta.url));
const MARK = 'rescind-bench-data';
// The README's headline ratios sit between these two lines, rewritten with the page.
const README = fileURLToPath(new URL('../README.md', import.meta.url));
const README_START = '<!-- bench-headlines: written by npm run bench (bench/report.js) -->';
const README_END = '<!-- /bench-headlines -->';

/** machine describes this machine: cores, CPU, memory, Node.js, the OS, and its load average now. */
export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    load: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/**
 * updatePage puts the sections of the benchmarks that ran (name -> the result, and when it started
 * on which machine, at what load) into the page, keeping the other sections; a full run also
 * records when it started, the machine and its load then, and how long it took.
 */
export function updatePage({ sections, machine, at, durationMs, full }) {
  const data = readData();
  for (const [name, s] of Object.entries(sections)) {
    data.sections[name] = { at: s.at.toISOString(), machine: s.machine, result: s.result };
  }
  if (full) data.full = { at: at.toISOString(), machine, durationMs };
  writeData(data);
  // Rendered again from what the page now holds, as --rewrite and the tests render it (the stored data
  // is what counts: charts drawn from the unstored values could differ in the last digit).
  rewritePage();
}

/** rewritePage renders the page, its charts and the README's headlines again from the page's data. */
export function rewritePage() {
  writeData(readData());
}

/** readmeBlock is the README's headlines block, markers included, as the page's data renders it. */
export function readmeBlock() {
  return `${README_START}\n${readmeHeadlines(readable(readData()))}\n${README_END}`;
}

/** charts are the page's charts as its data renders them: file name (in docs/benchmarks/) -> SVG. */
export function charts() {
  return chartsOf(readData());
}

// The sections whose data this version of the page reads (see SECTIONS' readable).
const readable = (data) =>
  Object.fromEntries(
    Object.entries(data.sections).filter(
      ([name, s]) => SECTIONS[name] !== undefined && (SECTIONS[name].readable?.(s.result) ?? true),
    ),
  );

function chartsOf(data) {
  const out = new Map();
  const sections = readable(data);
  const goals = goalRows(sections);
  if (goals.length > 0) out.set('goals.svg', goalsChart(goals));
  for (const [name, section] of Object.entries(SECTIONS)) {
    const measured = sections[name];
    if (measured !== undefined && section.chart !== undefined)
      out.set(`${name}.svg`, section.chart(measured.result));
  }
  return out;
}

function writeData(data) {
  const drawn = chartsOf(data);
  mkdirSync(chartsDir, { recursive: true });
  for (const old of readdirSync(chartsDir)) if (!drawn.has(old)) rmSync(join(chartsDir, old));
  for (const [name, svg] of drawn) replaceFile(join(chartsDir, name), svg);
  replaceFile(file, render(data, drawn));
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end < start)
    throw new Error(`README.md has no ${README_START} ... ${README_END} block`);
  replaceFile(
    README,
    `${readme.slice(0, start + README_START.length)}\n${readmeHeadlines(readable(data))}\n${readme.slice(end)}`,
  );
}

function replaceFile(path, text) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

// The data of the page as it stands: { full?, sections: { NAME: { at, machine, result } } }.
function readData() {
  if (!existsSync(file)) return { sections: {} };
  const found = new RegExp(`<!-- ${MARK}\\n([^]*?)\\n-->`).exec(readFileSync(file, 'utf8'));
  if (found === null) return { sections: {} };
  const data = JSON.parse(found[1]);
  return { ...data, sections: data.sections ?? {} };
}

const day = (iso) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const sameMachine = (a, b) =>
  a !== undefined &&
  b !== undefined &&
  ['cores', 'cpu', 'memoryGiB', 'node', 'os'].every((k) => a[k] === b[k]);
const describe = (m) => `${m.cores} cores, ${m.cpu}, ${m.memoryGiB} GiB, Node.js ${m.node}, ${m.os}`;
const anchor = (title) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replaceAll(' ', '-');
const image = (name, alt) => `![${alt}](${CHARTS}/${name})`;
const minutes = (msTotal) => {
  const s = Math.round(msTotal / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
};

function render(data, drawn) {
  const header = data.full?.machine ?? Object.values(data.sections)[0]?.machine ?? machine();
  const out = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    '<!-- Generated by `npm run bench` (bench/run.js, bench/report.js, bench/sections.js): edit those, not this page. -->',
  );
  out.push('');
  const last = data.full
    ? `The last full run started ${day(data.full.at)} and took ${minutes(data.full.durationMs)} (the build not included).`
    : 'No full run has written it yet.';
  out.push(
    `This page is generated: \`npm run bench\` measures and rewrites it, with its charts. ${last} \`npm run bench -- NAME\` runs only the benchmarks whose file names contain NAME (${Object.keys(
      SECTIONS,
    )
      .map((n) => `\`${n}\``)
      .join(
        ', ',
      )}) and replaces only their sections; every section says when it was measured. The scripts are in [bench/](../bench/); the data behind the tables and the charts is in a comment at the end of this file.`,
  );
  out.push('');
  out.push('## The machine');
  out.push('');
  out.push(
    table(
      ['cores', 'CPU', 'memory', 'Node.js', 'OS', 'load average when the run started'],
      [[header.cores, header.cpu, `${header.memoryGiB} GiB`, header.node, header.os, header.load ?? '']],
    ),
  );
  out.push('');
  out.push(
    "Everything runs on this one machine: the emulator (which verifies every signature, [emulator.md](emulator.md)) runs inside the benchmark's process, and rescind, the SDK scripts and `node -e 0` run in child processes beside it, all sharing its cores; on a shared virtual machine the neighbours show through. The load average above is the 1-minute one when the run started, before any benchmark; each section gives it again as its benchmark started, the previous benchmarks' own work included. Read the ratios of contenders measured in alternated runs before the absolute times, and the spread before the median.",
  );
  out.push('');
  out.push('## Goals');
  out.push('');
  const sections = readable(data);
  out.push(goalsSection(sections, drawn));
  out.push('');
  out.push('## Settings that differ from the defaults');
  out.push('');
  out.push(SETTINGS);
  for (const [name, section] of Object.entries(SECTIONS)) {
    const measured = data.sections[name];
    if (measured === undefined) continue;
    out.push('');
    out.push(`## ${section.title}`);
    out.push('');
    if (sections[name] === undefined) {
      out.push(
        `Measured ${day(measured.at)} by an earlier version of \`bench/${name}.bench.js\`, whose data this page no longer reads: \`npm run bench -- ${name}\` measures it again.`,
      );
      continue;
    }
    const where = sameMachine(measured.machine, header)
      ? ''
      : ` on another machine (${describe(measured.machine)})`;
    const load =
      measured.machine.load === undefined ? '' : ` (1-minute load average then: ${measured.machine.load})`;
    out.push(`\`bench/${name}.bench.js\`, measured ${day(measured.at)}${where}${load}.`);
    out.push('');
    if (drawn.has(`${name}.svg`)) {
      out.push(image(`${name}.svg`, `chart: ${section.title}`));
      out.push('');
    }
    out.push(section.render(measured.result));
  }
  out.push('');
  // Fractions to 4 decimals: the data stays short, and no more precise than the measurements.
  const json = JSON.stringify(data, (_, v) =>
    typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e4) / 1e4 : v,
  ).replaceAll('--', '-\\u002d');
  out.push(`<!-- ${MARK}\n${json}\n-->`);
  out.push('');
  return out.join('\n');
}

const SETTINGS = [
  'Every setting a benchmark changes from what a user gets by default:',
  '',
  "- **Rate limits off.** The benchmarks' config points each account at the emulator with an `endpoint`, and sets `rateLimits: {default: 0}` on both: without it, an account with an endpoint gets the documented default rates per service ([config.md](config.md#ratelimits): KMS 20/s, the other services 50/s, IAM and STS 10/s), which would cap rescind where the official SDKs have no cap. rescind then finds the rate from the throttling answers, if any.",
  "- **Concurrency.** `rescind apply --concurrency N` at the N of the comparison (32 or 64; the default is the plan's `spec.concurrency`, else 8), the same N as the SDK worker pool and the bare request loop.",
  '- **`--yes`**, as any apply that is not on a terminal needs. Nothing else: verification, the journal (with its fsyncs), progress lines (plain lines, not on a terminal) and every retry are as a user runs them.',
  "- **The official SDKs** run with their default settings, except their logger, which is silenced (it prints every failed call on the console). The retry of the throttling comparison is the script's own, not an SDK setting.",
  "- **The emulator**: 50 ms latency on every answer in the comparisons with the SDKs and under throttling; 0 ms for CPU, start and growth; throttling at 50 requests per second per operation only in the throttling comparison. It runs in the benchmark's process and is reset to the same state before every run.",
].join('\n');

// The goals of issue 20 and PRODUCT.md's quality bars, each with what was measured: measure, anchor,
// measured (text), goal (text), met, and parts (label, measured ÷ goal: ≤ 1 is met) for the chart.
function goalRows(sections) {
  const rows = [];
  const sdk = sections.sdk?.result;
  if (sdk?.cells !== undefined) {
    const worst = Math.max(...sdk.cells.map((c) => c.ratio.median));
    rows.push({
      measure:
        'rescind apply ÷ the official SDKs in a worker pool of the same concurrency, whole process, 50 ms latency',
      anchor: anchor(SECTIONS.sdk.title),
      measured: sdk.cells
        .map((c) => `${fixed(c.ratio.median, 2)} (${int(c.targets)}, c=${c.concurrency})`)
        .join('; '),
      goal: '≤ 1.0 in all four, rescind verifying and journaling',
      met: worst <= 1,
      parts: [{ label: 'rescind ÷ SDK pool, worst cell', ratio: worst, text: fixed(worst, 2) }],
    });
    const perTarget = sdk.cells.map((c) => c.rescind.perTarget.median);
    const [low, high] = [Math.min(...perTarget), Math.max(...perTarget)];
    rows.push({
      measure: 'requests per target, mixed fleet of the five types',
      anchor: anchor(SECTIONS.sdk.title),
      measured: fixed(low, 2) === fixed(high, 2) ? fixed(high, 2) : `${fixed(low, 2)}–${fixed(high, 2)}`,
      goal: '≤ 1.2',
      met: high <= 1.2,
      parts: [{ label: 'requests per target', ratio: high / 1.2, text: fixed(high, 2) }],
    });
  }
  const throttle = sections.throttle?.result;
  if (throttle?.results?.[0]?.rescind !== undefined) {
    const time = Math.max(...throttle.results.map((x) => x.rescind.ms.median / x.goalMs));
    const share = Math.max(...throttle.results.map((x) => x.rescind.throttledShare.median));
    rows.push({
      measure: `throttled at ${throttle.rps}/s per operation, ${int(throttle.targets)} targets, no client limit`,
      anchor: anchor(SECTIONS.throttle.title),
      measured: throttle.results
        .map(
          (x) =>
            `${x.order}: ${fixed(x.rescind.ofIdeal.median, 2)}× ideal (${seconds(x.rescind.ms.median)}), ${fixed(x.rescind.throttledShare.median * 100, 1)} % throttled`,
        )
        .join('; '),
      goal: '≤ 1.15× ideal + 1 s, ≤ 5 % throttled',
      met: time <= 1 && share <= 0.05,
      parts: [
        { label: 'throttled: time ÷ (1.15× ideal + 1 s)', ratio: time, text: fixed(time, 2) },
        {
          label: 'throttled: share of requests ÷ 5 %',
          ratio: share / 0.05,
          text: `${fixed(share * 100, 1)} %`,
        },
      ],
    });
  }
  const cpu = sections.cpu?.result;
  if (cpu !== undefined) {
    rows.push({
      measure: 'client CPU per request at 0 ms ÷ a bare signed undici loop',
      anchor: anchor(SECTIONS.cpu.title),
      measured: `${fixed(cpu.ratio.median, 2)}× (${int(cpu.rescindUs.median)} µs ÷ ${int(cpu.floorUs.median)} µs)`,
      goal: '≤ 2×',
      met: cpu.ratio.median <= 2,
      parts: [
        {
          label: 'CPU per request ÷ 2× the floor',
          ratio: cpu.ratio.median / 2,
          text: `${fixed(cpu.ratio.median, 2)}×`,
        },
      ],
    });
  }
  const start = sections.start?.result;
  if (start !== undefined) {
    rows.push({
      measure: '`plan` of the offboarding example ÷ `node -e 0`; 1-target apply ÷ `node -e 0`',
      anchor: anchor(SECTIONS.start.title),
      measured: `${fixed(start.plan.ratio.median, 2)}×; ${fixed(start.apply.ratio.median, 2)}×`,
      goal: '≤ 4× each',
      met: start.plan.ratio.median <= 4 && start.apply.ratio.median <= 4,
      parts: [
        {
          label: 'plan of the example ÷ 4× node',
          ratio: start.plan.ratio.median / 4,
          text: `${fixed(start.plan.ratio.median, 2)}×`,
        },
        {
          label: '1-target apply ÷ 4× node',
          ratio: start.apply.ratio.median / 4,
          text: `${fixed(start.apply.ratio.median, 2)}×`,
        },
      ],
    });
  }
  const growth = sections.growth?.result;
  const top = growth?.results[growth.results.length - 1];
  if (top?.apply.firstMs !== undefined) {
    const [rss, first] = [top.apply.rssMb.median, top.apply.firstMs.median];
    rows.push({
      measure: `apply of ${int(top.targets)} targets through the CLI: peak RSS; first request`,
      anchor: anchor(SECTIONS.growth.title),
      measured: `${int(rss)} MB; ${seconds(first)}`,
      goal: '≤ 400 MB; ≤ 1.5 s',
      met: rss <= 400 && first <= 1500,
      parts: [
        {
          label: `apply of ${int(top.targets)}: peak RSS ÷ 400 MB`,
          ratio: rss / 400,
          text: `${int(rss)} MB`,
        },
        {
          label: `apply of ${int(top.targets)}: first request ÷ 1.5 s`,
          ratio: first / 1500,
          text: seconds(first),
        },
      ],
    });
  }
  const validate = sections.validate?.result.rows.find((x) => x.name.includes('10,000'));
  if (validate?.ratio !== undefined) {
    rows.push({
      measure: 'validate of 10,000 revocations ÷ `node -e 0`',
      anchor: anchor(SECTIONS.validate.title),
      measured: `${fixed(validate.ratio.median, 2)}×`,
      goal: `≤ ${validate.bar}×, PRODUCT.md's bar (issue 20: not worse than ~6.5×)`,
      met: validate.ratio.median <= validate.bar,
      parts: [
        {
          label: `validate 10,000 ÷ ${validate.bar}× node`,
          ratio: validate.ratio.median / validate.bar,
          text: `${fixed(validate.ratio.median, 2)}×`,
        },
      ],
    });
  }
  return rows;
}

function goalsSection(sections, drawn) {
  const rows = goalRows(sections);
  if (rows.length === 0) return 'Nothing measured yet.';
  const met = rows.filter((r) => r.met).length;
  return [
    `${met} of ${rows.length} goals met. Each is measured as a ratio in one run on this machine (the goals of issue 20 and the quality bars of PRODUCT.md); the chart shows each measure divided by its goal, so that 1.0 is the goal and a bar past it is a goal not met.`,
    '',
    ...(drawn.has('goals.svg') ? [image('goals.svg', 'chart: each measure divided by its goal'), ''] : []),
    table(
      ['measure', 'measured (median)', 'goal', 'met'],
      rows.map((r) => [`[${r.measure}](#${r.anchor})`, r.measured, r.goal, r.met ? 'yes' : '**no**']),
    ),
  ].join('\n');
}

function goalsChart(rows) {
  return barChart({
    title: 'Each measure ÷ its goal: 1.0 is the goal, shorter is better',
    format: (v) => `${fixed(v, 2)}`,
    marks: [{ value: 1, label: 'goal' }],
    groups: [
      {
        bars: rows.flatMap((r) =>
          r.parts.map((p) => ({
            label: p.label,
            value: p.ratio,
            tone: p.ratio <= 1 ? 'met' : 'missed',
            text: `${fixed(p.ratio, 2)} of the goal (${p.text})`,
          })),
        ),
      },
    ],
    note: 'Green: met; red: not met. Medians; see each section for the spread.',
  });
}

// The README's headlines: the goals, one line each, linking the page's sections.
function readmeHeadlines(sections) {
  const rows = goalRows(sections);
  if (rows.length === 0) return 'Nothing measured yet.';
  const lines = rows.map(
    (r) =>
      `- ${r.measure}: **${r.measured}**; goal ${r.goal}: ${r.met ? 'met' : '**not met**'} ([docs/benchmarks.md](docs/benchmarks.md#${r.anchor}))`,
  );
  const machineOf = sections.sdk?.machine ?? Object.values(sections)[0]?.machine;
  return `Measured on ${machineOf === undefined ? 'one machine' : `${machineOf.cores} cores, Node.js ${machineOf.node}`}, every ratio from one run (${rows.filter((r) => r.met).length} of ${rows.length} goals met):\n\n${lines.join('\n')}`;
}
