// docs/benchmarks.md, written from what the benchmarks recorded (bench/lib.js record, gathered by
// bench/run.js). The page keeps the data it was rendered from in a comment at its end, so that a run of
// some benchmarks replaces their sections and renders the others again from their last data.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** PAGE is the generated page, relative to the repository. */
export const PAGE = 'docs/benchmarks.md';
const file = fileURLToPath(new URL(`../${PAGE}`, import.meta.url));
const MARK = 'rescind-bench-data';
// The README's headline ratios sit between these two lines, rewritten with the page.
const README = fileURLToPath(new URL('../README.md', import.meta.url));
const README_START = '<!-- bench-headlines: written by npm run bench (bench/report.js) -->';
const README_END = '<!-- /bench-headlines -->';

/** machine describes this machine: cores, CPU, memory, Node.js and the OS. */
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

/** updatePage puts the results of the benchmarks that ran into the page, keeping the other sections. */
export function updatePage({ results, machine, at, durationMs, full }) {
  const data = readData();
  for (const [name, result] of Object.entries(results)) {
    data.sections[name] = { at: at.toISOString(), machine, result };
  }
  if (full) data.full = { at: at.toISOString(), machine, durationMs };
  writeData(data);
}

/** rewritePage renders the page and the README's headlines again from the page's data, measuring nothing. */
export function rewritePage() {
  writeData(readData());
}

/** readmeBlock is the README's headlines block, markers included, as the page's data renders it. */
export function readmeBlock() {
  return `${README_START}\n${readmeHeadlines(readData().sections)}\n${README_END}`;
}

