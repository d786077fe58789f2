// What the apply, SDK, throttling, CPU, start and growth benchmarks share: a fleet of credentials of
// the five types (the emulator's seed, the plan that revokes them, and the list of targets), an
// emulator seeded with it and a folder whose config points both accounts at it, the rescind CLI run
// there, and what the emulator saw and still shows active after a run.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSeed } from '../dist/emulator/seed.js';
import { startEmulator } from '../dist/emulator/server.js';
import { runNode } from './lib.js';

/** CHILD is the script that runs rescind's library in a child process (bench/child.js). */
export const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
/** BIN is rescind's CLI, as a user runs it. */
export const BIN = fileURLToPath(new URL('../bin/rescind.js', import.meta.url));

/** TYPES are the five revocation types, in the order a mixed fleet deals them. */
export const TYPES = ['kms', 'esa', 'cce', 'ccm', 'ack'];

const TYPE_NAMES = {
  kms: 'huaweicloud.kms.grant',
  esa: 'alibabacloud.esa.client-certificate',
  cce: 'huaweicloud.cce.cluster-certificate',
  ccm: 'huaweicloud.ccm.subordinate-ca',
  ack: 'alibabacloud.ack.user-permissions',
};

// Group sizes: 100 grants per KMS key and 100 certificates per ESA site (one page each), 100 holders
// per CCE cluster, one CA per CCM target, and each ACK user on 10 clusters.
const PER_KEY = 100;
const PER_SITE = 100;
const PER_CLUSTER = 100;
const ACK_CLUSTERS = 10;

const demo = loadSeed();
const hwCaller = demo.identities.find((i) => i.cloud === 'huaweicloud' && i.accessKey !== undefined);
const project = demo.huaweicloud?.kms?.keys?.[0]?.project_id;
if (hwCaller === undefined || project === undefined) throw new Error('the demo seed has no KMS caller');

const hex = (n, width) => n.toString(16).padStart(width, '0');
const ids = {
  keyId: (k) => `0d0466b0-e727-4d9c-b35d-${hex(0xd0000 + k, 12)}`,
  grantId: (k, i) => hex(k * 1_000_000 + i + 1, 64),
  siteId: (s) => 1234567800000 + s,
  certId: (s, i) => hex(s * 1_000_000 + i + 1, 32),
  cceCluster: (c) => `4c1f6a2e-8b3d-11ef-9a1b-${hex(c, 12)}`,
  cceUser: (c, i) => hex(0xcce0000000 + c * 1_000_000 + i, 32),
  caId: (i) => `6434f74f-2d13-4e6a-89eb-${hex(i, 12)}`,
  ackCluster: (c) => `c${hex(0xac0000 + c, 32)}`,
  ackUser: (u) => String(300000000000000000n + BigInt(u)),
};

/**
 * mixedFleet is n targets dealt across types in turn (n / types.length of each): the emulator's seed
 * (the demo identities, every credential active), the plan that revokes them all, and the targets.
 * The plan lists them type after type (in blocks), or with `interleave` one of each type in turn.
 */
