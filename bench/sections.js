// The sections of docs/benchmarks.md, one per benchmark (bench/NAME.bench.js records NAME): each has
// a title, renders its markdown from what the benchmark recorded, and may draw a chart
// (bench/charts.js) that bench/report.js writes to docs/benchmarks/NAME.svg and shows first.

import { barChart } from './charts.js';
import { fixed, int, ms, num, Runs, range, runs, seconds, table, verdict } from './format.js';

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

// The table of where the calls went, by type: targets, calls, calls per target, calls by API.
function callsByType(calls, count) {
  const rows = Object.entries(TYPE_OPS)
    .map(([type, ops]) => {
      const n = count[TYPE_COUNT[type]];
      const made = ops.reduce((a, op) => a + (calls[op] ?? 0), 0);
      const detail = ops.filter((op) => calls[op] !== undefined).map((op) => `${op} ${calls[op]}`);
      return n ? [type, int(n), int(made), fixed(made / n, 2), detail.join(', ')] : undefined;
    })
    .filter((row) => row !== undefined);
  return table(['type', 'targets', 'calls', 'calls per target', 'calls by API'], rows);
}

const SDK_CALLS =
  "the clouds' official SDKs with their default settings (the Huawei Cloud SDK core's `HcClient` for KMS `revoke-grant`, CCE `clustercertrevoke` and CCM `revoke`, in the request shapes of their generated clients; Alibaba Cloud's generated `@alicloud/esa20240910` `revokeClientCertificate` and `@alicloud/cs20151215` `cleanClusterUserPermissions`)";
const whisker = (s) => ({ value: s.median, min: s.min, max: s.max });

function sdkSection(r) {
  const lines = [];
  const sizes = [...new Map(r.cells.map((c) => [c.targets, c.fleet])).entries()];
  lines.push(
    `The same revocations made the way an engineer writes them today: ${SDK_CALLS}, behind a worker pool of the same concurrency as rescind: N workers pulling from one queue, one revoke call per target, no read before and none after ([bench/sdk-pool.js](../bench/sdk-pool.js)). rescind applies a plan saved before the timing with \`rescind plan --out\`, as a user runs it: \`rescind apply --yes --concurrency N plan.json\` reads each target again, revokes it, verifies it with a read and journals every step. Both are timed as **whole processes**, from spawn to exit, node's start included, against the same emulator at ${r.latencyMs} ms latency, reset to the same state before every run. Runs alternate (pool, rescind, pool, rescind, …): ${runs(r.runs)}. **rescind ÷ pool** is taken round by round (each rescind run over the pool run just before it). **Still active** counts the targets that the emulator's state shows unrevoked after a run (the worst run), whatever the tool reported.`,
  );
  lines.push('');
  lines.push(`The fleets: ${sizes.map(([n, fleet]) => `${int(n)} targets (${fleet})`).join('; ')}.`);
  lines.push('');
  lines.push(
    table(
      [
        'targets',
        'concurrency',
        'official SDKs, worker pool',
        'rescind apply',
        'rescind ÷ pool',
        'requests per target: pool; rescind',
        'still active: pool; rescind',
      ],
      r.cells.map((c) => [
        int(c.targets),
        c.concurrency,
        ms(c.pool.ms),
        ms(c.rescind.ms),
        `**${num(c.ratio, 2)}**`,
        `${fixed(c.pool.perTarget.median, 2)}; ${fixed(c.rescind.perTarget.median, 2)}`,
        `${c.pool.active.max}; ${c.rescind.active.max}`,
      ]),
    ),
  );
  const worst = Math.max(...r.cells.map((c) => c.ratio.median));
  const perTarget = Math.max(...r.cells.map((c) => c.rescind.perTarget.median));
  lines.push('');
  lines.push(
    `Goals: rescind ÷ pool ≤ 1.0 in every cell: ${verdict(worst <= 1)} (the worst cell: ${fixed(worst, 2)}); at most 1.2 requests per target: ${verdict(perTarget <= 1.2)} (${fixed(perTarget, 2)}).`,
  );
  const last = r.cells[r.cells.length - 1];
  if (last.rescind.byOperation !== undefined && last.count !== undefined) {
    lines.push('');
    lines.push(
      `Where rescind's requests go, at ${int(last.targets)} targets and concurrency ${last.concurrency} (last run; plus one identity read per account):`,
    );
    lines.push('');
    lines.push(callsByType(last.rescind.byOperation, last.count));
  }
  if (r.sequential !== undefined) {
    const s = r.sequential;
    const cell = r.cells.find((c) => c.targets === s.targets);
    lines.push('');
    lines.push(
      `One more row, named as what it is: the **sequential loop, one call at a time** (the same script with one worker), ${int(s.targets)} targets: ${seconds(s.ms.median)} (one run), ${s.active.max} still active.${cell === undefined ? '' : ` rescind at concurrency ${cell.concurrency} took ${fixed(s.ms.median / cell.rescind.ms.median, 1)}× less; that measures concurrency, not rescind.`}`,
    );
  }
  return lines.join('\n');
}

