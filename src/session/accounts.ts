// Opening accounts for a session: for each account, what it signs with (the environment's
// credentials, or the built-in emulator's caller), where each service it needs answers (an
// unusable endpoint is a diagnostic here, before any call), how its requests travel (proxy, CA
// file, timeouts, retries: network.ts), and one HTTP client with its cloud's dialect, its signer
// and its rate limits. Clients of accounts with the same network settings share one transport, so
// that thousands of built-in accounts keep one bounded pool. Loaded by the session on first use.

import { dirname, resolve } from 'node:path';
import { type Credentials, secretValues, signerFor } from '../clouds/credentials.js';
import { dialects } from '../clouds/dialects.js';
import { METADATA_HOSTS } from '../clouds/endpoint-url.js';
import { DEFAULT_RATE_LIMITS } from '../clouds/services.js';
import type { RequestSigner, RotatingSigner } from '../clouds/wire.js';
import { type Account, CONFIG_FILE, networkOf, type RescindConfig } from '../config/config.js';
import { endpointFor } from '../config/endpoints.js';
import { openCredentials } from '../credentials/open.js';
import { lookUpScope, type Scope, scopeNeeds } from '../credentials/scope.js';
import type { CredentialFacts } from '../credentials/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Caller } from '../emulator/caller.js';
import type { RunningEmulator } from '../emulator/server.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../http/client.js';
import { CredentialsError } from '../http/errors.js';
import type { HttpLogger } from '../http/log.js';
import type { ProviderAccount } from '../providers/types.js';
import { cloudServices, type ServiceName } from '../vocabulary.js';
import { type CaRead, resolveNetwork, Transports } from './network.js';

/** AccountNeeds names the accounts to open and the services each must reach. */
export type AccountNeeds = Readonly<Record<string, readonly ServiceName[]>>;

/**
 * HttpTuning tunes every client (tests: sleep, clock, retries; apply: connections; progress: onEvent);
 * never its signer, dialect or transport, nor what the config's network settings say.
 */
export type HttpTuning = Partial<
  Omit<
    HttpClientOptions,
    'dialect' | 'account' | 'signer' | 'secrets' | 'logger' | 'transport' | 'proxy' | 'ca'
  >
>;

/** OpenContext is what opening needs from the session: the environment, tuning, and the built-in emulator. */
export interface OpenContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * configDir is the config file's folder, against which a caFile is resolved. Without it: the folder of
   * `config` (a path relative to cwd, as SessionOptions give it), else cwd.
   */
  readonly configDir?: string | undefined;
  readonly cwd?: string | undefined;
  readonly config?: string | RescindConfig | undefined;
  readonly logger?: HttpLogger | undefined;
  readonly http?: HttpTuning | undefined;
  /** builtin starts the session's built-in emulator, or returns it when it runs already. */
  builtin(): Promise<RunningEmulator>;
  /** builtinInstance is the id of the built-in emulator's state, once it runs: its accounts are bound to it. */
  builtinInstance?(): string | undefined;
  /** at locates a problem of an account: its entry in the config file, or a key within it. */
  at?(account: string, ...within: string[]): Pick<Diagnostic, 'range' | 'path'>;
}

/** Opened are the accounts that opened, a diagnostic for each of the others, and the clients to close. */
export interface Opened {
  accounts: Map<string, ProviderAccount>;
  diagnostics: Diagnostic[];
  clients: HttpClient[];
}