export function mixedFleet(n, types = TYPES, { interleave = false } = {}) {
  const count = Object.fromEntries(
    types.map((t, i) => [t, Math.floor(n / types.length) + (i < n % types.length ? 1 : 0)]),
  );
  const targets = [];
  const groups = (total, size) =>
    Array.from({ length: Math.ceil(total / size) }, (_, g) => Math.min(size, total - g * size));

  const keys = groups(count.kms ?? 0, PER_KEY).map((size, k) => ({
    project_id: project,
    key_id: ids.keyId(k),
    creator: hwCaller.userId,
    grants: Array.from({ length: size }, (_, i) => {
      targets.push({ type: 'kms', keyId: ids.keyId(k), grantId: ids.grantId(k, i) });
      return {
        grant_id: ids.grantId(k, i),
        grantee_principal: 'aaaa0000aaaa0000aaaa0000aaaa0000',
        grantee_principal_type: 'user',
        operations: ['decrypt-data'],
      };
    }),
  }));
  const sites = groups(count.esa ?? 0, PER_SITE).map((size, s) => ({
    SiteId: ids.siteId(s),
    SiteName: `site-${s}.example.com`,
    client_certificates: Array.from({ length: size }, (_, i) => {
      targets.push({ type: 'esa', siteId: ids.siteId(s), certificateId: ids.certId(s, i) });
      return { Id: ids.certId(s, i), CommonName: `user-${s}-${i}`, Status: 'active' };
    }),
  }));
  const cceClusters = groups(count.cce ?? 0, PER_CLUSTER).map((size, c) => ({
    project_id: project,
    cluster_id: ids.cceCluster(c),
    name: `cce-${c}`,
    certificates: Array.from({ length: size }, (_, i) => {
      targets.push({ type: 'cce', clusterId: ids.cceCluster(c), userId: ids.cceUser(c, i) });
      return { userId: ids.cceUser(c, i), revoked: false };
    }),
  }));
  const cas = Array.from({ length: count.ccm ?? 0 }, (_, i) => {
    targets.push({ type: 'ccm', caId: ids.caId(i) });
    return {
      ca_id: ids.caId(i),
      type: 'SUBORDINATE',
      status: 'ACTIVED',
      freeze_flag: 0,
      distinguished_name: { common_name: `Issuing CA ${i}` },
    };
  });
  // ACK: users on ACK_CLUSTERS clusters each (fewer for a small fleet), idle for months.
  const ack = count.ack ?? 0;
  const ackClusters = Math.min(ACK_CLUSTERS, ack);
  const ackSeed = Array.from({ length: ackClusters }, (_, c) => ({
    cluster_id: ids.ackCluster(c),
    name: `ack-${c}`,
    cluster_state: 'running',
    users: [],
  }));
  for (let t = 0; t < ack; t++) {
    const u = Math.floor(t / ackClusters);
    const c = t % ackClusters;
    targets.push({ type: 'ack', clusterId: ids.ackCluster(c), uid: ids.ackUser(u) });
    ackSeed[c].users.push({
      uid: ids.ackUser(u),
      permissions: [{ role_name: 'dev', role_type: 'dev', resource_type: 'cluster' }],
      cert_state: 'Unexpired',
      last_access: '2026-06-01T10:00:00Z',
    });
  }

  const state = {
    apiVersion: 'rescind/v1',
    kind: 'EmulatorState',
    referenceTime: '2026-11-23T12:00:00Z',
    identities: demo.identities,
    huaweicloud: {
      kms: { keys },
      cce: { clusters: cceClusters },
      ccm: { certificate_authorities: cas },
    },
    alibabacloud: { esa: { sites }, ack: { clusters: ackSeed } },
  };
  const listed = interleave ? dealt(targets, types) : targets;
  return { state, targets: listed, count, plan: planYaml(`bench-${n}`, listed) };
}

// The targets one of each type in turn, in the order of types, each type's in their order.
function dealt(targets, types) {
  const queues = types.map((type) => targets.filter((t) => t.type === type));
  const out = [];
  for (let i = 0; out.length < targets.length; i++) for (const q of queues) if (i < q.length) out.push(q[i]);
  return out;
}

// The plan that names every target of the fleet, one `target:` each.
function planYaml(name, targets) {
  const lines = targets.map((t, i) => {
    const head = `    - {id: ${t.type}-${i}, type: ${TYPE_NAMES[t.type]}, `;
    switch (t.type) {
      case 'kms':
        return `${head}account: hw-prod, target: {keyId: ${t.keyId}, grantId: "${t.grantId}"}}`;
      case 'esa':
        return `${head}account: ali-prod, target: {siteId: ${t.siteId}, certificateId: "${t.certificateId}"}}`;
      case 'cce':
        return `${head}account: hw-prod, target: {clusterId: ${t.clusterId}, userId: "${t.userId}"}}`;
      case 'ccm':
        return `${head}account: hw-prod, target: {caId: ${t.caId}}, with: {reason: KEY_COMPROMISE}}`;
      default:
        return `${head}account: ali-prod, target: {clusterId: ${t.clusterId}, uid: "${t.uid}"}}`;
    }
  });
  return `apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata: {name: ${name}, reason: benchmark, ticket: SEC-1}\nspec:\n  revocations:\n${lines.join('\n')}\n`;
}

