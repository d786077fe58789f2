// `rescind discover` in a session: what to look for (principals of the config or given by ID,
// certificate names, issuing CAs) resolved and checked, the accounts opened, every type of every
// account read through its list calls (engine/discover.ts), and the plan made of what was found: one
// revocation per account and type, a comment on every target, validated as `rescind validate` would
// before anyone writes it. Read-only: nothing here revokes. Loaded by the session on first use.

import type { Principal } from '../config/config.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { suggest } from '../diagnostics/suggest.js';
import { loadDocumentBytes } from '../document/pipeline.js';
import { type DiscoverTask, discoverAll, type FoundTarget } from '../engine/discover.js';
import { planRules } from '../plan/check.js';
import type { DiscoverQuery } from '../providers/types.js';
import { type DiscoveredGroup, discoverPlanData, discoverPlanText } from '../render/discover/plan-yaml.js';
import {
  type Cloud,
  cloudOfType,
  isTypeName,
  serviceOfType,
  type TypeName,
  typeNames,
} from '../vocabulary.js';
import type { AccountNeeds, HttpTuning } from './accounts.js';
import type { ConfigResult, OpenedAccounts } from './types.js';

/** DiscoverSession is what discovering needs of the session. */
export interface DiscoverSession {
  config(): ConfigResult;
  openAccounts(needs: AccountNeeds, tuning?: HttpTuning): Promise<OpenedAccounts>;
}