/** openAccounts opens each account of needs for its services; see Session.openAccounts. */
export async function openAccounts(
  config: RescindConfig,
  needs: AccountNeeds,
  ctx: OpenContext,
): Promise<Opened> {
  const opened: Opened = { accounts: new Map(), diagnostics: [], clients: [] };
  const tuning = ctx.http ?? {};
  const transports = new Transports({
    ...(tuning.connections === undefined ? {} : { connections: tuning.connections }),
    ...(tuning.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeoutMs: tuning.keepAliveTimeoutMs }),
    ...(tuning.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: tuning.connectTimeoutMs }),
  });
  const configDir =
    ctx.configDir ??
    dirname(resolve(ctx.cwd ?? process.cwd(), typeof ctx.config === 'string' ? ctx.config : CONFIG_FILE));
  const files = new Map<string, CaRead>();
  for (const [name, services] of Object.entries(needs)) {
    const account = Object.hasOwn(config.accounts, name) ? config.accounts[name] : undefined;
    if (account === undefined) throw new Error(`openAccounts: no account ${JSON.stringify(name)}`);
    for (const service of services) {
      if (!cloudServices[account.cloud].includes(service)) {
        throw new Error(`openAccounts: ${service} is not a service of ${account.cloud}`);
      }
    }
    let emulator: RunningEmulator | undefined;
    if (account.emulator === 'builtin') {
      try {
        emulator = await ctx.builtin();
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        opened.diagnostics.push({
          ...problem('account.emulator', `account ${name}: the built-in emulator did not start: ${why}`),
          ...ctx.at?.(name),
        });
        continue;
      }
    }
    const resolved = resolveAccount(name, account, services, emulator);
    if ('diagnostic' in resolved) {
      opened.diagnostics.push({ ...resolved.diagnostic, ...ctx.at?.(name) });
      continue;
    }
    const network = resolveNetwork(name, networkOf(config, name), {
      env: ctx.env,
      configDir,
      builtin: emulator !== undefined,
      files,
    });
    if ('diagnostic' in network) {
      opened.diagnostics.push({ ...network.diagnostic, ...ctx.at?.(name) });
      continue;
    }
    const { maxAttempts, ...timeouts } = network.network.client;
    const limits = account.rateLimits ?? (emulator === undefined ? DEFAULT_RATE_LIMITS : {});
    const { default: rps = 0, ...perService } = limits;
    const clientOf = (options: Pick<HttpClientOptions, 'signer' | 'plainHttpHosts'>, metadata = false) =>
      createHttpClient({
        ...tuning,
        ...timeouts,
        ...(maxAttempts === undefined ? {} : { retry: { ...tuning.retry, maxAttempts } }),
        // A metadata service is on the instance's own link: never through a proxy.
        transport: metadata
          ? transports.for({ connectTimeoutMs: 1000 })
          : transports.for(network.network.transport),
        dialect: dialects[account.cloud],
        account: name,
        ...options,
        ...(ctx.logger === undefined ? {} : { logger: ctx.logger }),
      });
    // What the account signs with: the built-in emulator's caller, or its credential source (src/credentials/).
    const signing = await signingOf(name, account, resolved, ctx, configDir, clientOf);
    opened.clients.push(...signing.clients);
    if ('diagnostic' in signing) {
      const within = account.credentials === undefined ? [] : ['credentials'];
      opened.diagnostics.push({ ...signing.diagnostic, ...ctx.at?.(name, ...within) });
      continue;
    }
    const { endpoints } = resolved;
    const bound: Partial<Record<ServiceName, string>> = {};
    const where = `builtin:${ctx.builtinInstance?.() ?? 'unknown'}`;
    for (const [service, url] of endpoints) bound[service] = emulator === undefined ? url : where;
    const http = createHttpClient({
      ...tuning,
      ...timeouts,
      ...(maxAttempts === undefined ? {} : { retry: { ...tuning.retry, maxAttempts } }),
      transport: transports.for(network.network.transport),
      dialect: dialects[account.cloud],
      account: name,
      signer: signing.signer,
      ...(signing.secrets === undefined ? {} : { secrets: signing.secrets }),
      ...(ctx.logger === undefined ? {} : { logger: ctx.logger }),
      ...(rps > 0 || Object.keys(perService).length > 0 ? { rateLimit: { rps, perService } } : {}),
    });
    signing.attach?.(http);
    opened.clients.push(http);
    // A Huawei account that names no project or domain finds them in IAM (src/credentials/scope.ts).
    let scope: Scope = {
      ...(resolved.projectId === undefined ? {} : { projectId: resolved.projectId }),
      ...(resolved.domainId === undefined ? {} : { domainId: resolved.domainId }),
      lookedUp: [],
    };
    if (account.cloud === 'huaweicloud' && emulator === undefined) {
      const iam = endpointFor(account, 'iam');
      try {
        if ('error' in iam) throw new CredentialsError(`the iam endpoint: ${iam.error}`);
        scope = await lookUpScope(
          http,
          iam.url,
          account.region,
          {
            projectId: resolved.projectId ?? signing.scope?.projectId,
            domainId: resolved.domainId ?? signing.scope?.domainId,
          },
          scopeNeeds(services),
        );
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        opened.diagnostics.push({
          ...problem('account.lookup', `account ${name}: ${why}`),
          ...ctx.at?.(name),
        });
        continue;
      }
    }
    const { projectId, domainId } = scope;
    const accessKeyId = signing.facts.accessKeyId();
    opened.accounts.set(name, {
      name,
      cloud: account.cloud,
      region: account.region,
      ...(projectId === undefined ? {} : { projectId }),
      ...(domainId === undefined ? {} : { domainId }),
      ...(scope.lookedUp.length === 0 ? {} : { lookedUp: scope.lookedUp }),
      ...(accessKeyId === undefined ? {} : { accessKeyId }),
      credential: signing.facts,
      endpoint(service: ServiceName): string {
        const url = endpoints.get(service);
        if (url === undefined) throw new Error(`account ${name} was not opened for ${service}`);
        return url;
      },
      endpoints: bound,
      http,
    });
  }
  return opened;
}