/** describeFleet says what a fleet holds, for a heading: "400 KMS grants on 4 keys, ...". */
export function describeFleet(fleet) {
  const n = (k) => (fleet.count[k] ?? 0).toLocaleString('en');
  const parts = [];
  if (fleet.count.kms) parts.push(`${n('kms')} KMS grants`);
  if (fleet.count.esa) parts.push(`${n('esa')} ESA certificates`);
  if (fleet.count.cce) parts.push(`${n('cce')} CCE certificates`);
  if (fleet.count.ccm) parts.push(`${n('ccm')} CCM CAs`);
  if (fleet.count.ack) parts.push(`${n('ack')} ACK user permissions`);
  return parts.join(', ');
}

/** callerEnv is this process's environment with the credentials of the emulator's two callers. */
export function callerEnv(emulator) {
  const hw = emulator.caller('huaweicloud');
  const ali = emulator.caller('alibabacloud');
  return {
    ...process.env,
    HUAWEICLOUD_SDK_AK: hw.accessKey,
    HUAWEICLOUD_SDK_SK: hw.secretKey,
    ALIBABA_CLOUD_ACCESS_KEY_ID: ali.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: ali.accessKeySecret,
  };
}

/**
 * openBench starts an emulator seeded with the fleet, with faults, and a folder whose
 * rescind.config.yaml points both accounts at it (rateLimits as given, default none: `{default: 0}`)
 * and holds the fleet's plan.yaml and targets.json. run() runs node there with the callers'
 * credentials (bench/lib.js runNode), cli() rescind's CLI, savePlan() `rescind plan --out plan.json`;
 * seen() is what the emulator saw and still shows active; close() stops it all.
 */
