// The config file (kind Config, rescind.config.yaml), typed after
// schemas/config.schema.json, the checks beyond that schema, and loading it through the
// document pipeline with policy and CA file paths resolved against the config file's folder.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkEndpointUrl, METADATA_HOSTS, parseProxyUrl } from '../clouds/endpoint-url.js';
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

/** EnvironmentSource reads static keys (and a security token) from environment variables. */
export interface EnvironmentSource extends CredentialEnv {
  source?: 'environment';
}

/** ProfileSource reads the cloud CLI's or SDK's profile file: Alibaba `~/.aliyun/config.json`, Huawei `~/.huaweicloud/credentials`. */
export interface ProfileSource {
  source: 'profile';
  /** name is the profile (Alibaba); default ALIBABA_CLOUD_PROFILE, else the file's current one. */
  name?: string;
  /** file replaces the default path; relative to the config's folder, `~/` the home folder. */
  file?: string;
}

/** MetadataSource reads the instance's role (Alibaba) or agency (Huawei) credentials from the metadata service. */
export interface MetadataSource {
  source: 'metadata';
  /** url is the metadata service's base URL; default http://100.100.100.200 (Alibaba), http://169.254.169.254 (Huawei). */
  url?: string;
  /** roleName is the instance's RAM role (Alibaba); default the one the service names. */
  roleName?: string;
}

/** AssumeRoleSource assumes a RAM role with STS AssumeRole (Alibaba), signed by base credentials. */
export interface AssumeRoleSource {
  source: 'assume-role';
  roleArn: string;
  roleSessionName?: string;
  durationSeconds?: number;
  externalId?: string;
  policy?: string;
  base?: CredentialSource;
}

/** AgencySource obtains temporary AK/SK of an IAM agency (Huawei), signed by base credentials. */
export interface AgencySource {
  source: 'agency';
  agencyName: string;
  domainId?: string;
  domainName?: string;
  durationSeconds?: number;
  base?: CredentialSource;
}

/** OidcToken says where an OIDC ID token comes from: a file, a variable, or GitHub Actions' endpoint. */
export type OidcToken = { file: string } | { env: string } | { githubActions: { audience?: string } };

/**
 * OidcSource federates an OIDC ID token: Alibaba AssumeRoleWithOIDC (roleArn, oidcProviderArn), Huawei
 * IAM federation (idpId), then temporary credentials.
 */
export interface OidcSource {
  source: 'oidc';
  token: OidcToken;
  roleArn?: string;
  oidcProviderArn?: string;
  roleSessionName?: string;
  policy?: string;
  idpId?: string;
  durationSeconds?: number;
}

/** CredentialSource is where an account's credentials come from (docs/config.md#credentials). */
export type CredentialSource =
  | EnvironmentSource
  | ProfileSource
  | MetadataSource
  | AssumeRoleSource
  | AgencySource
  | OidcSource;

/**
 * NetworkSettings say how requests travel (docs/cli.md#network): proxy (`none` or a proxy URL without
 * credentials; absent: the environment's), caFile (PEM, relative to the config file), timeouts in seconds
 * and retries. The config's top-level ones apply to every account, under each account's own.
 */
export interface NetworkSettings {
  proxy?: string;
  caFile?: string;
  timeouts?: { connect?: number; read?: number; call?: number };
  retries?: number;
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
  credentials?: CredentialSource;
  rateLimits?: Partial<Record<ServiceName | 'default', number>>;
  network?: NetworkSettings;
}

/** RescindConfig is a whole config file. */
export interface RescindConfig {
  apiVersion: 'rescind/v1';
  kind: 'Config';
  accounts: Record<string, Account>;
  policies?: string[];
  /** principals are people and workloads by name, with their IDs in each cloud (discover). */
  principals?: Record<string, Principal>;
  network?: NetworkSettings;
}

/** Principal is one person or workload of the config: its IDs in each cloud. */
export interface Principal {
  description?: string;
  huaweicloud?: { userId?: string; agencyId?: string };
  alibabacloud?: { uid: string };
}

/**
 * networkOf is an account's network settings: its own over the config's top-level ones, key by key
 * (and timeout by timeout).
 */
export function networkOf(config: RescindConfig, account: string): NetworkSettings {
  const top = config.network ?? {};
  const own = (Object.hasOwn(config.accounts, account) ? config.accounts[account]?.network : undefined) ?? {};
  const merged: NetworkSettings = { ...top, ...own };
  if (top.timeouts !== undefined || own.timeouts !== undefined) {
    merged.timeouts = { ...top.timeouts, ...own.timeouts };
  }
  return merged;
}

/**
 * checkConfig returns the findings beyond the schema: endpoints that a run would refuse (the rule of
 * checkEndpointUrl: https://, or http:// to loopback, and never credentials in a URL; the URL is not
 * repeated, since it may hold a secret), a proxy URL with credentials in it (a secret in a file), and
 * policy and CA files that do not exist. exists resolves a path against the config file's folder.
 */
