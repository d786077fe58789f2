// What the credential sources share: the context a source works in (the account, its environment,
// its endpoints, and HTTP clients on its network settings), a source's interface, and what a source
// learns of who its credentials belong to, which the providers' whoami reads.

import type { Credentials } from '../clouds/credentials.js';
import type { RequestSigner, RotatingSigner } from '../clouds/wire.js';
import type { HttpClient } from '../http/client.js';
import type { Clock } from '../http/meta.js';
import type { Cloud } from '../vocabulary.js';

/** Env is the environment a run reads its credentials' variables from. */
export type Env = Readonly<Record<string, string | undefined>>;

/** ClientOptions say how a source's HTTP client signs and where it may go. */
export interface ClientOptions {
  /** signer signs its calls (AssumeRole with the base credentials); none for anonymous calls. */
  readonly signer?: RequestSigner | RotatingSigner;
  /** metadata: the client reaches an instance metadata service (plain http, no proxy, short timeouts). */
  readonly metadata?: boolean;
}

/** SourceContext is what a source works with: the account, where it reads files, endpoints and clients. */
export interface SourceContext {
  /** account is the config's account name. */
  readonly account: string;
  readonly cloud: Cloud;
  readonly region: string;
  readonly env: Env;
  /** home is the user's home folder, where profile files are; undefined when there is none. */
  readonly home: string | undefined;
  /** cwd is the working directory, against which a path a variable gives is resolved. */
  readonly cwd: string;
  /** configDir is the folder of the config file, against which a relative file path is resolved. */
  readonly configDir: string;
  /** endpoint is the base URL of the account's STS (Alibaba) or IAM (Huawei); it throws a CredentialsError when unusable. */
  endpoint(service: 'sts' | 'iam'): string;
  /** client is an HTTP client of the account's network settings; the context closes it with the account. */
  client(options: ClientOptions): HttpClient;
  /** secrets tells every client of the account to redact these values from now on. */
  secrets(values: readonly string[]): void;
  readonly now: Clock;
}

/** Issued is what a source hands out: credentials, and when they expire (epoch ms; never for static keys). */
export interface Issued {
  readonly credentials: Credentials;
  readonly expiresAt?: number;
}

/** SourceKind names a kind of source: the `source` of an account's credentials in the config. */
export type SourceKind = 'environment' | 'profile' | 'metadata' | 'assume-role' | 'agency' | 'oidc';

/**
 * PrincipalKind is the kind of principal credentials act as: a cloud account itself (root), a user, a
 * role or agency session, or a federated user.
 */
export type PrincipalKind = 'account' | 'user' | 'role' | 'agency' | 'federated-user';

/** Principal is who a principal is: its kind, its IDs (a role's ID and its session's principal ID) and name. */
export interface Principal {
  readonly kind: PrincipalKind | 'instance' | 'oidc-subject';
  readonly ids: readonly string[];
  /** name is its ARN (Alibaba), URN-like name (Huawei `DOMAIN/AGENCY`), user name, or an OIDC subject. */
  readonly name?: string;
  /** account is the ID of the cloud account it belongs to, when known. */
  readonly account?: string;
}

/**
 * Learned is what a source found out about who its credentials are while it obtained them: the
 * principal (a Huawei agency or federated user, from the token's own details), and the principal the
 * credentials were assumed from (the user who assumed a role, an OIDC subject, an ECS instance).
 */
export interface Learned {
  readonly principal?: Principal;
  readonly assumedFrom?: Principal;
}

/**
 * CredentialFacts are what the providers' whoami may know of an account's credentials: where they come
 * from, their form, and what their source learned. Never a secret, but through token().
 */
export interface CredentialFacts {
  /** source names where they come from, as messages and plans say it: `environment`, `profile default`. */
  readonly source: string;
  readonly kind: SourceKind;
  /** form: a permanent access key, temporary credentials (with a security token), or an IAM token. */
  form(): 'access-key' | 'temporary' | 'token';
  /** accessKeyId is the public ID of the access key signing now (never its secret). */
  accessKeyId(): string | undefined;
  /** token is the IAM token the account authenticates with now (Huawei, form token). */
  token(): string | undefined;
  /** learned resolves what the source knows of who the credentials are; it never rejects. */
  learned(signal?: AbortSignal): Promise<Learned & { readonly error?: string }>;
}

/** Source is one source of an account's credentials. */
export interface Source {
  readonly kind: SourceKind;
  /** describe names the source in messages, e.g. `the environment variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK`. */
  readonly describe: string;
  /** fetch obtains credentials; it rejects with a CredentialsError naming the source and why. */
  fetch(signal?: AbortSignal): Promise<Issued>;
  /** learn finds out who the credentials are, when the source can tell (see Learned). */
  learn?(signal?: AbortSignal): Promise<Learned>;
  /** scope is the project and domain the source's own settings give (a Huawei profile), when any. */
  readonly scope?: { readonly projectId?: string; readonly domainId?: string };
}

/** Found is a source the chain settled on, nothing to try here (absent, and why), or a broken source. */
export type Found = { source: Source } | { absent: string } | { error: string };