export async function openBench(fleet, { faults = {}, rateLimits = 0 } = {}) {
  const emulator = await startEmulator({ state: fleet.state, ...faults });
  const hw = emulator.caller('huaweicloud');
  const env = {
    ...callerEnv(emulator),
    BENCH_ENDPOINT: emulator.url,
    BENCH_PROJECT_ID: project,
    BENCH_DOMAIN_ID: hw.domainId,
  };
  const admin = async (method, path, body) => {
    const res = await fetch(`${emulator.url}/_emulator/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!res.ok) throw new Error(`emulator ${path}: HTTP ${res.status}`);
    return res.json().catch(() => undefined);
  };
  const dir = mkdtempSync(join(tmpdir(), 'rescind-bench-'));
  const limits = typeof rateLimits === 'number' ? `{default: ${rateLimits}}` : rateLimits;
  writeFileSync(
    join(dir, 'rescind.config.yaml'),
    `apiVersion: rescind/v1\nkind: Config\naccounts:\n  hw-prod: {cloud: huaweicloud, region: ap-southeast-1, projectId: ${project}, domainId: ${hw.domainId}, endpoint: "${emulator.url}", rateLimits: ${limits}}\n  ali-prod: {cloud: alibabacloud, region: cn-hangzhou, endpoint: "${emulator.url}", rateLimits: ${limits}}\n`,
  );
  writeFileSync(join(dir, 'plan.yaml'), fleet.plan);
  writeFileSync(join(dir, 'targets.json'), JSON.stringify(fleet.targets));
  const run = (argv, options) => runNode(argv, dir, env, options);
  const cli = (args, options) => run([BIN, ...args], options);
  const child = async (args, options = {}) => {
    const out = await run([...(options.node ?? []), CHILD, ...args]);
    return JSON.parse(out.stdout.trim().split('\n').pop());
  };
  return {
    dir,
    env,
    admin,
    run,
    cli,
    child,
    /** reset puts the seed back, zeroes the stats, sets the faults and forgets rescind's runs. */
    reset: async (set = faults) => {
      await admin('POST', 'reset');
      await admin('POST', 'faults', set);
      rmSync(join(dir, '.rescind'), { recursive: true, force: true });
    },
    /** savePlan runs `rescind plan plan.yaml --out plan.json` (whole process: ms, maxRssKb, cpuMs). */
    savePlan: async () => {
      const out = await cli(['plan', 'plan.yaml', '--out', 'plan.json'], { usage: true });
      const summary = /Plan: (\d+) to revoke, (\d+) already revoked, (\d+) not observable/.exec(out.stdout);
      const planned = summary === null ? 0 : Number(summary[1]) + Number(summary[3]);
      if (planned !== fleet.targets.length) {
        throw new Error(
          `the plan has ${planned} targets to revoke, not ${fleet.targets.length}: ${out.stderr.slice(0, 2000)}`,
        );
      }
      return out;
    },
    /** active counts the fleet's targets that the emulator's state shows still active. */
    active: async () => stillActive(await admin('GET', 'state'), fleet.targets),
    /** seen is what the emulator saw since the reset (requests, by operation, throttled) and the targets still active. */
    seen: async () => {
      const stats = await admin('GET', 'stats');
      return {
        requests: sum(stats.requests),
        byOperation: stats.requests,
        throttled: stats.throttled,
        active: stillActive(await admin('GET', 'state'), fleet.targets),
      };
    },
    /**
     * firstRequest polls the emulator's request count every few milliseconds until it is not zero;
     * `at` resolves with that moment (process.hrtime, ms) and stop() ends the polling.
     */
    firstRequest: () => {
      let stopped = false;
      const at = (async () => {
        while (!stopped) {
          const stats = await admin('GET', 'stats');
          if (sum(stats.requests) > 0) return Number(process.hrtime.bigint()) / 1e6;
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
        return undefined;
      })();
      return { at, stop: () => (stopped = true) };
    },
    close: async () => {
      await emulator.close();
      if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// How often firstRequest asks the emulator for its count: the precision of the time of the first request.
const POLL_MS = 5;

// The targets that the state still shows active: a grant still listed, a certificate or CA still
// active, a CCE holder not revoked, an ACK user with permissions or a kubeconfig not removed.
function stillActive(state, targets) {
  const grants = new Set();
  for (const key of state.huaweicloud?.kms?.keys ?? [])
    for (const g of key.grants ?? []) grants.add(`${key.key_id}/${g.grant_id}`);
  const certs = new Map();
  for (const site of state.alibabacloud?.esa?.sites ?? [])
    for (const c of site.client_certificates ?? []) certs.set(`${site.SiteId}/${c.Id}`, c.Status);
  const holders = new Map();
  for (const cluster of state.huaweicloud?.cce?.clusters ?? [])
    for (const h of cluster.certificates ?? []) holders.set(`${cluster.cluster_id}/${h.userId}`, h.revoked);
  const cas = new Map();
  for (const ca of state.huaweicloud?.ccm?.certificate_authorities ?? []) cas.set(ca.ca_id, ca.status);
  const ack = new Map();
  for (const cluster of state.alibabacloud?.ack?.clusters ?? [])
    for (const u of cluster.users ?? [])
      ack.set(
        `${cluster.cluster_id}/${u.uid}`,
        (u.permissions ?? []).length > 0 || u.cert_state !== 'Removed',
      );
  let active = 0;
  for (const t of targets) {
    switch (t.type) {
      case 'kms':
        if (grants.has(`${t.keyId}/${t.grantId}`)) active++;
        break;
      case 'esa':
        if (certs.get(`${t.siteId}/${t.certificateId}`) === 'active') active++;
        break;
      case 'cce':
        if (holders.get(`${t.clusterId}/${t.userId}`) !== true) active++;
        break;
      case 'ccm':
        if (cas.get(t.caId) === 'ACTIVED') active++;
        break;
      default:
        if (ack.get(`${t.clusterId}/${t.uid}`) !== false) active++;
    }
  }
  return active;
}

/** sum adds the values of an object of counts. */
export const sum = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