interface ResolvedAccount {
  /** credentials are the built-in emulator's caller's; undefined for an account with a credential source. */
  credentials: Credentials | undefined;
  endpoints: Map<ServiceName, string>;
  projectId: string | undefined;
  domainId: string | undefined;
}

// Where each of an account's services answers: the emulator's URL (and its caller, whose credentials it
// signs with) for an `emulator: builtin` account, else the config's endpoints.
function resolveAccount(
  name: string,
  account: Account,
  services: readonly ServiceName[],
  emulator: RunningEmulator | undefined,
): ResolvedAccount | { diagnostic: Diagnostic } {
  const endpoints = new Map<ServiceName, string>();
  if (emulator !== undefined) {
    const caller = emulator.caller(account.cloud);
    if (caller === undefined) {
      return {
        diagnostic: problem(
          'account.emulator',
          `account ${name}: the demo seed has no ${account.cloud} identity`,
        ),
      };
    }
    for (const service of services) endpoints.set(service, emulator.url);
    return {
      credentials: credentialsOf(caller),
      endpoints,
      projectId: account.projectId ?? (caller.cloud === 'huaweicloud' ? caller.projectId : undefined),
      domainId: account.domainId ?? (caller.cloud === 'huaweicloud' ? caller.domainId : undefined),
    };
  }
  for (const service of services) {
    const found = endpointFor(account, service);
    if ('error' in found) {
      return {
        diagnostic: problem('account.endpoint', `account ${name}, service ${service}: ${found.error}`),
      };
    }
    endpoints.set(service, found.url);
  }
  return { credentials: undefined, endpoints, projectId: account.projectId, domainId: account.domainId };
}

/** Signing is what an opened account signs with, and the clients its credential source made. */
type Signing = {
  clients: readonly HttpClient[];
} & (
  | {
      signer: RequestSigner | RotatingSigner;
      secrets?: readonly string[];
      facts: CredentialFacts;
      scope?: { readonly projectId?: string; readonly domainId?: string };
      attach?: (client: HttpClient) => void;
    }
  | { diagnostic: Diagnostic }
);

// The built-in emulator's caller signs with fixed keys; any other account opens its credential source.
async function signingOf(
  name: string,
  account: Account,
  resolved: ResolvedAccount,
  ctx: OpenContext,
  configDir: string,
  clientOf: (options: Pick<HttpClientOptions, 'signer' | 'plainHttpHosts'>, metadata?: boolean) => HttpClient,
): Promise<Signing> {
  if (resolved.credentials !== undefined) {
    const credentials = resolved.credentials;
    return {
      clients: [],
      signer: signerFor(credentials),
      secrets: secretValues(credentials),
      facts: builtinFacts(credentials),
    };
  }
  const opened = await openCredentials({
    account: name,
    cloud: account.cloud,
    region: account.region,
    credentials: account.credentials,
    domainId: account.domainId,
    env: ctx.env,
    cwd: ctx.cwd ?? process.cwd(),
    configDir,
    endpoint: (service) => endpointFor(account, service),
    ...(ctx.http?.now === undefined ? {} : { now: ctx.http.now }),
    client: (options) =>
      clientOf(
        {
          ...(options.signer === undefined ? {} : { signer: options.signer }),
          ...(options.metadata === true ? { plainHttpHosts: METADATA_HOSTS } : {}),
        },
        options.metadata === true,
      ),
  });
  if ('error' in opened) {
    return {
      clients: opened.clients,
      diagnostic: problem('account.credentials', `account ${name}: ${opened.error}`),
    };
  }
  return {
    clients: opened.clients,
    signer: opened.signer,
    facts: opened.facts,
    scope: opened.scope,
    attach: opened.attach,
  };
}

// The facts of the built-in emulator's demo identity: a permanent access key.
function builtinFacts(credentials: Credentials): CredentialFacts {
  const accessKeyId =
    credentials.kind === 'aksk'
      ? credentials.accessKey
      : credentials.kind === 'access-key'
        ? credentials.accessKeyId
        : undefined;
  return {
    source: "the built-in emulator's demo identity",
    kind: 'environment',
    form: () => 'access-key',
    accessKeyId: () => accessKeyId,
    token: () => undefined,
    learned: async () => ({}),
  };
}

function credentialsOf(caller: Caller): Credentials {
  return caller.cloud === 'huaweicloud'
    ? { cloud: 'huaweicloud', kind: 'aksk', accessKey: caller.accessKey, secretKey: caller.secretKey }
    : {
        cloud: 'alibabacloud',
        kind: 'access-key',
        accessKeyId: caller.accessKeyId,
        accessKeySecret: caller.accessKeySecret,
      };
}

function problem(code: Diagnostic['code'], message: string): Diagnostic {
  return { severity: 'error', code, message };
}
