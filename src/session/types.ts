// The shapes a session hands out, apart from the session itself, so that the modules it loads on
// first use (accounts.ts, plan.ts) can name them without importing it.

import type { RescindConfig } from '../config/config.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { YamlSource } from '../document/load.js';
import type { SavedPlan } from '../plan/model.js';
import type { ApplyReport } from '../plan/run.js';
import type { ProviderAccount } from '../providers/types.js';

/** ConfigResult is the session's config when it is valid, the file it came from, and its diagnostics. */
export interface ConfigResult {
  config?: RescindConfig;
  file?: string;
  /** sha256 is the SHA-256 of the config file as read (of its canonical JSON when given as data). */
  sha256?: string;
  /** source locates later findings about the config (an account that could not be identified). */
  source?: YamlSource;
  /**
   * dir is the config file's folder (absolute): where .rescind/ is kept and a caFile is found. Absent
   * for a config given as data, or when none was found.
   */
  dir?: string;
  /** how the config was found: named (--config), found (in a folder up from the plan), env (RESCIND_CONFIG). */
  how?: 'named' | 'found' | 'env';
  diagnostics: Diagnostic[];
}

/** OpenedAccounts are the accounts that could be opened, and a diagnostic for each of the others. */
export interface OpenedAccounts {
  accounts: Map<string, ProviderAccount>;
  diagnostics: Diagnostic[];
}

/** PlanResult is the plan when every read succeeded, and the diagnostics (missing targets, failed reads). */
export interface PlanResult {
  plan?: SavedPlan;
  diagnostics: Diagnostic[];
}

/** Shown is what `rescind show` shows: a saved plan, or the report of a run; diagnostics when neither. */
export interface Shown {
  plan?: SavedPlan;
  report?: ApplyReport;
  diagnostics: Diagnostic[];
}
