// Opening the accounts a plan uses: credentials from the environment, the
// endpoint of each service, and one HTTP client per account with its signer
// and rate limits. An `emulator: builtin` account gets the in-process emulator
// on the demo seed, its demo identity, and its state kept under .rescind/.

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Credentials, secretValues, signerFor } from '../clouds/credentials.js';
import { dialects } from '../clouds/dialects.js';
import { DEFAULT_RATE_LIMITS } from '../clouds/services.js';
import type { Account, RescindConfig } from '../config/config.js';
import { readCredentials } from '../config/credentials.js';
import { endpointFor } from '../config/endpoints.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../http/client.js';
import { InsecureUrlError } from '../http/errors.js';
import type { HttpLogger } from '../http/log.js';
import type { ServiceName } from '../vocabulary.js';
import { problem } from './diagnose.js';
import type { ProviderAccount } from './types.js';

/** BUILTIN_STATE_FILE is where the built-in emulator keeps its state, relative to the working directory. */
export const BUILTIN_STATE_FILE = join('.rescind', 'emulator-state.json');

/** OpenOptions say where to read credentials and keep the built-in emulator's state. */
export interface OpenOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** cwd holds .rescind/ for the built-in emulator. */
  cwd: string;
  logger?: HttpLogger;
  /** http tunes every client (tests: sleep, clock, retries); it never replaces the signer. */
  http?: Partial<Omit<HttpClientOptions, 'dialect' | 'account' | 'signer' | 'secrets' | 'logger'>>;
}

/** OpenedAccounts are the accounts that could be opened, diagnostics for the others, and close(). */
export interface OpenedAccounts {
  accounts: Map<string, ProviderAccount>;
  diagnostics: Diagnostic[];
  /** close closes every client, and the built-in emulator when one was started; a second call waits for the first. */
  close(): Promise<void>;
}

interface Builtin {
  url: string;
  credentials: Partial<Record<'huaweicloud' | 'alibabacloud', Credentials>>;
  projectId: string | undefined;
  domainId: string | undefined;
  close(): Promise<void>;
}

/** openAccounts opens the named accounts of config; unknown names are the caller's bug. */
export async function openAccounts(
  config: RescindConfig,
  names: Iterable<string>,
  options: OpenOptions,
): Promise<OpenedAccounts> {
  const accounts = new Map<string, ProviderAccount>();
  const diagnostics: Diagnostic[] = [];
  const clients: HttpClient[] = [];
  let builtin: Builtin | undefined;
  for (const name of new Set(names)) {
    const account = config.accounts[name];
    if (account === undefined) throw new Error(`openAccounts: no account ${JSON.stringify(name)}`);
    if (account.emulator === 'builtin' && builtin === undefined) {
      try {
        builtin = await startBuiltin(options.cwd);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        diagnostics.push(
          problem('account.emulator', `account ${name}: the built-in emulator did not start: ${why}`),
        );
        continue;
      }
    }
    const opened = openAccount(name, account, account.emulator === 'builtin' ? builtin : undefined, options);
    if ('diagnostic' in opened) {
      diagnostics.push(opened.diagnostic);
      continue;
    }
    clients.push(opened.account.http);
    accounts.set(name, opened.account);
  }
  let closing: Promise<void> | undefined;
  return {
    accounts,
    diagnostics,
    // Idempotent: a second close() waits for the first.
    close: () => {
      closing ??= (async () => {
        await Promise.all(clients.map((c) => c.close()));
        await builtin?.close();
      })();
      return closing;
    },
  };
}

function openAccount(
  name: string,
  account: Account,
  builtin: Builtin | undefined,
  options: OpenOptions,
): { account: ProviderAccount } | { diagnostic: Diagnostic } {
  let credentials: Credentials;
  if (builtin !== undefined) {
    const demo = builtin.credentials[account.cloud];
    if (demo === undefined) {
      return {
        diagnostic: problem(
          'account.emulator',
          `account ${name}: the demo seed has no ${account.cloud} identity`,
        ),
      };
    }
    credentials = demo;
  } else {
    const read = readCredentials(account.cloud, account.credentials, options.env);
    if ('error' in read)
      return { diagnostic: problem('account.credentials', `account ${name}: ${read.error}`) };
    credentials = read.credentials;
  }
  const limits = account.rateLimits ?? (builtin === undefined ? DEFAULT_RATE_LIMITS : {});
  const { default: rps = 0, ...perService } = limits;
  const http = createHttpClient({
    ...options.http,
    dialect: dialects[account.cloud],
    account: name,
    signer: signerFor(credentials),
    secrets: secretValues(credentials),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(rps > 0 || Object.keys(perService).length > 0 ? { rateLimit: { rps, perService } } : {}),
  });
  const projectId = account.projectId ?? builtin?.projectId;
  const domainId = account.domainId ?? builtin?.domainId;
  return {
    account: {
      name,
      cloud: account.cloud,
      region: account.region,
      ...(projectId === undefined ? {} : { projectId }),
      ...(domainId === undefined ? {} : { domainId }),
      endpoint(service: ServiceName): string {
        if (builtin !== undefined) return builtin.url;
        const found = endpointFor(account, service);
        // Thrown as the HTTP layer's own error, so that a provider reports it like a refused URL.
        if ('error' in found) throw new InsecureUrlError(`${name}/${service}`, found.error);
        return found.url;
      },
      http,
    },
  };
}

// The emulator module is loaded only when an account uses it.
async function startBuiltin(cwd: string): Promise<Builtin> {
  const { startEmulator } = await import('../emulator/server.js');
  const { loadSeed } = await import('../emulator/seed.js');
  const seed = loadSeed(undefined);
  const persist = join(cwd, BUILTIN_STATE_FILE);
  mkdirSync(dirname(persist), { recursive: true });
  const running = await startEmulator({ persist });
  const credentials: Builtin['credentials'] = {};
  for (const identity of seed.identities) {
    if (
      identity.cloud === 'huaweicloud' &&
      identity.accessKey !== undefined &&
      identity.secretKey !== undefined
    ) {
      credentials.huaweicloud ??= {
        cloud: 'huaweicloud',
        kind: 'aksk',
        accessKey: identity.accessKey,
        secretKey: identity.secretKey,
      };
    } else if (identity.cloud === 'alibabacloud') {
      credentials.alibabacloud ??= {
        cloud: 'alibabacloud',
        kind: 'access-key',
        accessKeyId: identity.accessKeyId,
        accessKeySecret: identity.accessKeySecret,
      };
    }
  }
  const hw = seed.identities.find((i) => i.cloud === 'huaweicloud');
  return {
    url: running.url,
    credentials,
    projectId:
      seed.huaweicloud?.kms?.keys?.[0]?.project_id ?? seed.huaweicloud?.cce?.clusters?.[0]?.project_id,
    domainId: hw?.cloud === 'huaweicloud' ? hw.domainId : undefined,
    close: () => running.close(),
  };
}