function writeData(data) {
  replaceFile(file, render(data));
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end < start)
    throw new Error(`README.md has no ${README_START} ... ${README_END} block`);
  replaceFile(
    README,
    `${readme.slice(0, start + README_START.length)}\n${readmeHeadlines(data.sections)}\n${readme.slice(end)}`,
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

// Numbers, times and spreads as the page writes them.
const fixed = (n, digits) => n.toFixed(digits);
const int = (n) => Math.round(n).toLocaleString('en');
const seconds = (ms) =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const range = (s, show) => (s.runs > 1 && s.max !== s.min ? ` (${show(s.min)}–${show(s.max)})` : '');
const ms = (s) => `${seconds(s.median)}${range(s, seconds)}`;
const num = (s, digits) => `${fixed(s.median, digits)}${range(s, (v) => fixed(v, digits))}`;
const runs = (n) => (n === 1 ? '1 run' : `median of ${n} runs (min–max)`);
const Runs = (n) => (n === 1 ? 'One run' : `Median of ${n} runs (min–max)`);
const day = (iso) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const sameMachine = (a, b) =>
  a !== undefined &&
  b !== undefined &&
  ['cores', 'cpu', 'memoryGiB', 'node', 'os'].every((k) => a[k] === b[k]);
const describe = (m) => `${m.cores} cores, ${m.cpu}, ${m.memoryGiB} GiB, Node.js ${m.node}, ${m.os}`;
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

// Calls of each type's APIs, for the calls per target of each type.
const TYPE_OPS = {
  'KMS grant': ['ListGrants', 'CancelGrant'],
  'ESA certificate': ['ListClientCertificates', 'GetClientCertificate', 'RevokeClientCertificate'],
  'CCE certificate': ['ShowCluster', 'RevokeKubernetesClusterCert'],
  'CCM CA': ['ShowCertificateAuthority', 'RevokeCertificateAuthority'],
  'ACK user permissions': [
    'DescribeUserPermission',
    'ListUserKubeConfigStates',
    'CleanClusterUserPermissions',
  ],
};
const TYPE_COUNT = {
  'KMS grant': 'kms',
  'ESA certificate': 'esa',
  'CCE certificate': 'cce',
  'CCM CA': 'ccm',
  'ACK user permissions': 'ack',
};

const SECTIONS = {
  apply: { title: 'Apply against the limit', render: applySection },
  sdk: { title: 'Apply against what users do today', render: sdkSection },
  throttle: { title: "Apply under the cloud's throttling", render: throttleSection },
  growth: { title: 'Growth', render: growthSection },
  emulator: { title: 'The emulator', render: emulatorSection },
  validate: { title: 'Validate, whole process', render: validateSection },
  plan: { title: 'Plan of 10,000 targets', render: planSection },
  diagnostics: { title: 'Floods of diagnostics', render: diagnosticsSection },
  verify: { title: 'Signing and verifying one request', render: verifySection },
};

function render(data) {
  const header = data.full?.machine ?? Object.values(data.sections)[0]?.machine ?? machine();
  const out = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    '<!-- Generated by `npm run bench` (bench/run.js, bench/report.js): edit those, not this page. -->',
  );
  out.push('');
  const last = data.full
    ? `The last full run started ${day(data.full.at)} and took ${Math.floor(Math.round(data.full.durationMs / 1000) / 60)} min ${Math.round(data.full.durationMs / 1000) % 60} s (the build not included).`
    : 'No full run has written it yet.';
  out.push(
    `This page is generated: \`npm run bench\` measures and rewrites it. ${last} \`npm run bench -- NAME\` runs only the benchmarks whose file names contain NAME (\`apply\`, \`sdk\`, \`throttle\`, \`growth\`, \`emulator\`, \`validate\`, \`plan\`, \`diagnostics\`, \`verify\`) and replaces only their sections; every section says when it was measured. The scripts are in [bench/](../bench/); the data behind the tables is in a comment at the end of this file.`,
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
    'Everything runs on this one machine: the emulator (which verifies every signature, [emulator.md](emulator.md)), rescind in a child process, and the benchmark itself share its cores, and on a shared virtual machine the neighbours show through. Read the ratios measured side by side in one run (apply against the HTTP layer alone, rescind against the SDK loop) before the absolute times, and the spread before the median.',
  );
  out.push('');
  out.push('## Headlines');
  out.push('');
  out.push(headlines(data.sections));
  for (const [name, section] of Object.entries(SECTIONS)) {
    const measured = data.sections[name];
    if (measured === undefined) continue;
    out.push('');
    out.push(`## ${section.title}`);
    out.push('');
    const where = sameMachine(measured.machine, header)
      ? ''
      : ` on another machine (${describe(measured.machine)})`;
    out.push(`\`bench/${name}.bench.js\`, measured ${day(measured.at)}${where}.`);
    out.push('');
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

function headlines(sections) {
  const rows = [];
  const apply = sections.apply?.result;
  const at32 = apply?.results.find((r) => r.concurrency === 32);
  if (at32 !== undefined) {
    rows.push([
      `[apply against the limit](#apply-against-the-limit): ${int(apply.targets)} mixed targets, ${apply.latencyMs} ms latency, concurrency 32`,
      `efficiency ${fixed(at32.efficiency.median, 2)} (the HTTP layer alone: ${fixed(at32.ceiling.median, 2)}); ${fixed(at32.perTarget.median, 2)} calls per target; peak RSS ${int(at32.rssMb.median)} MB`,
      'efficiency ≥ 0.90; ≤ 2.2 calls per target; < 200 MB',
    ]);
  }
  const sdk = sections.sdk?.result;
  if (sdk !== undefined) {
    const speedups = sdk.results.map(
      (r) => `${fixed(r.sequential.ms.median / r.rescind.ms.median, 1)}× at ${int(r.targets)} targets`,
    );
    rows.push([
      `[apply against a sequential loop of the official SDKs](#apply-against-what-users-do-today), ${sdk.latencyMs} ms latency, rescind at concurrency ${sdk.concurrency}`,
      `${speedups.join(', ')}; the loop verifies nothing`,
      '≥ 25×',
    ]);
    const first = throttledOf(sdk);
    if (first !== undefined) {
      rows.push([
        `[apply against an unbounded Promise.all of the SDK calls](#apply-against-what-users-do-today), the cloud throttling at ${sdk.throttleRps}/s per operation, ${int(first.targets)} targets`,
        `Promise.all: ${seconds(first.promiseAll.ms.median)}, ${int(first.promiseAll.failed.median)} failed, ${int(first.promiseAll.active.median)} left active; rescind: ${seconds(first.rescindThrottled.ms.median)}, ${int(first.rescindThrottled.failed.median)} failed, ${int(first.rescindThrottled.active.median)} left active`,
        'every target revoked',
      ]);
    }
  }
  const throttle = sections.throttle?.result;
  if (throttle !== undefined) {
    const cells = throttle.results.map(
      (r) =>
        `${r.name}: ${fixed(r.rateOfR.median, 2)} × R, ${fixed(r.throttledShare.median * 100, 1)} % throttled, ${seconds(r.ms.median)} (bound ${seconds(r.bound.median)})`,
    );
    rows.push([
      `[apply under the cloud's throttling](#apply-under-the-clouds-throttling): ${throttle.fleet}, R = ${throttle.rps}/s per operation`,
      cells.join('; '),
      'no limit: within 1.25 × the time R allows + 1 s, ≤ 10 % throttled',
    ]);
  }
  const growth = sections.growth?.result;
  if (growth !== undefined && growth.results.length > 1) {
    const b = growth.results.length - 1;
    const per = (field) =>
      ['validate', 'plan', 'apply']
        .map((s) => `${s} ${fixed(grow(growth, s, field, b - 1, b).per10, 1)}×`)
        .join(', ');
    const top = growth.results[b];
    rows.push([
      `[growth](#growth) from ${int(growth.results[b - 1].targets)} to ${int(top.targets)} targets, as per 10× targets (zero latency)`,
      `time: ${per('ms')}; peak memory: ${per('rssMb')} (apply of ${int(top.targets)}: ${seconds(top.apply.ms.median)}, ${int(top.apply.rssMb.median)} MB)`,
      'time about 10×, memory less',
    ]);
  }
  const emulator = sections.emulator?.result;
  if (emulator !== undefined) {
    rows.push([
      `[the emulator](#the-emulator), signatures verified, ${emulator.connections} connections`,
      `${int(emulator.rate.median)} requests/s`,
      '',
    ]);
  }
  if (rows.length === 0) return 'Nothing measured yet.';
  return table(['scenario', 'measured (median)', 'goal'], rows);
}

// The README's headlines: one line each, the ratios only, linking the page's sections.
function readmeHeadlines(sections) {
  const lines = [];
  const link = (anchor) => `[docs/benchmarks.md](docs/benchmarks.md#${anchor})`;
  const apply = sections.apply?.result;
  const at32 = apply?.results.find((r) => r.concurrency === 32);
  if (at32 !== undefined)
    lines.push(
      `- apply of ${int(apply.targets)} mixed targets at ${apply.latencyMs} ms latency and concurrency 32: **${fixed(at32.efficiency.median, 2)}** of the ideal time (goal 0.90; the HTTP layer alone reaches ${fixed(at32.ceiling.median, 2)} on the same machine), ${fixed(at32.perTarget.median, 2)} calls per target (${link('apply-against-the-limit')})`,
    );
  const sdk = sections.sdk?.result;
  if (sdk !== undefined) {
    const speedups = sdk.results
      .map(
        (r) => `**${fixed(r.sequential.ms.median / r.rescind.ms.median, 1)}×** at ${int(r.targets)} targets`,
      )
      .join(', ');
    lines.push(
      `- against a sequential loop of the clouds' official SDKs, which verifies nothing: ${speedups} (goal 25×; ${link('apply-against-what-users-do-today')})`,
    );
    const t = throttledOf(sdk);
    if (t !== undefined)
      lines.push(
        `- an unbounded \`Promise.all\` of the SDK calls against a cloud throttling at ${sdk.throttleRps}/s left **${int(t.promiseAll.active.median)} of ${int(t.targets)}** credentials active; rescind left ${int(t.rescindThrottled.active.median)}`,
      );
  }
  const throttle = sections.throttle?.result;
  const free = throttle?.results[0];
  if (free !== undefined)
    lines.push(
      `- under the cloud's throttling with no configured limit: **${fixed(free.rateOfR.median, 2)}×** the cloud's rate, ${fixed(free.throttledShare.median * 100, 1)} % of calls throttled (${link('apply-under-the-clouds-throttling')})`,
    );
  const growth = sections.growth?.result;
  if (growth !== undefined && growth.results.length > 1) {
    const top = growth.results[growth.results.length - 1];
    lines.push(
      `- apply of ${int(top.targets)} targets: ${seconds(top.apply.ms.median)} and ${int(top.apply.rssMb.median)} MB at zero latency (${link('growth')})`,
    );
  }
  if (lines.length === 0) return 'Nothing measured yet.';
  const machineOf = sections.apply?.machine ?? Object.values(sections)[0]?.machine;
  return `Measured on ${machineOf === undefined ? 'one machine' : `${machineOf.cores} cores, Node.js ${machineOf.node}`}, every ratio from one run:\n\n${lines.join('\n')}`;
}

function applySection(r) {
  const lines = [];
  lines.push(
    `${int(r.targets)} targets (${r.fleet}), every one active, applied from a saved plan with ${r.latencyMs} ms emulator latency on every answer. An apply is timed in a child process from reading the saved plan (node's start not counted) to the last target's verification, and must end with every target verified (CCE: applied, no API can read it) and none left active in the emulator's state.`,
  );
  lines.push('');
  lines.push(
    `**Efficiency** is the ideal time, the requests the emulator saw × ${r.latencyMs} ms ÷ the concurrency (every slot busy all the time), divided by the measured time: 1.00 is the limit. Beside each apply, in the same run, **the HTTP layer alone** (rescind's signing client, no executor, no journal) makes as many signed reads at the same concurrency: what this machine allows at all. Runs at each concurrency: ${r.results.map((x) => `${x.concurrency}: ${runs(x.runs)}`).join('; ')} (\`BENCH_SLOW_RUNS\` sets the runs at 8, \`BENCH_RUNS\` the others).`,
  );
  lines.push('');
  lines.push(
    table(
      [
        'concurrency',
        'runs',
        'wall time',
        'requests',
        'efficiency',
        'HTTP layer alone',
        'apply ÷ HTTP layer',
        'calls per target',
        'most in flight, one API',
        'peak RSS',
      ],
      r.results.map((x) => [
        x.concurrency,
        x.runs,
        ms(x.ms),
        int(x.requests.median),
        num(x.efficiency, 3),
        num(x.ceiling, 3),
        fixed(x.ofCeiling.median, 2),
        fixed(x.perTarget.median, 2),
        x.maxInFlight.max,
        `${int(x.rssMb.median)} MB`,
      ]),
    ),
  );
  const at32 = r.results.find((x) => x.concurrency === 32);
  if (at32 !== undefined) {
    const verdict = (ok) => (ok ? 'met' : '**not met**');
    lines.push('');
    lines.push(
      `Goals at concurrency 32: efficiency ≥ 0.90: ${verdict(at32.efficiency.median >= 0.9)} (${fixed(at32.efficiency.median, 3)}; the HTTP layer alone reaches ${fixed(at32.ceiling.median, 3)} on this machine, so apply keeps ${fixed(at32.ofCeiling.median * 100, 0)} % of what the machine allows); at most 2.2 calls per target: ${verdict(at32.perTarget.median <= 2.2)}; peak RSS under 200 MB: ${verdict(at32.rssMb.median < 200)}.`,
    );
    const count = r.count ?? {};
    const rows = Object.entries(TYPE_OPS)
      .map(([type, ops]) => {
        const calls = ops.reduce((a, op) => a + (at32.calls[op] ?? 0), 0);
        const n = count[TYPE_COUNT[type]];
        const detail = ops
          .filter((op) => at32.calls[op] !== undefined)
          .map((op) => `${op} ${at32.calls[op]}`);
        return n ? [type, int(n), int(calls), fixed(calls / n, 2), detail.join(', ')] : undefined;
      })
      .filter((row) => row !== undefined);
    if (rows.length > 0) {
      lines.push('');
      lines.push(
        'Where the calls go, at concurrency 32 (last run; plus one identity read per account): a CCM CA is read, revoked and read again; a CCE certificate has no read API, so its cluster is read and the holder revoked; KMS grants, ESA certificates and an ACK user’s clusters share their lists.',
      );
      lines.push('');
      lines.push(table(['type', 'targets', 'calls', 'calls per target', 'calls by API'], rows));
    }
  }
  lines.push('');
  lines.push(
    'At high concurrency the run is short next to the round trips that must come one after the other (the identity reads, then each target’s read, revoke and verifying read), so the efficiency falls however many slots are free.',
  );
  return lines.join('\n');
}

// The throttled comparison: its own fleet (underThrottling), or in older data the first count's row.
function throttledOf(r) {
  return r.underThrottling ?? r.results.find((x) => x.promiseAll !== undefined);
}

function sdkSection(r) {
  const lines = [];
  lines.push(
    `The same revocations, mixed across the five types, made the way a script makes them today: the clouds' official SDKs with their default settings (the Huawei Cloud SDK core's \`HcClient\` for KMS \`revoke-grant\`, CCE \`clustercertrevoke\` and CCM \`revoke\`, in the request shapes of their generated clients; Alibaba Cloud's generated \`@alicloud/esa20240910\` \`revokeClientCertificate\` and \`@alicloud/cs20151215\` \`cleanClusterUserPermissions\`), one revoke call per target and nothing else: no read before, no read after. rescind applies a saved plan of the same targets at concurrency ${r.concurrency}: it reads each target again, revokes, and verifies with a read. Both run in a child process against the same emulator at ${r.latencyMs} ms latency; the SDK loops are timed from their first call, rescind from reading its saved plan. **Still active** counts the targets that the emulator's state shows unrevoked after the run, whatever each tool reported. The sequential loop runs once (one round trip per target); the others: ${runs(r.results[0]?.rescind.runs ?? 1)}.`,
  );
  lines.push('');
  const rows = [];
  for (const x of r.results) {
    const speedup = x.sequential.ms.median / x.rescind.ms.median;
    rows.push([
      int(x.targets),
      'sequential loop of the SDK calls',
      ms(x.sequential.ms),
      num(x.sequential.failed, 0),
      num(x.sequential.active, 0),
      '',
    ]);
    rows.push([
      int(x.targets),
      `rescind apply, concurrency ${r.concurrency}`,
      ms(x.rescind.ms),
      num(x.rescind.failed, 0),
      num(x.rescind.active, 0),
      `**${fixed(speedup, 1)}×** ${speedup >= 25 ? '(goal ≥ 25×: met)' : '(goal ≥ 25×: **not met**)'}`,
    ]);
  }
  lines.push(table(['targets', 'how', 'time', 'failed', 'still active', "rescind's speed-up"], rows));
  lines.push('');
  lines.push(
    "rescind's time has a floor that the loop's has not: the saved plan is read and checked, each account's identity is read (one round trip), the run's lock and journal are set up, and each target then takes three round trips in a row (read, revoke, verifying read) where the loop makes one and proves nothing. The loop's time grows by one round trip per target and rescind's by a fraction of one, so the speed-up grows with the number of targets: each count above is measured, none extrapolated.",
  );
  const first = throttledOf(r);
  if (first !== undefined) {
    lines.push('');
    lines.push(
      `Under throttling: the emulator answers at most ${r.throttleRps} requests per second per operation (Huawei's 429 \`APIGW.0308\`, Alibaba's \`Throttling.User\`), ${r.latencyMs} ms latency, ${int(first.targets)} targets, all sent at once by an unbounded \`Promise.all\` of the same SDK calls:`,
    );
    lines.push('');
    lines.push(
      table(
        ['how', 'time', 'failed', 'still active'],
        [
          [
            'unbounded Promise.all of the SDK calls',
            ms(first.promiseAll.ms),
            num(first.promiseAll.failed, 0),
            num(first.promiseAll.active, 0),
          ],
          [
            `rescind apply, concurrency ${r.concurrency}`,
            ms(first.rescindThrottled.ms),
            num(first.rescindThrottled.failed, 0),
            num(first.rescindThrottled.active, 0),
          ],
        ],
      ),
    );
    lines.push('');
    const codes = Object.entries(first.promiseAll.errors)
      .map(([code, n]) => `\`${code}\` ${n}`)
      .join(', ');
    lines.push(
      codes === ''
        ? "The Promise.all had no failure: the emulator's bucket (as many requests as its rate) took every call of this count."
        : `The Promise.all's failures (last run): ${codes}. The SDKs do not retry a throttling answer with their default settings, so each failure leaves a credential working, and the script has to find which. rescind slows down to the rate the cloud allows (found from the throttling answers: no limit is configured), retries, and verifies every target.`,
    );
  }
  return lines.join('\n');
}

function throttleSection(r) {
  const lines = [];
  lines.push(
    `${r.fleet} (on 10 keys), the emulator throttling at R = ${r.rps} requests per second per operation with Huawei's 429 \`APIGW.0308\`, rescind at concurrency ${r.concurrency}. Without a client rate limit, rescind finds the rate from the throttling answers; with the account's \`rateLimits\` at R, the limit is per service, so KMS's list and revoke calls share it. **Sustained rate ÷ R** is the busiest operation's calls that were not throttled (every throttled answer counted against it) per second of the whole run, divided by R: 1.00 is every second of the run at the cloud's rate. The bound is the quality bar: 1.25 × (the busiest operation's calls ÷ R) + 1 s. ${Runs(r.results[0]?.runs ?? 1)} of each setting${(r.results[0]?.runs ?? 1) === 1 ? ' (some 20 s each)' : ''}.`,
  );
  lines.push('');
  lines.push(
    table(
      [
        'client limit',
        'wall time',
        'bound',
        'sustained rate ÷ R',
        'throttled answers',
        'verified',
        'still active',
      ],
      r.results.map((x) => [
        x.name,
        ms(x.ms),
        seconds(x.bound.median),
        num(x.rateOfR, 2),
        `${int(x.throttled.median)} of ${int(x.requests.median)} (${fixed(x.throttledShare.median * 100, 1)} %)`,
        `${int(x.verified.median)} of ${int(r.targets)}`,
        num(x.active, 0),
      ]),
    ),
  );
  const free = r.results.find((x) => x.rateLimits === 0);
  if (free !== undefined) {
    const verdict = (ok) => (ok ? 'met' : '**not met**');
    lines.push('');
    lines.push(
      `Goals without a client limit: within the bound: ${verdict(free.ms.median <= free.bound.median)}; at most 10 % throttled: ${verdict(free.throttledShare.median <= 0.1)}; every target verified: ${verdict(free.verified.min === r.targets && free.active.max === 0)}.`,
    );
  }
  return lines.join('\n');
}

// The growth of a step's field from size a to size b: the ratio, and the same rate per 10x targets
// (ratio ^ (1 / log10(b / a)): what 10x the targets would give if it grew as n^k).
function grow(r, step, field, a, b) {
  const ratio = r.results[b][step][field].median / r.results[a][step][field].median;
  return { ratio, per10: ratio ** (1 / Math.log10(r.results[b].targets / r.results[a].targets)) };
}

function growthSection(r) {
  const lines = [];
  const n = r.results.length;
  lines.push(
    `Plans of ${int(r.results[0].targets)} to ${int(r.results[n - 1].targets)} targets mixed across the five types, as in [apply against the limit](#apply-against-the-limit), against the emulator at **zero latency**, so that these measure rescind's own work, not round trips. **validate** is the whole CLI (\`rescind validate plan.yaml\`, node's start included); **plan** is \`session.plan\` and saving the plan (\`rescind plan --out\` without printing); **apply** is \`session.prepareApply\` of the saved plan and \`session.apply\` at concurrency ${r.concurrency}. Each runs in a fresh child process; peak memory is its \`process.resourceUsage().maxRSS\`, which counts the garbage V8 has not collected yet, so it varies more from run to run than the time does. ${Runs(r.runs)} of each step${r.runs === 1 ? ' (the largest apply alone takes some 30 s)' : ''}.`,
  );
  lines.push('');
  lines.push(
    "Each step from one size to the next shows the ratio of the two values and, in brackets, the same growth **per 10× targets** (ratio ^ 1 ÷ log10 of the sizes' ratio): linear time is 10×; memory should grow less, since the process's own ~50 MB does not grow. The first step is mostly fixed costs (node and module start-up, opening the accounts, the identity reads, verification lists that wait up to 2 seconds for their batch); the last one shows the cost per target.",
  );
  const steps = r.results.slice(1).map((x, i) => ({
    a: i,
    b: i + 1,
    head: `${int(r.results[i].targets)} → ${int(x.targets)}`,
  }));
  for (const [field, what, show] of [
    ['ms', 'Time', (v) => ms(v)],
    ['rssMb', 'Peak memory (RSS)', (v) => `${int(v.median)} MB`],
  ]) {
    lines.push('');
    lines.push(`${what}:`);
    lines.push('');
    lines.push(
      table(
        ['step', ...r.results.map((x) => `${int(x.targets)} targets`), ...steps.map((st) => st.head)],
        ['validate', 'plan', 'apply'].map((step) => [
          step,
          ...r.results.map((x) => show(x[step][field])),
          ...steps.map((st) => {
            const g = grow(r, step, field, st.a, st.b);
            return `${fixed(g.ratio, 2)}× (**${fixed(g.per10, 1)}×** per 10×)`;
          }),
        ]),
      ),
    );
  }
  lines.push('');
  lines.push(
    `The plan files: ${r.results.map((x) => `${int(x.targets)} targets, ${fixed(x.planBytes / 2 ** 20, 1)} MiB of YAML saved as ${fixed((x.savedBytes ?? 0) / 2 ** 20, 1)} MiB of JSON`).join('; ')}.`,
  );
  return lines.join('\n');
}

function emulatorSection(r) {
  return [
    `The emulator alone, in a worker thread (its own core), answering signed reads (KMS \`ListGrants\`, CCM \`ShowCertificateAuthority\`, ESA \`GetClientCertificate\` in turn) from ${r.connections} connections, with every signature verified: one second of warm-up, then windows of ${r.seconds} s. ${r.rate.runs === 1 ? '1 window' : `Median of ${r.rate.runs} windows (min–max)`}.`,
    '',
    table(
      ['requests per second', 'answers not 200'],
      [[`${int(r.rate.median)}${range(r.rate, int)}`, int(r.failed)]],
    ),
  ].join('\n');
}

function validateSection(r) {
  return [
    `\`rescind validate\` of generated plans, the whole process, next to \`node -e 0\` measured in the same run. ${Runs(r.runs)}.`,
    '',
    table(
      ['what', 'time', 'bar'],
      r.rows.map((x) => [
        x.name,
        ms(x.ms),
        x.bar === undefined || x.bar === null ? '' : `< ${seconds(x.bar)}`,
      ]),
    ),
  ].join('\n');
}

function planSection(r) {
  return [
    `\`rescind plan\` of ${int(r.targets)} targets (${r.fleet}) against the emulator at zero latency, in a fresh process each: \`session.plan\`, the whole CLI (\`--format json --out\`), and \`show\` of the saved plan; list calls against the fewest paging allows (one paged list per key and per site). ${Runs(r.runs)}.`,
    '',
    table(
      ['what', 'time', 'peak RSS'],
      [
        ['plan, session.plan', ms(r.session.ms), `${int(r.session.rssMb.median)} MB`],
        ['plan, whole CLI', ms(r.cli.ms), `${int(r.cli.rssMb.median)} MB`],
        [
          `show of the saved plan (${fixed(r.show.mib, 1)} MiB)`,
          ms(r.show.ms),
          `${int(r.show.rssMb.median)} MB`,
        ],
      ],
    ),
    '',
    `List calls: ${int(r.lists.session)} (session) and ${int(r.lists.cli)} (CLI), against ${int(r.lists.fewest)} at the fewest. Bars: under ${seconds(r.bars.ms)} and ${r.bars.mb} MB, list calls within ${r.bars.listOver * 100} % of the fewest.`,
  ].join('\n');
}

function diagnosticsSection(r) {
  const lines = [
    `\`rescind validate\` (in-process) of files with 10,000 to 100,000 diagnostics of three kinds: time must grow linearly with the diagnostics. ${Runs(r.runs)}.`,
    '',
    table(
      ['kind', 'diagnostics', 'time', 'time ÷ the first', 'diagnostics ÷ the first'],
      r.rows.map((x) => [
        x.kind,
        int(x.diagnostics),
        ms(x.ms),
        `${fixed(x.growth, 2)}×`,
        `${fixed(x.counted, 1)}×`,
      ]),
    ),
  ];
  // The rows whose time is off linear by more than half, either way.
  const off = r.rows.filter(
    (x) => x.counted > 1 && (x.growth / x.counted < 0.5 || x.growth / x.counted > 1.5),
  );
  if (off.length > 0) {
    lines.push('');
    lines.push(
      `Not linear: ${off.map((x) => `${x.kind} at ${int(x.diagnostics)} (${fixed(x.growth, 2)}× the time for ${fixed(x.counted, 1)}× the diagnostics)`).join('; ')}.`,
    );
  }
  if (r.bar !== undefined) {
    const at = r.rows.filter((x) => x.diagnostics === r.bar.diagnostics);
    const over = at.filter((x) => x.ms.median >= r.bar.ms);
    lines.push('');
    lines.push(
      `The quality bar, ${int(r.bar.diagnostics)} diagnostics in one file under ${seconds(r.bar.ms)}: ${over.length === 0 ? 'met by every kind' : `**not met** by ${over.map((x) => `${x.kind} (${seconds(x.ms.median)})`).join(', ')}`}.`,
    );
  }
  return lines.join('\n');
}

function verifySection(r) {
  return [
    `The emulator's and the client's work per request, without HTTP: median of ${r.rounds} rounds of ${int(r.n)}.`,
    '',
    table(
      ['operation', 'µs'],
      r.rows.map((x) => [x.name, fixed(x.us, 1)]),
    ),
  ].join('\n');
}