function sdkChart(r) {
  return barChart({
    title: `rescind apply vs the official SDKs in a worker pool: whole processes, ${r.latencyMs} ms latency`,
    format: seconds,
    groups: r.cells.map((c) => ({
      label: `${int(c.targets)} targets, concurrency ${c.concurrency}`,
      bars: [
        { label: `official SDKs, pool of ${c.concurrency}`, tone: 'other', ...whisker(c.pool.ms) },
        {
          label: 'rescind apply (verified, journaled)',
          tone: 'rescind',
          ...whisker(c.rescind.ms),
          text: `${seconds(c.rescind.ms.median)}: ${fixed(c.ratio.median, 2)}× the pool`,
        },
      ],
    })),
    note: `Median of ${r.runs} alternated runs, min–max whiskers; shorter is better; goal: rescind ≤ 1.0× the pool.`,
  });
}

function throttleSection(r) {
  const lines = [];
  const first = r.results[0];
  lines.push(
    `${int(r.targets)} targets (${first.fleet}), the emulator throttling **each operation** at R = ${r.rps} requests per second with each cloud's own answer (Huawei's 429 \`APIGW.0308\`, Alibaba's \`Throttling.User\`), ${r.latencyMs} ms latency. The plan (and the pool's queue) lists them in blocks (every grant, then every certificate) or interleaved (one of each in turn). rescind applies the saved plan at concurrency ${r.concurrency} with **no client rate limit** (\`rateLimits: {default: 0}\`): it finds the rate from the throttling answers. Against it, the official-SDK worker pool of ${r.concurrency} ([bench/sdk-pool.js](../bench/sdk-pool.js)) with a simple retry (full-jitter exponential backoff on the two throttling codes: a random wait up to 100 ms × 2^attempt, at most 10 s, 10 attempts), and the same pool without it. **Ideal** is the time the cloud's rates allow: each operation's targets ÷ R, the operations in parallel, so the longest (${seconds(first.idealMs)}). Whole processes, timed from spawn to exit; runs alternate (rescind, pool with retry, pool, …): ${runs(r.runs)}. **Throttled** is the share of the requests the emulator saw that it answered with throttling (median, min–max, and the median count).`,
  );
  lines.push('');
  const rows = [];
  for (const x of r.results) {
    for (const [name, m] of [
      ['rescind apply, no client limit', x.rescind],
      ['official SDKs, pool with a retry', x.poolRetry],
      ['official SDKs, pool without a retry', x.pool],
    ]) {
      rows.push([
        x.order,
        name,
        ms(m.ms),
        num(m.ofIdeal, 2, '×'),
        `${fixed(m.throttledShare.median * 100, 1)} % (${m.throttledShare.runs > 1 ? `${fixed(m.throttledShare.min * 100, 1)}–${fixed(m.throttledShare.max * 100, 1)} %; ` : ''}${int(m.throttled.median)} of ${int(m.requests.median)})`,
        String(m.active.max),
      ]);
    }
  }
  lines.push(table(['order', 'how', 'time', '÷ ideal', 'throttled', 'still active'], rows));
  lines.push('');
  lines.push(
    `Goals for rescind, within 1.15 × the ideal + 1 s, at most 5 % throttled, every target revoked: ${r.results
      .map(
        (x) =>
          `${x.order}: time ${verdict(x.rescind.ms.median <= x.goalMs)} (${seconds(x.rescind.ms.median)} against ${seconds(x.goalMs)}), throttled ${verdict(x.rescind.throttledShare.median <= 0.05)} (${fixed(x.rescind.throttledShare.median * 100, 1)} %), revoked ${verdict(x.rescind.active.max === 0)}`,
      )
      .join('; ')}.`,
  );
  return lines.join('\n');
}

