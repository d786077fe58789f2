// Opening an account's credentials: its source chosen (the config's, or the default chain), the first
// credentials fetched, and the RotatingSigner that refreshes them while the run lasts. Every secret any
// source obtains (keys, security tokens, IAM tokens, OIDC tokens, metadata session tokens) reaches
// every client of the account before it is used, so that no message or log line can show it.

import { homedir } from 'node:os';
import type { CredentialSource } from '../config/config.js';
import type { HttpClient } from '../http/client.js';
import { CredentialsError } from '../http/errors.js';
import type { Clock } from '../http/meta.js';
import type { Cloud } from '../vocabulary.js';
import { choose, noCredentials } from './chain.js';
import { RefreshingCredentials, type RefreshOptions } from './refreshing.js';
import { specOf } from './spec.js';
import type { ClientOptions, CredentialFacts, Env, Learned, SourceContext } from './types.js';

/** OpenOptions are what opening an account's credentials needs from the session. */
export interface OpenOptions {
  readonly account: string;
  readonly cloud: Cloud;
  readonly region: string;
  readonly credentials: CredentialSource | undefined;
  /** domainId is the account's configured domain (an agency's default account). */
  readonly domainId: string | undefined;
  readonly env: Env;
  readonly cwd: string;
  readonly configDir: string;
  /** endpoint is the account's STS or IAM base URL, or why it cannot be used. */
  endpoint(service: 'sts' | 'iam'): { url: string } | { error: string };
  /** client makes an HTTP client of the account's network settings for a source. */
  client(options: ClientOptions): HttpClient;
  readonly now?: Clock;
  readonly refresh?: Omit<RefreshOptions, 'now'>;
  readonly signal?: AbortSignal;
}

/** OpenedCredentials are an account's credentials, opened. */
export interface OpenedCredentials {
  /** signer signs the account's requests with the current credentials, refreshed before they expire. */
  readonly signer: RefreshingCredentials;
  /** facts are what whoami may know of the credentials (never a secret, but through token()). */
  readonly facts: CredentialFacts;
  /** scope is a project and domain the source gave (a Huawei profile file). */
  readonly scope: { readonly projectId?: string; readonly domainId?: string };
  /** attach makes client redact every secret of the account: the ones so far, and each new one. */
  attach(client: HttpClient): void;
  /** clients are the sources' own clients, to close with the account. */
  readonly clients: readonly HttpClient[];
}

/**
 * openCredentials chooses the account's source, fetches its first credentials, and answers the signer
 * that keeps them fresh; or a message (no secret in it) saying why there are none. The clients of the
 * sources are the caller's to close, either way.
 */
export async function openCredentials(
  o: OpenOptions,
): Promise<OpenedCredentials | { error: string; clients: readonly HttpClient[] }> {
  const secrets: string[] = [];
  const attached: HttpClient[] = [];
  const clients: HttpClient[] = [];
  const share = (values: readonly string[]) => {
    const added = values.filter((v) => v !== '' && !secrets.includes(v));
    if (added.length === 0) return;
    secrets.push(...added);
    for (const c of attached) c.addSecrets(added);
  };
  const attach = (client: HttpClient) => {
    attached.push(client);
    client.addSecrets(secrets);
  };
  const now = o.now ?? Date.now;
  const ctx: SourceContext = {
    account: o.account,
    cloud: o.cloud,
    region: o.region,
    env: o.env,
    home: o.env.HOME ?? o.env.USERPROFILE ?? homedir(),
    cwd: o.cwd,
    configDir: o.configDir,
    endpoint: (service) => {
      const found = o.endpoint(service);
      if ('error' in found) throw new CredentialsError(`the ${service} endpoint: ${found.error}`);
      return found.url;
    },
    client: (options) => {
      const client = o.client(options);
      clients.push(client);
      attach(client);
      return client;
    },
    secrets: share,
    now,
  };
  const chosen = choose(specOf(o.credentials, o.configDir, o.cloud), ctx, { domainId: () => o.domainId });
  if ('error' in chosen) return { error: chosen.error, clients };
  const { source } = chosen;
  const signer = new RefreshingCredentials((signal) => source.fetch(signal), { ...o.refresh, now });
  signer.onSecrets(share);
  try {
    await signer.resolve(o.signal);
  } catch (e) {
    // The clients made so far close with the session: they may share a transport with other accounts.
    const why = e instanceof Error ? e.message : String(e);
    return { error: chosen.probe ? noCredentials([...chosen.skipped, why]) : why, clients };
  }
  let learned: Promise<Learned & { error?: string }> | undefined;
  const facts: CredentialFacts = {
    source: source.describe,
    kind: source.kind,
    form: () => {
      const c = signer.credentials;
      if (c === undefined || c.kind === 'token') return 'token';
      return c.securityToken === undefined ? 'access-key' : 'temporary';
    },
    accessKeyId: () => {
      const c = signer.credentials;
      return c?.kind === 'aksk' ? c.accessKey : c?.kind === 'access-key' ? c.accessKeyId : undefined;
    },
    token: () => {
      const c = signer.credentials;
      return c?.kind === 'token' ? c.token : undefined;
    },
    learned: (signal) => {
      const learn = source.learn;
      if (learn === undefined) return Promise.resolve({});
      learned ??= learn(signal).then(
        (l) => l,
        (e: unknown) => {
          learned = undefined;
          return { error: e instanceof Error ? e.message : String(e) };
        },
      );
      return learned;
    },
  };
  return { signer, facts, scope: source.scope ?? {}, attach, clients };
}