/** DiscoverOptions say what to look for, where, and what the plan says of why. */
export interface DiscoverOptions {
  /** principals are names of the config's principals, or `huaweicloud:USER_ID`, `huaweicloud:agency:ID`, `alibabacloud:UID`. */
  readonly principals?: readonly string[];
  /** certificateNames are globs over ESA certificates' CommonName or Name. */
  readonly certificateNames?: readonly string[];
  /** issuers are CCM CA IDs: every active subordinate CA under each is found. */
  readonly issuers?: readonly string[];
  /** accounts limit the accounts read (default: every account of the config). */
  readonly accounts?: readonly string[];
  /** types limit the types read (default: every type a query names). */
  readonly types?: readonly string[];
  readonly reason?: string;
  readonly ticket?: string;
  /** allowPartial makes a plan of what was found when an account or a type could not be read. */
  readonly allowPartial?: boolean;
  /** concurrency is the most calls at once; default 8. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

/** DiscoverCount is how many credentials of one type were found in one account. */
export interface DiscoverCount {
  account: string;
  type: TypeName;
  count: number;
}

/** Discovered is what discover found, and the plan made of it when there is one to write. */
export interface DiscoverOutcome {
  /** plan is the plan as data and as text (YAML with comments; the CLI adds the editor's modeline). */
  plan?: { data: Record<string, unknown>; text: (modeline?: string) => string };
  found: FoundTarget[];
  counts: DiscoverCount[];
  /** unread are the accounts and types that could not be read, and why. */
  unread: { account: string; type: TypeName; diagnostics: Diagnostic[] }[];
  diagnostics: Diagnostic[];
}

const LABELS: Record<TypeName, string> = {
  'huaweicloud.cce.cluster-certificate': 'CCE cluster certificates (not observable)',
  'huaweicloud.ccm.subordinate-ca': 'CCM subordinate CAs',
  'alibabacloud.esa.client-certificate': 'ESA client certificates',
  'huaweicloud.kms.grant': 'KMS grants',
  'alibabacloud.ack.user-permissions': 'ACK user permissions',
};

const WARNINGS: Partial<Record<TypeName, string>> = {
  'huaweicloud.cce.cluster-certificate':
    'CCE cannot tell which clusters issued this holder a certificate: every cluster of the account is listed; remove those you know it never used',
  'alibabacloud.ack.user-permissions':
    'ACK refuses to clean a user who used a cluster in the last 7 days unless the revocation says `with: {force: true}`',
};

const HUAWEI_ID = /^[0-9a-f]{32}$/;
const ALIBABA_UID = /^[0-9]{1,32}$/;
const CA_ID = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;

/** discover finds what options ask for; see the top of this file. */
export async function discover(session: DiscoverSession, options: DiscoverOptions): Promise<DiscoverOutcome> {
  const empty = (diagnostics: Diagnostic[]): DiscoverOutcome => ({
    found: [],
    counts: [],
    unread: [],
    diagnostics,
  });
  const config = session.config();
  if (config.config === undefined) return empty(config.diagnostics);
  const cfg = config.config;
  const refuse: Diagnostic[] = [];
  const bad = (message: string) => refuse.push({ severity: 'error', code: 'discover.query', message });

  // What to look for.
  const principals: { name: string; ids: Principal }[] = [];
  for (const given of options.principals ?? []) {
    const resolved = principalOf(given, cfg.principals ?? {});
    if (typeof resolved === 'string') bad(resolved);
    else principals.push({ name: given, ids: resolved });
  }
  for (const glob of options.certificateNames ?? []) {
    if (glob === '' || glob.length > 256) bad(`--certificate-name must be 1 to 256 characters`);
  }
  for (const ca of options.issuers ?? []) {
    if (!CA_ID.test(ca))
      bad(`--issuer ${JSON.stringify(ca)} is not a CCM CA ID (like 6434f74f-2d13-4e6a-89eb-93ee313f1a43)`);
  }
  if (principals.length + (options.certificateNames?.length ?? 0) + (options.issuers?.length ?? 0) === 0) {
    if (refuse.length === 0) bad('nothing to look for: give --principal, --certificate-name or --issuer');
  }
  // Where.
  const names = Object.keys(cfg.accounts);
  for (const a of options.accounts ?? []) {
    if (Object.hasOwn(cfg.accounts, a)) continue;
    const near = suggest(a, names);
    bad(
      `account ${JSON.stringify(a)} is not in ${config.file ?? 'the config'}${near === undefined ? '' : `; did you mean ${JSON.stringify(near)}?`}`,
    );
  }
  for (const t of options.types ?? []) {
    if (isTypeName(t)) continue;
    const near = suggest(t, typeNames);
    bad(
      `${JSON.stringify(t)} is not a revocation type${near === undefined ? '' : `; did you mean ${JSON.stringify(near)}?`}`,
    );
  }
  if (refuse.length > 0) return empty([...config.diagnostics, ...refuse]);

  const accounts =
    options.accounts === undefined || options.accounts.length === 0 ? names : [...new Set(options.accounts)];
  const wanted = (t: TypeName) =>
    options.types === undefined || options.types.length === 0 || options.types.includes(t);
  const tasks: DiscoverTask[] = [];
  for (const account of accounts) {
    const cloud = (cfg.accounts[account] as { cloud: Cloud }).cloud;
    for (const query of queriesOf(cloud, principals, options)) {
      for (const type of typesOf(cloud, query)) if (wanted(type)) tasks.push({ account, type, query });
    }
  }

  // Read.
  const needs: Record<string, ServiceNames> = {};
  for (const t of tasks) {
    const services = needs[t.account] ?? [];
    if (!services.includes(serviceOfType(t.type))) services.push(serviceOfType(t.type));
    needs[t.account] = services;
  }
  const concurrency = options.concurrency ?? 8;
  const opened = await session.openAccounts(needs, { connections: Math.max(8, concurrency) });
  if (opened.diagnostics.length > 0) return empty([...config.diagnostics, ...opened.diagnostics]);
  const outcome = await discoverAll(tasks, opened.accounts, { concurrency, signal: options.signal });

  const unread = outcome.failed;
  const counts = countOf(outcome.found);
  const diagnostics: Diagnostic[] = [...config.diagnostics];
  for (const u of unread) {
    for (const d of u.diagnostics) {
      diagnostics.push({
        ...d,
        severity: options.allowPartial === true ? 'warning' : 'error',
        code: 'discover.unread',
        message: `${u.account}: ${u.type} could not be read: ${d.message}`,
      });
    }
  }
  const result: DiscoverOutcome = { found: outcome.found, counts, unread, diagnostics };
  if (outcome.found.length === 0 || (unread.length > 0 && options.allowPartial !== true)) return result;

  // The plan: one revocation per account and type, in the config's order of accounts.
  const groups: DiscoveredGroup[] = [];
  for (const account of accounts) {
    for (const type of typeNames) {
      const of = outcome.found.filter((f) => f.account === account && f.type === type);
      if (of.length === 0) continue;
      const warning = WARNINGS[type];
      groups.push({
        account,
        type,
        label: LABELS[type],
        ...(warning === undefined ? {} : { warning }),
        targets: of.map((f) => ({ target: f.target, note: f.note })),
      });
    }
  }
  const who = [
    ...principals.map((p) => `principal ${p.name}`),
    ...(options.certificateNames ?? []).map((g) => `certificates named ${g}`),
    ...(options.issuers ?? []).map((ca) => `CAs under ${ca}`),
  ];
  const at = (options.now?.() ?? new Date()).toISOString();
  const header = [
    `Found by rescind discover at ${at}: ${who.join(', ')}, in ${accounts.join(', ')}.`,
    'What the clouds list now, read-only. Review every target before this plan is applied.',
    ...unread.map((u) => `NOT READ: ${u.account} ${u.type}: ${u.diagnostics[0]?.message ?? 'unknown'}`),
  ];
  const input = {
    name: planName(principals[0]?.name ?? (options.issuers?.length ? 'issuer' : 'certificates')),
    reason: options.reason ?? `Revoke the credentials of ${who.join(', ')}, found by rescind discover`,
    ...(options.ticket === undefined ? {} : { ticket: options.ticket }),
    header,
    groups,
  };
  const data = discoverPlanData(input);
  // Checked as `rescind validate` checks a plan: a plan discover cannot stand behind is never written.
  const checked = loadDocumentBytes(Buffer.from(discoverPlanText(input)), 'discovered plan', {
    kinds: ['RevocationPlan'],
    rules: { RevocationPlan: planRules({ config: { file: config.file ?? '', accounts: cfg.accounts } }) },
  });
  const invalid = checked.diagnostics.filter((d) => d.severity === 'error');
  if (!checked.valid || invalid.length > 0) {
    const message = `the plan discover made is not valid, so it is not written (a bug in rescind): ${invalid[0]?.message ?? 'unknown'}`;
    return { ...result, diagnostics: [...diagnostics, { severity: 'error', code: 'cli.internal', message }] };
  }
  return { ...result, plan: { data, text: (modeline) => discoverPlanText(input, modeline) } };
}

type ServiceNames = ReturnType<typeof serviceOfType>[];

// A principal: a name of the config's, or IDs given as cloud:ID (huaweicloud:agency:ID for an agency).
function principalOf(given: string, known: Readonly<Record<string, Principal>>): Principal | string {
  const byId = /^(huaweicloud|alibabacloud):(?:(agency):)?(.*)$/.exec(given);
  if (byId !== null) {
    const [, cloud, agency, id = ''] = byId;
    if (cloud === 'huaweicloud') {
      if (!HUAWEI_ID.test(id))
        return `--principal ${given}: a Huawei Cloud IAM ${agency === undefined ? 'user' : 'agency'} ID is 32 lower-case hexadecimal characters`;
      return { huaweicloud: agency === undefined ? { userId: id } : { agencyId: id } };
    }
    if (agency !== undefined || !ALIBABA_UID.test(id))
      return `--principal ${given}: an Alibaba Cloud RAM user or role ID (uid) is 1 to 32 digits`;
    return { alibabacloud: { uid: id } };
  }
  if (Object.hasOwn(known, given)) return known[given] as Principal;
  const near = suggest(given, Object.keys(known));
  const hint =
    near !== undefined
      ? `; did you mean ${JSON.stringify(near)}?`
      : Object.keys(known).length === 0
        ? ': the config names no principals (principals:), so give IDs: huaweicloud:USER_ID or alibabacloud:UID'
        : `; the config names ${Object.keys(known).slice(0, 8).join(', ')}`;
  return `principal ${JSON.stringify(given)} is not in the config${hint}`;
}

// The queries of one account's cloud: one per principal with IDs there, per certificate glob, per issuer.
function queriesOf(
  cloud: Cloud,
  principals: readonly { ids: Principal }[],
  options: DiscoverOptions,
): DiscoverQuery[] {
  const out: DiscoverQuery[] = [];
  for (const { ids } of principals) {
    if (cloud === 'huaweicloud' && ids.huaweicloud !== undefined) out.push({ ...ids.huaweicloud });
    if (cloud === 'alibabacloud' && ids.alibabacloud !== undefined) out.push({ uid: ids.alibabacloud.uid });
  }
  if (cloud === 'alibabacloud')
    for (const g of options.certificateNames ?? []) out.push({ certificateName: g });
  if (cloud === 'huaweicloud') for (const ca of options.issuers ?? []) out.push({ issuer: ca });
  return out;
}

// The types of a cloud that a query names something of.
function typesOf(cloud: Cloud, q: DiscoverQuery): TypeName[] {
  const of: TypeName[] = [];
  if (q.userId !== undefined) of.push('huaweicloud.kms.grant');
  if (q.userId !== undefined || q.agencyId !== undefined) of.push('huaweicloud.cce.cluster-certificate');
  if (q.issuer !== undefined) of.push('huaweicloud.ccm.subordinate-ca');
  if (q.uid !== undefined) of.push('alibabacloud.ack.user-permissions');
  if (q.certificateName !== undefined) of.push('alibabacloud.esa.client-certificate');
  return of.filter((t) => cloudOfType(t) === cloud);
}

function countOf(found: readonly FoundTarget[]): DiscoverCount[] {
  const counts = new Map<string, DiscoverCount>();
  for (const f of found) {
    const key = `${f.account}\u0000${f.type}`;
    const c = counts.get(key) ?? { account: f.account, type: f.type, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  return [...counts.values()];
}

// A plan name of a principal's name: `discover-alice` (a name is lower-case, at most 63 characters).
function planName(of: string): string {
  const slug = of
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `discover-${slug || 'found'}`.slice(0, 63).replace(/-+$/, '');
}
