// The composition root: the one place that starts things. A session loads the config, reads
// each account's credentials, resolves its endpoints, starts the built-in emulator when an
// account asks for it, opens accounts (one HTTP client each) for the providers, and closes all
// it started. Every CLI command runs in one; the library exports it. What a command does not
// need is not loaded: opening accounts (accounts.ts, with the HTTP client), the emulator and
// validate are imported on first use.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CONFIG_FILE, configRules, loadConfig, type RescindConfig } from '../config/config.js';
import { CONFIG_ENV, discoverConfig } from '../config/discover.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checkData } from '../document/pipeline.js';
import { readBytes } from '../document/read.js';
import type { EmulatorOptions, RunningEmulator } from '../emulator/server.js';
import { replaceFile } from '../files/replace.js';
import type { HttpClient } from '../http/client.js';
import type { HttpLogger } from '../http/log.js';
import { canonicalJson, type SavedPlan, sha256 } from '../plan/model.js';
import type { RunsOptions, RunsResult } from '../plan/run.js';
import { savedPlanPieces, writeSavedPlan } from '../plan/saved.js';
import type { ProviderAccount } from '../providers/types.js';
import type { StdinDocument, ValidateResult } from '../validate/validate.js';
import type { ServiceName } from '../vocabulary.js';
import type { AccountNeeds, HttpTuning } from './accounts.js';
import type { AppliedRun, ApplyOptions, PreparedApply, PrepareOptions } from './apply.js';
import type { DiscoverOptions, DiscoverOutcome } from './discover.js';
import type { PlanOptions } from './plan.js';
import type { ConfigResult, OpenedAccounts, PlanResult, Shown } from './types.js';

// What a command reads of the plan and run models, handed out by the session: the CLI imports nothing
// below the session (docs/contributing.md).
export type { TargetEnd } from '../engine/hooks.js';
export type { PlanProgress } from '../engine/plan-read.js';
export { isRunId } from '../engine/runs.js';
export type { HttpEvent } from '../http/client.js';
export { hasChanges, isActing, isBlocked, type PolicyResult, type SavedPlan } from '../plan/model.js';
export { type ApplyReport, DEFAULT_RUNS_LIMIT, isDone, type TargetResult } from '../plan/run.js';
export type { DiscoverOptions, DiscoverOutcome } from './discover.js';
export type {
  AccountNeeds,
  ConfigResult,
  EmulatorOptions,
  HttpTuning,
  OpenedAccounts,
  RunningEmulator,
  RunsOptions,
  RunsResult,
  Shown,
};

/** BUILTIN_STATE_FILE is where the built-in emulator keeps its state, relative to the working directory. */
export const BUILTIN_STATE_FILE = join('.rescind', 'emulator-state.json');
/**
 * BUILTIN_INSTANCE_FILE names the built-in emulator's state as one cloud: a random id made with the state
 * (and forgotten with it by `emulator --reset-builtin`), so that plans and runs bound to the built-in
 * emulator (`builtin:ID`) are not taken for plans of the cloud a reset made anew.
 */
export const BUILTIN_INSTANCE_FILE = join('.rescind', 'emulator-instance');

/** SessionOptions say where a session runs and what it reads. */
export interface SessionOptions {
  /** cwd is where relative paths start, and where .rescind/ is kept. */
  readonly cwd: string;
  /** env holds the credentials' variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * config is a config path (relative to cwd) or a config as data; without it, rescind.config.yaml is
   * looked for in searchFrom and the folders above it up to the repository's root, then RESCIND_CONFIG.
   */
  readonly config?: string | RescindConfig | undefined;
  /** logger receives every client's redacted debug lines. */
  /** searchFrom is the folder (relative to cwd) the config is looked for from: the plan's; default cwd. */
  readonly searchFrom?: string | undefined;
  readonly logger?: HttpLogger;
  readonly http?: HttpTuning;
}

