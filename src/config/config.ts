// The config file (kind Config, rescind.config.yaml), typed after
// schemas/config.schema.json, the checks beyond that schema, and loading it through the
// document pipeline with policy paths resolved against the config file's folder.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkEndpointUrl } from '../clouds/endpoint-url.js';
import type { JsonPath } from '../diagnostics/diagnostic.js';
import { error, type Finding } from '../diagnostics/finding.js';
import { type KindRules, type LoadedDocument, loadDocument } from '../document/pipeline.js';
import type { Cloud, ServiceName } from '../vocabulary.js';

/** CONFIG_FILE is the name of the config found in the current directory. */
export const CONFIG_FILE = 'rescind.config.yaml';

/** CredentialEnv names the environment variables holding an account's credentials. */
export interface CredentialEnv {
  accessKeyEnv?: string;
  secretKeyEnv?: string;
  securityTokenEnv?: string;
  authTokenEnv?: string;
}

/** Account is one named cloud account. */
export interface Account {
  cloud: Cloud;
  region: string;
  projectId?: string;
  domainId?: string;
  endpoint?: string;
  endpoints?: Partial<Record<ServiceName, string>>;
  emulator?: 'builtin';
  credentials?: CredentialEnv;
  rateLimits?: Partial<Record<ServiceName | 'default', number>>;
}

/** RescindConfig is a whole config file. */
export interface RescindConfig {
  apiVersion: 'rescind/v1';
  kind: 'Config';
  accounts: Record<string, Account>;
  policies?: string[];
}

/**
 * checkConfig returns the findings beyond the schema: endpoints that a run would refuse (the rule of
 * checkEndpointUrl: https://, or http:// to loopback, and never credentials in a URL; the URL is not
 * repeated, since it may hold a secret), and policy files that do not exist.
 */
export function checkConfig(config: RescindConfig, policyExists: (relative: string) => boolean): Finding[] {
  const findings: Finding[] = [];
  for (const [name, account] of Object.entries(config.accounts)) {
    const urls: [JsonPath, string | undefined][] = [[['accounts', name, 'endpoint'], account.endpoint]];
    for (const [service, url] of Object.entries(account.endpoints ?? {})) {
      urls.push([['accounts', name, 'endpoints', service], url]);
    }
    for (const [path, url] of urls) {
      if (url === undefined) continue;
      const checked = checkEndpointUrl(url);
      if ('error' in checked)
        findings.push(error('account.endpoint', path, `the endpoint is refused: ${checked.error}`));
    }
  }
  (config.policies ?? []).forEach((p, i) => {
    if (!policyExists(p)) {
      findings.push(
        error('config.policy-not-found', ['policies', i], `policy file ${JSON.stringify(p)} does not exist`),
      );
    }
  });
  return findings;
}

/** configRules are the Config rules for the document pipeline; policyExists resolves against the config's folder. */
export function configRules(policyExists: (relative: string) => boolean): KindRules {
  return { check: (data) => checkConfig(data as RescindConfig, policyExists) };
}

/** LoadedConfig is a loaded config file; config is present when it is valid. */
export interface LoadedConfig extends LoadedDocument {
  config?: RescindConfig;
}

/** loadConfig reads and checks the config file at path, named file in diagnostics. */
export function loadConfig(path: string, file: string): LoadedConfig {
  const dir = dirname(path);
  const loaded = loadDocument(path, file, {
    kinds: ['Config'],
    rules: { Config: configRules((p) => existsSync(resolve(dir, p))) },
  });
  return loaded.valid ? { ...loaded, config: loaded.data as RescindConfig } : loaded;
}

/** policyPaths are the absolute paths of a config's policy files, resolved against the config's folder. */
export function policyPaths(config: RescindConfig, configPath: string): string[] {
  const dir = dirname(configPath);
  return (config.policies ?? []).map((p) => resolve(dir, p));
}
