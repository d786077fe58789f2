// `rescind plan` in a session: load the plan file against the session's config, load the policies
// (the config's and --policy ones), open every account the plan names for the services it needs,
// and hand all of it to the planner. Loaded by the session on first use.

import { relative, resolve, sep } from 'node:path';
import { policyPaths } from '../config/config.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { type LoadedDocument, loadDocument, loadDocumentBytes } from '../document/pipeline.js';
import type { PlanProgress } from '../engine/plan-read.js';
import { DEFAULT_PLAN_CONCURRENCY, makePlan, type PlanInputs } from '../engine/planner.js';
import { unobservedRevocations } from '../engine/runs.js';
import { planRules } from '../plan/check.js';
import type { InputFile } from '../plan/model.js';
import type { RevocationPlan } from '../plan/revocation-plan.js';
import type { LoadedPolicy } from '../policy/evaluate.js';
import { type Policy, policyRules } from '../policy/policy.js';
import type { StdinDocument } from '../validate/validate.js';
import { identityService, type ServiceName, serviceOfType } from '../vocabulary.js';
import type { AccountNeeds, HttpTuning } from './accounts.js';
import type { ConfigResult, OpenedAccounts, PlanResult } from './types.js';

/** PlanOptions are the options of `rescind plan`. */
export interface PlanOptions {
  /** policies are more policy files, relative to cwd, besides the config's. */
  readonly policies?: readonly string[];
  /** concurrency is the most reads at once; default the plan's spec.concurrency, else 8. */
  readonly concurrency?: number;
  readonly now?: () => Date;
  /** onProgress hears how the reads go. */
  readonly onProgress?: (event: PlanProgress) => void;
  readonly signal?: AbortSignal;
  /** stdin is what the file `-` stands for: standard input as read, and the name its problems are located in. */
  readonly stdin?: StdinDocument;
  /** sealed: false leaves the plan's digest empty: apply's fresh plan, never written (PlannerOptions). */
  readonly sealed?: boolean;
}

/** PlanSession is what planning needs of the session. */
export interface PlanSession {
  readonly cwd: string;
  /** root is the folder that keeps .rescind/: the files a plan was made from are recorded relative to it. */
  root(): string;
  config(): ConfigResult;
  openAccounts(needs: AccountNeeds, tuning?: HttpTuning): Promise<OpenedAccounts>;
}

/** planFile makes the plan of file (relative to the session's cwd); see Session.plan. */
export async function planFile(
  session: PlanSession,
  file: string,
  options: PlanOptions = {},
): Promise<PlanResult> {
  const { cwd } = session;
  const config = session.config();
  if (config.config === undefined || config.file === undefined) return { diagnostics: config.diagnostics };
  const cfg = config.config;
  const planOptions = {
    kinds: ['RevocationPlan' as const],
    rules: { RevocationPlan: planRules({ config: { file: config.file, accounts: cfg.accounts } }) },
  };
  const plan =
    file === '-' && options.stdin !== undefined
      ? loadDocumentBytes(options.stdin.bytes, options.stdin.name, planOptions)
      : loadDocument(resolve(cwd, file), file, planOptions);
  const diagnostics: Diagnostic[] = [...config.diagnostics, ...plan.diagnostics];

  // The config's policies (relative to the config file), then --policy ones (relative to cwd), once each.
  const seen = new Set<string>();
  const policies: (LoadedDocument & LoadedPolicy)[] = [];
  const policyFiles = [
    ...policyPaths(cfg, resolve(cwd, config.file)),
    ...(options.policies ?? []).map((p) => resolve(cwd, p)),
  ];
  for (const abs of policyFiles) {
    if (seen.has(abs)) continue;
    seen.add(abs);
    const shown = relative(cwd, abs) || abs;
    const loaded = loadDocument(abs, shown, { kinds: ['Policy'], rules: { Policy: policyRules } });
    for (const d of loaded.diagnostics) diagnostics.push(d);
    if (loaded.valid) policies.push({ ...loaded, policy: loaded.data as Policy });
  }
  if (!plan.valid || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const data = plan.data as RevocationPlan;
  // Each account for the services of its revocations, and its identity service (who it runs as).
  const needs: Record<string, ServiceName[]> = {};
  for (const r of data.spec.revocations) {
    const cloud = cfg.accounts[r.account]?.cloud;
    const services = needs[r.account] ?? (cloud === undefined ? [] : [identityService[cloud]]);
    const service = serviceOfType(r.type);
    if (!services.includes(service)) services.push(service);
    needs[r.account] = services;
  }
  // As many sockets as reads at once: apply, which plans first at its own concurrency, then runs on the
  // same clients (the session keeps them), their connections warm.
  const concurrency = options.concurrency ?? data.spec.concurrency ?? DEFAULT_PLAN_CONCURRENCY;
  const opened = await session.openAccounts(needs, { connections: Math.max(8, concurrency) });
  if (opened.diagnostics.length > 0) return { diagnostics: [...diagnostics, ...opened.diagnostics] };

  // What the plan records of its files: paths relative to the root, so that a saved plan names them
  // the same from whichever folder of the repository it was made or is applied.
  const root = session.root();
  const recorded = (abs: string): string => relative(root, abs).split(sep).join('/') || abs;
  const inputs: PlanInputs = {
    plan: data,
    inputs: [
      {
        role: 'plan',
        file: file === '-' ? plan.file : recorded(resolve(cwd, file)),
        sha256: plan.sha256 ?? '',
      },
      {
        role: 'config',
        file: config.dir === undefined ? config.file : recorded(resolve(cwd, config.file)),
        sha256: config.sha256 ?? '',
      },
      ...policies.map(
        (p): InputFile => ({ role: 'policy', file: recorded(resolve(cwd, p.file)), sha256: p.sha256 ?? '' }),
      ),
    ],
    policies,
    accounts: opened.accounts,
  };
  // Targets no API reads that a recorded run of this plan revoked: no change (docs/cli.md).
  const revoked = unobservedRevocations(root, data.metadata.name);
  const made = await makePlan(inputs, {
    revoked,
    concurrency,
    onProgress: options.onProgress,
    now: options.now,
    signal: options.signal,
    sealed: options.sealed,
  });
  // Each finding located at the edge: in the plan file, or at its account's entry in the config.
  const located = made.findings.map(({ in: where, ...d }): Diagnostic => {
    const source = where === 'plan' ? plan.source : config.source;
    const range = d.path === undefined ? undefined : source?.locate(d.path);
    return range === undefined ? d : { ...d, range };
  });
  const result: PlanResult = { diagnostics: [...diagnostics, ...located] };
  return made.plan === undefined ? result : { ...result, plan: made.plan };
}
