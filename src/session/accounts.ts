// Opening accounts for a session: for each account, what it signs with (the environment's
// credentials, or the built-in emulator's caller), where each service it needs answers (an
// unusable endpoint is a diagnostic here, before any call), and one HTTP client with its
// cloud's dialect, its signer and its rate limits. Loaded by the session on first use.

import { type Credentials, secretValues, signerFor } from '../clouds/credentials.js';
import { dialects } from '../clouds/dialects.js';
import { DEFAULT_RATE_LIMITS } from '../clouds/services.js';
import type { Account, RescindConfig } from '../config/config.js';
import { readCredentials } from '../config/credentials.js';
import { endpointFor } from '../config/endpoints.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Caller } from '../emulator/caller.js';
import type { RunningEmulator } from '../emulator/server.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../http/client.js';
import type { HttpLogger } from '../http/log.js';
import type { ProviderAccount } from '../providers/types.js';
import { cloudServices, type ServiceName } from '../vocabulary.js';

/** AccountNeeds names the accounts to open and the services each must reach. */
export type AccountNeeds = Readonly<Record<string, readonly ServiceName[]>>;

/** HttpTuning tunes every client (tests: sleep, clock, retries); never its signer or dialect. */
export type HttpTuning = Partial<
  Omit<HttpClientOptions, 'dialect' | 'account' | 'signer' | 'secrets' | 'logger'>
>;

/** OpenContext is what opening needs from the session: the environment, tuning, and the built-in emulator. */
export interface OpenContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger?: HttpLogger | undefined;
  readonly http?: HttpTuning | undefined;
  /** builtin starts the session's built-in emulator, or returns it when it runs already. */
  builtin(): Promise<RunningEmulator>;
  /** builtinInstance is the id of the built-in emulator's state, once it runs: its accounts are bound to it. */
  builtinInstance?(): string | undefined;
  /** at locates a problem of an account: its entry in the config file. */
  at?(account: string): Pick<Diagnostic, 'range' | 'path'>;
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
    const resolved = resolveAccount(name, account, services, emulator, ctx.env);
    if ('diagnostic' in resolved) {
      opened.diagnostics.push({ ...resolved.diagnostic, ...ctx.at?.(name) });
      continue;
    }
    const { credentials, endpoints, projectId, domainId } = resolved;
    const bound: Partial<Record<ServiceName, string>> = {};
    const where = `builtin:${ctx.builtinInstance?.() ?? 'unknown'}`;
    for (const [service, url] of endpoints) bound[service] = emulator === undefined ? url : where;
    const accessKeyId =
      credentials.kind === 'aksk'
        ? credentials.accessKey
        : credentials.kind === 'access-key'
          ? credentials.accessKeyId
          : undefined;
    const limits = account.rateLimits ?? (emulator === undefined ? DEFAULT_RATE_LIMITS : {});
    const { default: rps = 0, ...perService } = limits;
    const http = createHttpClient({
      ...ctx.http,
      dialect: dialects[account.cloud],
      account: name,
      signer: signerFor(credentials),
      secrets: secretValues(credentials),
      ...(ctx.logger === undefined ? {} : { logger: ctx.logger }),
      ...(rps > 0 || Object.keys(perService).length > 0 ? { rateLimit: { rps, perService } } : {}),
    });
    opened.clients.push(http);
    opened.accounts.set(name, {
      name,
      cloud: account.cloud,
      region: account.region,
      ...(projectId === undefined ? {} : { projectId }),
      ...(domainId === undefined ? {} : { domainId }),
      ...(accessKeyId === undefined ? {} : { accessKeyId }),
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
  credentials: Credentials;
  endpoints: Map<ServiceName, string>;
  projectId: string | undefined;
  domainId: string | undefined;
}

// What an account signs with and where each of its services answers: the emulator's caller and URL
// for an `emulator: builtin` account, else the environment's credentials and the config's endpoints.
function resolveAccount(
  name: string,
  account: Account,
  services: readonly ServiceName[],
  emulator: RunningEmulator | undefined,
  env: OpenContext['env'],
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
  const read = readCredentials(account.cloud, account.credentials, env);
  if ('error' in read)
    return { diagnostic: problem('account.credentials', `account ${name}: ${read.error}`) };
  for (const service of services) {
    const found = endpointFor(account, service);
    if ('error' in found) {
      return {
        diagnostic: problem('account.endpoint', `account ${name}, service ${service}: ${found.error}`),
      };
    }
    endpoints.set(service, found.url);
  }
  return {
    credentials: read.credentials,
    endpoints,
    projectId: account.projectId,
    domainId: account.domainId,
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