function throttleChart(r) {
  return barChart({
    title: `Under the cloud's throttling, ${r.rps}/s per operation: time to revoke ${int(r.targets)} targets`,
    format: seconds,
    marks: [{ value: r.results[0].goalMs, label: 'goal: 1.15 × ideal + 1 s' }],
    groups: r.results.map((x) => ({
      label: `listed ${x.order}`,
      bars: [
        { label: "ideal: the cloud's rate", tone: 'ideal', value: x.idealMs },
        {
          label: 'rescind apply, no client limit',
          tone: 'rescind',
          ...whisker(x.rescind.ms),
          text: `${seconds(x.rescind.ms.median)}: ${fixed(x.rescind.ofIdeal.median, 2)}× ideal`,
        },
        { label: 'official SDKs, pool with a retry', tone: 'other', ...whisker(x.poolRetry.ms) },
        {
          label: 'official SDKs, pool without a retry',
          tone: 'other',
          ...whisker(x.pool.ms),
          text: `${seconds(x.pool.ms.median)}, ${int(x.pool.active.median)} left active`,
        },
      ],
    })),
    note: `Whole processes, median of ${r.runs} alternated runs, min–max whiskers; ${r.latencyMs} ms latency, concurrency ${r.concurrency}.`,
  });
}

function cpuSection(r) {
  const [a, b] = r.sizes;
  const req = (who, n) => int(r.requests[`${who} ${n}`]);
  const cpu = (who, n) => ms(r.cpuMs[`${who} ${n}`]);
  const perTarget = r.rescindTargetUs !== undefined;
  const row = (name, who, us, targetUs) => [
    name,
    num(us, 0, ' µs'),
    ...(perTarget ? [num(targetUs, 0, ' µs')] : []),
    cpu(who, a),
    cpu(who, b),
    `${req(who, a)} → ${req(who, b)}`,
  ];
  const lines = [
    `CPU time per request at steady state, the emulator at **0 ms latency**: rescind applying a saved plan (the whole CLI, \`rescind apply --yes --concurrency ${r.concurrency} plan.json\`) against the floor, a bare loop of signed undici requests at the same concurrency ([bench/floor.js](../bench/floor.js): each target's revoke call signed with rescind's signing functions and sent with \`undici.request\`; no retry, no read, no journal). CPU time is each process's user + system time as it exits (\`process.resourceUsage()\`), not wall time. The steady state is the difference between mixed fleets of ${int(a)} and ${int(b)} targets: (CPU time at ${int(b)} − at ${int(a)}) ÷ (requests at ${int(b)} − at ${int(a)}), so that node's start, module loading and exit cancel out. Runs alternate (rescind and the floor at each size in turn): ${runs(r.runs)}; the ratio is taken round by round.`,
    '',
    table(
      [
        'client',
        'CPU per request',
        ...(perTarget ? ['CPU per target'] : []),
        `CPU time, ${int(a)} targets`,
        `CPU time, ${int(b)} targets`,
        'requests',
      ],
      [
        row('rescind apply', 'rescind', r.rescindUs, r.rescindTargetUs),
        row('bare signed undici loop', 'floor', r.floorUs, r.floorTargetUs),
      ],
    ),
    '',
    `Goal: rescind at most 2× the floor per request: ${verdict(r.ratio.median <= 2)} (**${num(r.ratio, 2, '×')}**).`,
  ];
  if (perTarget) {
    lines.push(
      '',
      `Per target, which is what a revocation costs whatever the number of requests it takes (no goal): rescind ${fixed(r.rescindTargetUs.median / r.floorTargetUs.median, 2)}× the floor.`,
    );
  }
  return lines.join('\n');
}

function cpuChart(r) {
  const us = (v) => `${Math.round(v)} µs`;
  return barChart({
    title: 'Client CPU time per request at steady state (0 ms latency)',
    format: us,
    marks: [{ value: 2 * r.floorUs.median, label: 'goal: 2× the floor' }],
    groups: [
      {
        bars: [
          { label: 'bare signed undici loop', tone: 'other', ...whisker(r.floorUs) },
          {
            label: 'rescind apply (whole process)',
            tone: 'rescind',
            ...whisker(r.rescindUs),
            text: `${us(r.rescindUs.median)}: ${fixed(r.ratio.median, 2)}× the floor`,
          },
        ],
      },
    ],
    note: `Median of ${r.runs} alternated runs, min–max whiskers; concurrency ${r.concurrency}; less is better.`,
  });
}