/** Session is one run of rescind: what it reads, and everything it starts until close(). */
export interface Session {
  readonly cwd: string;
  /**
   * root is the folder that keeps .rescind/ (runs, locks, the built-in emulator's state): the config's
   * folder, else cwd. Paths of the files a saved plan was made from are relative to it.
   */
  root(): string;
  /** config loads the config once; later calls return the same result. */
  config(): ConfigResult;
  /** validate validates files and directories against the session's config (`rescind validate`). */
  validate(
    paths: readonly string[],
    options?: { maxPerFile?: number | undefined; stdin?: StdinDocument | undefined },
  ): Promise<ValidateResult>;
  /**
   * openAccounts opens each named account for its services: credentials, endpoints (an unusable one is
   * a diagnostic now, not an error in the middle of a read) and an HTTP client. A name that the config
   * does not define, or a service of another cloud, is the caller's bug and throws.
   */
  openAccounts(needs: AccountNeeds, tuning?: HttpTuning): Promise<OpenedAccounts>;
  /**
   * plan makes the plan of a plan file (relative to cwd): its config and policies loaded, its accounts
   * opened, every selector expanded and every target read (`rescind plan`).
   */
  plan(file: string, options?: PlanOptions): Promise<PlanResult>;
  /**
   * prepareApply finds what `rescind apply FILE` applies: a saved plan (PLAN.json) as it is, a plan file
   * planned now, or with resume the last run of FILE when it is unfinished (or the run FILE names).
   */
  prepareApply(file: string, options?: PrepareOptions): Promise<PreparedApply>;
  /** apply runs a prepared plan: lock, run folder, journal, executor (`rescind apply`). */
  apply(prepared: PreparedApply & { plan: SavedPlan }, options?: ApplyOptions): Promise<AppliedRun>;
  /**
   * discover finds, read-only, what principals hold (or certificates by name, CAs under an issuer) in
   * the config's accounts, and makes a plan of it (`rescind discover`).
   */
  discover(options: DiscoverOptions): Promise<DiscoverOutcome>;
  /** runs lists the runs recorded under the root's .rescind/runs/, newest first (`rescind runs`). */
  runs(options?: RunsOptions): Promise<RunsResult>;
  /**
   * show reads what `rescind show FILE` shows: the saved plan FILE (checked against its digest), or, for
   * a run id that names no file, that run's report from its journal.
   */
  show(file: string): Promise<Shown>;
  /** save writes plan to file (relative to cwd) whole or not at all (`plan --out`). */
  save(plan: SavedPlan, file: string): Diagnostic[];
  /** startEmulator starts an emulator (`rescind emulator`); close() stops it. */
  startEmulator(options?: EmulatorOptions): Promise<RunningEmulator>;
  /** close closes every client and stops every emulator the session started; a second call waits for the first. */
  close(): Promise<void>;
}

/** createSession makes a session; it starts nothing until asked. */
export function createSession(options: SessionOptions): Session {
  const { cwd } = options;
  const clients: HttpClient[] = [];
  const emulators: RunningEmulator[] = [];
  let loaded: ConfigResult | undefined;
  let builtin: Promise<RunningEmulator> | undefined;
  let closing: Promise<void> | undefined;

  const startEmulator = async (emulatorOptions: EmulatorOptions = {}): Promise<RunningEmulator> => {
    if (closing !== undefined) throw new Error('the session is closed');
    const { startEmulator: start } = await import('../emulator/server.js');
    const running = await start(emulatorOptions);
    emulators.push(running);
    return running;
  };

  // The built-in emulator, started once per session, with its state kept under .rescind/.
  let instance: string | undefined;
  const startBuiltin = (): Promise<RunningEmulator> => {
    builtin ??= (async () => {
      const persist = resolve(root(), BUILTIN_STATE_FILE);
      mkdirSync(dirname(persist), { recursive: true });
      instance = builtinInstance(root(), !existsSync(persist));
      return startEmulator({ persist });
    })();
    return builtin;
  };

  const config = (): ConfigResult => {
    loaded ??= readConfig(cwd, options.config, options.env, options.searchFrom);
    return loaded;
  };
  const root = (): string => config().dir ?? cwd;

  // Accounts opened, by name and sockets: apply plans at its concurrency, then runs on the same clients
  // (their connections open, their learnt rates kept). Only a tuning of connections alone is shared.
  const kept = new Map<string, { account: ProviderAccount; services: ReadonlySet<ServiceName> }>();
  const openAccounts = async (needs: AccountNeeds, tuning: HttpTuning = {}): Promise<OpenedAccounts> => {
    const { config: cfg, diagnostics } = config();
    if (cfg === undefined) return { accounts: new Map(), diagnostics };
    const shareable = Object.keys(tuning).every((k) => k === 'connections');
    const keyOf = (name: string) => `${name}\u0000${tuning.connections ?? ''}`;
    const reused = new Map<string, ProviderAccount>();
    const missing: Record<string, readonly ServiceName[]> = {};
    for (const [name, services] of Object.entries(needs)) {
      const have = shareable ? kept.get(keyOf(name)) : undefined;
      if (have !== undefined && services.every((s) => have.services.has(s))) reused.set(name, have.account);
      else missing[name] = services;
    }
    if (Object.keys(missing).length === 0) return { accounts: reused, diagnostics: [] };
    const { openAccounts: open } = await import('./accounts.js');
    // A problem of an account is located at its entry in the config file, or at a key of it (its
    // credentials); a config given as data has no file: its path says where.
    const source = config().source;
    const at = (name: string, ...within: string[]): Pick<Diagnostic, 'range' | 'path'> => {
      const path = ['accounts', name, ...within];
      const range = source?.locate(path);
      return range === undefined ? { path } : { path, range };
    };
    const http = { ...tuning, ...options.http };
    const opened = await open(cfg, missing, {
      ...options,
      configDir: config().dir ?? cwd,
      http,
      builtin: startBuiltin,
      builtinInstance: () => instance,
      at,
    });
    for (const client of opened.clients) clients.push(client);
    for (const [name, account] of opened.accounts) {
      if (shareable) kept.set(keyOf(name), { account, services: new Set(missing[name]) });
      reused.set(name, account);
    }
    return { accounts: reused, diagnostics: opened.diagnostics };
  };

  const self: Session = {
    cwd,
    root,
    config,
    validate: async (paths, validateOptions = {}) => {
      const { validatePaths } = await import('../validate/validate.js');
      // The config found (or named): plans are checked against its accounts. None found is said once.
      const found = typeof options.config === 'object' ? undefined : config();
      const file =
        typeof options.config === 'string'
          ? options.config
          : found?.how === undefined
            ? undefined
            : found.file;
      const none = found?.how === undefined ? found?.diagnostics[0]?.message : undefined;
      return validatePaths(paths, {
        cwd,
        config: file,
        ...(none === undefined ? {} : { noConfig: none }),
        maxPerFile: validateOptions.maxPerFile,
        stdin: validateOptions.stdin,
      });
    },
    openAccounts,
    plan: async (file, planOptions = {}) => {
      const { planFile } = await import('./plan.js');
      return planFile({ cwd, root, config, openAccounts }, file, planOptions);
    },
    discover: async (discoverOptions) => {
      const { discover } = await import('./discover.js');
      return discover({ config, openAccounts }, discoverOptions);
    },
    prepareApply: async (file, prepareOptions = {}) => {
      const { prepareApply } = await import('./apply.js');
      return prepareApply(self, file, prepareOptions);
    },
    apply: async (prepared, applyOptions = {}) => {
      const { applyPrepared } = await import('./apply.js');
      return applyPrepared(self, prepared, applyOptions);
    },
    show: async (file) => {
      const { showFile } = await import('./show.js');
      return showFile(cwd, root(), file);
    },
    save: (plan, file) => writeSavedPlan(resolve(cwd, file), file, { pieces: savedPlanPieces(plan) }),
    runs: async (runsOptions = {}) => {
      const { listRecordedRuns } = await import('../engine/run-list.js');
      return listRecordedRuns(root(), runsOptions);
    },
    startEmulator,
    close: () => {
      closing ??= (async () => {
        await Promise.all(clients.splice(0).map((c) => c.close()));
        await Promise.all(emulators.splice(0).map((e) => e.close()));
      })();
      return closing;
    },
  };
  return self;
}