export function checkConfig(
  config: RescindConfig,
  exists: (relative: string) => boolean,
  options: ConfigCheckOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  const networks: [JsonPath, NetworkSettings | undefined][] = [[['network'], config.network]];
  for (const [name, account] of Object.entries(config.accounts)) {
    networks.push([['accounts', name, 'network'], account.network]);
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
  for (const [name, account] of Object.entries(config.accounts)) {
    findings.push(...checkCredentials(account.credentials, ['accounts', name, 'credentials'], 0));
    if (options.lookups === true) findings.push(...lookups(account, ['accounts', name]));
  }
  for (const [path, network] of networks) {
    if (network === undefined) continue;
    const proxy = network.proxy;
    if (proxy !== undefined && proxy !== 'none') {
      const parsed = parseProxyUrl(proxy);
      if ('error' in parsed) {
        findings.push(error('account.proxy', [...path, 'proxy'], `the proxy URL ${parsed.error}`));
      } else if (parsed.url.username !== '' || parsed.url.password !== '') {
        findings.push(
          error(
            'config.secret',
            [...path, 'proxy'],
            'a proxy URL in the config must not hold credentials: give the proxy with them in HTTPS_PROXY in the environment',
          ),
        );
      }
    }
    if (network.caFile !== undefined && !exists(network.caFile)) {
      findings.push(
        error(
          'account.ca-file',
          [...path, 'caFile'],
          `caFile ${JSON.stringify(network.caFile)} does not exist (relative to the folder of the config file)`,
        ),
      );
    }
  }
  (config.policies ?? []).forEach((p, i) => {
    if (!exists(p)) {
      findings.push(
        error('config.policy-not-found', ['policies', i], `policy file ${JSON.stringify(p)} does not exist`),
      );
    }
  });
  return findings;
}

/** MAX_CREDENTIAL_DEPTH bounds credentials that assume with other credentials (`base` in `base`). */
export const MAX_CREDENTIAL_DEPTH = 4;

// A credential source's rules beyond the schema: a metadata URL that a run would refuse (plain http://
// only to the metadata services' own addresses or to loopback), and bases nested too deep.
function checkCredentials(source: CredentialSource | undefined, path: JsonPath, depth: number): Finding[] {
  if (source === undefined) return [];
  if (depth > MAX_CREDENTIAL_DEPTH) {
    return [
      error(
        'schema.invalid',
        path,
        `credentials assume through more than ${MAX_CREDENTIAL_DEPTH} bases; rescind follows at most that many`,
      ),
    ];
  }
  const findings: Finding[] = [];
  if (source.source === 'metadata' && source.url !== undefined) {
    const checked = checkEndpointUrl(source.url, METADATA_HOSTS);
    if ('error' in checked)
      findings.push(
        error('account.endpoint', [...path, 'url'], `the metadata URL is refused: ${checked.error}`),
      );
  }
  if ((source.source === 'assume-role' || source.source === 'agency') && source.base !== undefined) {
    findings.push(...checkCredentials(source.base, [...path, 'base'], depth + 1));
  }
  return findings;
}

// What a plan will look up for a Huawei Cloud account because the config does not say it: a warning of
// validate's (docs/config.md#project-and-domain); the commands that look them up show what they found.
function lookups(account: Account, path: JsonPath): Finding[] {
  if (account.cloud !== 'huaweicloud' || account.emulator === 'builtin') return [];
  const findings: Finding[] = [];
  if (account.projectId === undefined) {
    findings.push({
      severity: 'warning',
      code: 'account.lookup',
      path,
      target: 'key',
      message: `projectId is not set: a plan with CCE or KMS targets looks it up from IAM, the project named ${account.region}`,
    });
  }
  if (account.domainId === undefined) {
    findings.push({
      severity: 'warning',
      code: 'account.lookup',
      path,
      target: 'key',
      message:
        'domainId is not set: a plan looks it up from IAM (the account of the credentials) for CCM targets and the built-in rule never-revoke-root',
    });
  }
  return findings;
}

/** ConfigCheckOptions: lookups adds the warnings of what a plan will look up (`rescind validate`). */
export interface ConfigCheckOptions {
  readonly lookups?: boolean;
}

/**
 * configRules are the Config rules for the document pipeline; exists resolves a policy or CA file path
 * against the config's folder.
 */
export function configRules(
  exists: (relative: string) => boolean,
  options: ConfigCheckOptions = {},
): KindRules {
  return { check: (data) => checkConfig(data as RescindConfig, exists, options) };
}

/** LoadedConfig is a loaded config file; config is present when it is valid. */
export interface LoadedConfig extends LoadedDocument {
  config?: RescindConfig;
}

/** loadConfig reads and checks the config file at path, named file in diagnostics (validate: with lookups). */
export function loadConfig(path: string, file: string, options: ConfigCheckOptions = {}): LoadedConfig {
  const dir = dirname(path);
  const loaded = loadDocument(path, file, {
    kinds: ['Config'],
    rules: { Config: configRules((p) => existsSync(resolve(dir, p)), options) },
  });
  return loaded.valid ? { ...loaded, config: loaded.data as RescindConfig } : loaded;
}

/** policyPaths are the absolute paths of a config's policy files, resolved against the config's folder. */
export function policyPaths(config: RescindConfig, configPath: string): string[] {
  const dir = dirname(configPath);
  return (config.policies ?? []).map((p) => resolve(dir, p));
}