function startSection(r) {
  return [
    `Whole processes from spawn to exit, beside \`node -e 0\` in the same rounds: \`rescind plan ${r.example}\` on the built-in emulator (the repository's config: the emulator starts inside rescind's process), and \`rescind apply --yes plan.json\` of a saved plan of one KMS grant against the benchmark's emulator (0 ms latency, reset before each run). Runs alternate (node, plan, apply, node, …) after one untimed round: ${runs(r.runs)}; the ratios are taken round by round.`,
    '',
    table(
      ['what', 'time', '÷ node -e 0'],
      [
        ['`node -e 0`', ms(r.node), ''],
        [`\`rescind plan\` of the offboarding example`, ms(r.plan.ms), `**${num(r.plan.ratio, 2, '×')}**`],
        ['`rescind apply` of 1 target', ms(r.apply.ms), `**${num(r.apply.ratio, 2, '×')}**`],
      ],
    ),
    '',
    `Goals, each within 4× \`node -e 0\`: plan ${verdict(r.plan.ratio.median <= 4)}, apply ${verdict(r.apply.ratio.median <= 4)}.`,
  ].join('\n');
}

function startChart(r) {
  return barChart({
    title: 'Start and end: whole processes, beside node -e 0',
    format: seconds,
    marks: [{ value: 4 * r.node.median, label: 'goal: 4× node -e 0' }],
    groups: [
      {
        bars: [
          { label: 'node -e 0', tone: 'ideal', ...whisker(r.node) },
          {
            label: 'rescind plan, offboarding example',
            tone: 'rescind',
            ...whisker(r.plan.ms),
            text: `${seconds(r.plan.ms.median)}: ${fixed(r.plan.ratio.median, 2)}× node`,
          },
          {
            label: 'rescind apply, 1 target',
            tone: 'rescind',
            ...whisker(r.apply.ms),
            text: `${seconds(r.apply.ms.median)}: ${fixed(r.apply.ratio.median, 2)}× node`,
          },
        ],
      },
    ],
    note: `Median of ${r.runs} alternated runs, min–max whiskers; shorter is better.`,
  });
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
    `Plans of ${int(r.results[0].targets)} to ${int(r.results[n - 1].targets)} targets mixed across the five types, as in [apply against the limit](#apply-against-the-limit), against the emulator at **zero latency**, so that these measure rescind's own work, not round trips. Each step is the whole CLI in a fresh process, timed from spawn to exit: \`rescind validate plan.yaml\`, \`rescind plan plan.yaml --out plan.json\` and \`rescind apply --yes --concurrency ${r.concurrency} plan.json\`. Peak memory is the process's peak RSS as it exits (getrusage's maxRSS, read by a preloaded module), which counts the garbage V8 has not collected yet, so it varies more from run to run than the time does. The **first request** is the time from spawning apply to the first request the emulator receives (its request count polled every 5 ms). ${Runs(r.runs)} of each step (the largest apply took ${seconds(r.results[n - 1].apply.ms.median)}).`,
  );
  const top = r.results[n - 1];
  if (top.apply.firstMs !== undefined) {
    lines.push('');
    lines.push(
      `Goals for apply of ${int(top.targets)} targets: peak RSS at most 400 MB: ${verdict(top.apply.rssMb.median <= 400)} (**${int(top.apply.rssMb.median)} MB**); first request within 1.5 s: ${verdict(top.apply.firstMs.median <= 1500)} (**${seconds(top.apply.firstMs.median)}**).`,
    );
    lines.push('');
    lines.push(
      table(
        ['apply of', 'time', 'peak RSS', 'first request'],
        r.results.map((x) => [
          `${int(x.targets)} targets`,
          ms(x.apply.ms),
          `${int(x.apply.rssMb.median)} MB`,
          ms(x.apply.firstMs),
        ]),
      ),
    );
    if (top.capped !== undefined) {
      lines.push('');
      lines.push(
        `Much of that peak is garbage V8 has not collected yet. From 25,000 targets to revoke, apply already asks V8 to collect sooner than it would on a machine with this much memory (\`--heap-growing-percent=25\`, [cli.md](cli.md#rescind-apply)). With the heap capped as well, \`NODE_OPTIONS=--max-old-space-size=${top.capped.heapMb}\` (what cli.md advises for small runners), apply of ${int(top.targets)} targets takes ${ms(top.capped.ms)} with a peak RSS of ${int(top.capped.rssMb.median)} MB.`,
      );
    }
  }
  lines.push('');
  lines.push(
    "Each step from one size to the next shows the ratio of the two values and, in brackets, the same growth **per 10× targets** (ratio ^ 1 ÷ log10 of the sizes' ratio): linear time is 10×; memory should grow less, since the process's own ~50 MB does not grow. The first step is mostly fixed costs (node and module start-up, opening the accounts, the identity reads); the last one shows the cost per target.",
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

function validateSection(r) {
  return [
    `\`rescind validate\` of generated plans, the whole process, beside \`node -e 0\` in alternated runs after one untimed round; the ratios are taken round by round. ${Runs(r.runs)}.`,
    '',
    table(
      ['what', 'time', '÷ node -e 0', 'bar'],
      r.rows.map((x) => [
        x.name,
        ms(x.ms),
        x.ratio === undefined ? '' : num(x.ratio, 2, '×'),
        x.ratio === undefined || x.bar === undefined
          ? ''
          : `≤ ${x.bar}× (${verdict(x.ratio.median <= x.bar)})`,
      ]),
    ),
  ].join('\n');
}

function applySection(r) {
  const lines = [];
  lines.push(
    `${int(r.targets)} targets (${r.fleet}), every one active, applied from a saved plan with ${r.latencyMs} ms emulator latency on every answer, by the library in a child process (\`session.prepareApply\` and \`session.apply\`, as the CLI calls them), timed from reading the saved plan to the last target's verification: node's start is not counted here (it is in [the comparison with the official SDKs](#apply-against-the-official-sdks-in-a-worker-pool)). Each run must end with every target verified (CCE: applied, no API can read it) and none left active.`,
  );
  lines.push('');
  lines.push(
    `**Efficiency is counted per target**, not per request: one round trip per target with every slot busy, ${int(r.targets)} × ${r.latencyMs} ms ÷ the concurrency, over the time taken. 1.00 is what a client that makes one call per target and waits for nothing else could reach; making more calls per target does not make a run look more efficient. Beside each apply, in the same run, **the HTTP layer alone** (rescind's signing client, no executor, no journal) makes one signed read per target at the same concurrency: what this machine allows at all. Runs at each concurrency: ${r.results.map((x) => `${x.concurrency}: ${runs(x.runs)}`).join('; ')} (\`BENCH_SLOW_RUNS\` sets the runs at 8, \`BENCH_RUNS\` the others).`,
  );
  lines.push('');
  lines.push(
    table(
      [
        'concurrency',
        'runs',
        'wall time',
        'efficiency per target',
        'HTTP layer alone',
        'apply ÷ HTTP layer',
        'requests',
        'requests per target',
        'most in flight, one API',
        'peak RSS',
      ],
      r.results.map((x) => [
        x.concurrency,
        x.runs,
        ms(x.ms),
        num(x.efficiency, 3),
        num(x.ceiling, 3),
        fixed(x.ofCeiling.median, 2),
        int(x.requests.median),
        fixed(x.perTarget.median, 2),
        x.maxInFlight.max,
        `${int(x.rssMb.median)} MB`,
      ]),
    ),
  );
  const at32 = r.results.find((x) => x.concurrency === 32);
  if (at32 !== undefined && r.count !== undefined) {
    lines.push('');
    lines.push('Where the calls go, at concurrency 32 (last run; plus one identity read per account):');
    lines.push('');
    lines.push(callsByType(at32.calls, r.count));
  }
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

/**
 * SECTIONS are the page's sections in the page's order, by benchmark name: title, render, chart, and
 * readable, which says whether recorded data has the shape this version renders (data recorded by an
 * earlier version of a benchmark is not rendered as if it meant the same).
 */
export const SECTIONS = {
  sdk: {
    title: 'Apply against the official SDKs in a worker pool',
    render: sdkSection,
    chart: sdkChart,
    readable: (r) => Array.isArray(r.cells),
  },
  throttle: {
    title: "Apply under the cloud's throttling",
    render: throttleSection,
    chart: throttleChart,
    readable: (r) => r.results?.[0]?.rescind !== undefined,
  },
  cpu: { title: 'Client CPU per request', render: cpuSection, chart: cpuChart },
  start: { title: 'Start and end', render: startSection, chart: startChart },
  growth: { title: 'Growth', render: growthSection },
  validate: { title: 'Validate, whole process', render: validateSection },
  apply: {
    title: 'Apply against the limit',
    render: applySection,
    readable: (r) => r.efficiencyPer === 'target',
  },
  plan: { title: 'Plan of 10,000 targets', render: planSection },
  diagnostics: { title: 'Floods of diagnostics', render: diagnosticsSection },
  emulator: { title: 'The emulator', render: emulatorSection },
  verify: { title: 'Signing and verifying one request', render: verifySection },
};