// The id of the built-in emulator's state of cwd: made anew with a new state, else the one kept.
function builtinInstance(cwd: string, fresh: boolean): string {
  const file = resolve(cwd, BUILTIN_INSTANCE_FILE);
  if (!fresh) {
    // A regular file of a few bytes only: the folder may come from a pull request, and a link there to
    // a device would never end a read.
    const kept = readBytes(file, BUILTIN_INSTANCE_FILE, { maxBytes: 64 });
    if ('bytes' in kept) {
      const id = Buffer.from(kept.bytes).toString('utf8').trim();
      if (/^[0-9a-f]{16}$/.test(id)) return id;
    }
  }
  const id = randomBytes(8).toString('hex');
  // Never through a file or link already there (a link to the user's files would be written over).
  if (!replaceFile(file, `${id}\n`, 0o600))
    throw new Error(`${BUILTIN_INSTANCE_FILE}: its temporary file exists`);
  return id;
}

// The config: data given (checked like a file), a file named, or the one discoverConfig finds.
function readConfig(
  cwd: string,
  given: SessionOptions['config'],
  env: SessionOptions['env'],
  searchFrom: string | undefined,
): ConfigResult {
  if (given !== undefined && typeof given !== 'string') {
    const checked = checkData(given, { kinds: ['Config'], rules: { Config: configRules(() => true) } });
    return checked.valid
      ? {
          config: given,
          file: '(config given as data)',
          sha256: sha256(canonicalJson(given)),
          diagnostics: [],
        }
      : { diagnostics: checked.diagnostics };
  }
  const found = discoverConfig(cwd, searchFrom ?? '.', env, given);
  if (found.path === undefined || found.how === undefined) {
    const from = relative(cwd, found.searched[0] ?? cwd) || '.';
    const last = found.searched[found.searched.length - 1] ?? cwd;
    const top = dirname(last) === last ? last : relative(cwd, last) || '.';
    const where = from === top ? `in ${from}` : `in ${from} nor in a folder above it up to ${top}`;
    const message = `no ${CONFIG_FILE} ${where}, and ${CONFIG_ENV} is not set; pass --config FILE`;
    return { diagnostics: [{ severity: 'error', code: 'config.not-found', file: CONFIG_FILE, message }] };
  }
  const file = given ?? (relative(cwd, found.path) || found.path);
  if (!existsSync(found.path)) {
    const message =
      found.how === 'env'
        ? `config file ${file}, which ${CONFIG_ENV} names, does not exist`
        : `config file ${file} does not exist`;
    return { diagnostics: [{ severity: 'error', code: 'config.not-found', file, message }] };
  }
  const result = loadConfig(found.path, file);
  return {
    ...(result.config === undefined ? {} : { config: result.config }),
    file,
    ...(result.sha256 === undefined ? {} : { sha256: result.sha256 }),
    ...(result.source === undefined ? {} : { source: result.source }),
    dir: dirname(found.path),
    how: found.how,
    diagnostics: result.diagnostics,
  };
}
