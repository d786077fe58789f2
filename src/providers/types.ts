// The one interface between the engine (planner, executor) and the clouds: a
// RevocationType per type of credential, with one Request and one Response per
// method. Expected failures (cloud errors, missing resources, throttling after
// every retry) come back as diagnostics; only bugs throw.

import type { CredentialFacts } from '../credentials/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { HttpClient } from '../http/client.js';
import type { CallerIdentity, Observation } from '../plan/model.js';
import type { RevokeOutcome } from '../plan/run.js';
import type { Cloud, ServiceName, TypeName } from '../vocabulary.js';

/** ProviderAccount is an opened account: where its services are, who it is, and its HTTP client. */
export interface ProviderAccount {
  /** name is the config's account name. */
  readonly name: string;
  readonly cloud: Cloud;
  readonly region: string;
  /** projectId is the Huawei project of project-scoped services (CCE, KMS). */
  readonly projectId?: string;
  /** domainId is the Huawei account (domain) ID that global services (CCM) need. */
  readonly domainId?: string;
  /** endpoint is the base URL of a service (no trailing slash). */
  endpoint(service: ServiceName): string;
  /**
   * endpoints are what each service the account was opened for is bound to, as plans record it: its base
   * URL, or `builtin` for the built-in emulator (whose port changes with every run).
   */
  readonly endpoints: Readonly<Partial<Record<ServiceName, string>>>;
  readonly http: HttpClient;
  /** accessKeyId is the public ID of the account's access key (never its secret); absent for a token. */
  readonly accessKeyId?: string;
  /**
   * credential is what the account's credentials are and where they come from, for whoami: their form,
   * what their source learned of who they are. Absent: a permanent access key (accessKeyId).
   */
  readonly credential?: CredentialFacts;
  /** lookedUp names what was not in the config and was looked up from IAM (Huawei projectId, domainId). */
  readonly lookedUp?: readonly ('projectId' | 'domainId')[];
}

/** WhoamiResponse is who the account authenticates as, or why that could not be found. */
export interface WhoamiResponse {
  caller?: CallerIdentity;
  diagnostics: Diagnostic[];
}

/**
 * SharedReads lets the reads of one plan share their list calls: load runs fetch once per key (the
 * KMS grants of one key, the access of one ACK user, the certificates of one ESA site) and gives every
 * caller of that key the same answer. Without it, each read makes its own calls.
 */
export interface SharedReads {
  load<R>(key: string, fetch: () => Promise<R>): Promise<R>;
}

/** ProviderRequest is what every provider call carries. */
export interface ProviderRequest {
  readonly account: ProviderAccount;
  readonly signal?: AbortSignal;
  /** reads shares list calls among the reads of one plan; apply's verifications read afresh. */
  readonly reads?: SharedReads;
  /**
   * together counts the targets of the same list (RevocationType.listKey) read or verified with this
   * one, sharing `reads`: a type that can read a target alone (a CCM CA, an ESA certificate) lists
   * instead when more than one is read. Default 1.
   */
  readonly together?: number;
  /**
   * each runs one read (a whole paged list) within the caller's concurrency, for a call that reads many
   * lists (a selector over every key, discover); absent, reads run at once.
   */
  readonly each?: <R>(read: () => Promise<R>) => Promise<R>;
  /**
   * alongside runs one more call of this read beside the call it is making, in a slot of the caller's
   * concurrency that is free now; undefined when none is (or absent): the read then makes its calls one
   * after the other. Never more calls at once than the concurrency allows.
   */
  readonly alongside?: <R>(call: () => Promise<R>) => Promise<R> | undefined;
}

/** ReadRequest asks for the current state of one target. */
export interface ReadRequest<T> extends ProviderRequest {
  readonly target: T;
}

/** ReadResponse is the observation, or diagnostics saying why there is none. */
export interface ReadResponse<S> {
  observation?: Observation<S>;
  diagnostics: Diagnostic[];
}

/** ExpandRequest asks which targets a selector matches now. */
export interface ExpandRequest<Sel> extends ProviderRequest {
  readonly select: Sel;
}

/** ExpandResponse lists every matching target with its observation; on any error it lists none (fail closed). */
export interface ExpandResponse<T, S> {
  targets: { target: T; observation: Observation<S> }[];
  diagnostics: Diagnostic[];
}

/**
 * DiscoverQuery is what `discover` looks for in one account: a principal's IDs on the account's cloud
 * (a Huawei IAM user or agency, an Alibaba RAM user or role), a glob over certificate names, or a CA
 * whose subordinates, at any depth, are found.
 */
export interface DiscoverQuery {
  readonly userId?: string;
  readonly agencyId?: string;
  readonly uid?: string;
  /** certificateName matches an ESA certificate's CommonName or Name (`*` any run of characters). */
  readonly certificateName?: string;
  /** issuer is a CCM CA ID: every active subordinate CA it issued, and those they issued, are found. */
  readonly issuer?: string;
}

/** DiscoverRequest asks a type for what a query names in one account. */
export interface DiscoverRequest extends ProviderRequest {
  readonly query: DiscoverQuery;
}

/** Discovered is one credential found: its target, what the lists showed, and what it is, in words. */
export interface Discovered<T, S> {
  target: T;
  observation: Observation<S>;
  /** note says what it is for a reader of the plan: a grant's name and operations, a cluster's name. */
  note: string;
}

/** DiscoverResponse lists what was found that works now; on any error, nothing (fail closed). */
export interface DiscoverResponse<T, S> {
  found: Discovered<T, S>[];
  diagnostics: Diagnostic[];
}

/** RevokeRequest revokes one target, with the revocation's options. */
export interface RevokeRequest<T, W> extends ProviderRequest {
  readonly target: T;
  readonly with: W;
}

export type { Observation, RevokeOutcome };

/**
 * RevokeResponse is the outcome (the call succeeded; a read showed the target already revoked or gone,
 * never a failure; or it failed), the cloud's request id of the revoke call, and diagnostics.
 */
export interface RevokeResponse {
  outcome: RevokeOutcome;
  requestId?: string;
  /**
   * uncertain: the call failed and the read that would tell whether it took effect (an answer lost
   * after the cloud acted is refused as done when retried) failed too: worth reading again later.
   */
  uncertain?: boolean;
  diagnostics: Diagnostic[];
}

/** VerifyRequest re-reads a target after its revoke; before is its observation at plan time, if any. */
export interface VerifyRequest<T, S> extends ProviderRequest {
  readonly target: T;
  readonly before?: Observation<S>;
}

/** Verdict: the re-read proves the revocation, does not (yet), or the type cannot be observed. */
export type Verdict = 'verified' | 'not-verified' | 'not-observable';

/** VerifyResponse is the verdict and what the re-read saw. */
export interface VerifyResponse<S> {
  verdict: Verdict;
  observation?: Observation<S>;
  diagnostics: Diagnostic[];
}

/**
 * RevocationType is everything rescind knows of one type of credential. T is its target, W its `with`
 * options, Sel its selector (never when it has none) and S the cloud's record of a target.
 */
export interface RevocationType<T, W, Sel, S> {
  readonly type: TypeName;
  readonly cloud: Cloud;
  /** observable is false when no API reads a target's state (CCE): plans show it as '?'. */
  readonly observable: boolean;
  /**
   * absent says what a target that a read finds absent is: `revoked` when revoking removes it, so that
   * absent is done (a KMS grant; an ACK user without any access), `missing` when a revoked one stays
   * listed, so that absent is a wrong id (an ESA certificate, a CCM CA, a CCE cluster).
   */
  readonly absent: 'revoked' | 'missing';
  /**
   * principals are the user, agency, role or grantee IDs a target concerns, for policies' `principals`;
   * absent for a type whose targets name none (a certificate, a CA).
   */
  principals?(target: T, record: S | undefined): string[];
  /**
   * reversible says why a target that reads as not active is not revoked for good: the cloud can make
   * it work again without a new credential (a DISABLED CA can be enabled). Plans show it as a built-in
   * warning; absent (or undefined) when not active means revoked.
   */
  reversible?(record: S): string | undefined;
  /** afterRevoke is the record as it should read once revoked; undefined when revoking removes it. */
  afterRevoke(record: S): S | undefined;
  /** address names a target in plans and journals, e.g. 'hw-prod/kms/<keyId>/grant/<grantId>'. */
  address(account: string, target: T): string;
  /**
   * discover finds, with list calls only, the credentials a query names in an account that work now
   * (active, or not observable); a query that names nothing of this type finds nothing.
   */
  discover?(req: DiscoverRequest): Promise<DiscoverResponse<T, S>>;
  /** expand turns a selector into targets; absent when the type takes no selector. */
  expand?(req: ExpandRequest<Sel>): Promise<ExpandResponse<T, S>>;
  read(req: ReadRequest<T>): Promise<ReadResponse<S>>;
  /**
   * listKey names the read that serves this target and others of the same account (the grants of a KMS
   * key, an ACK user's access, an ESA site's certificates, an account's CCM CAs, a CCE cluster): the
   * engine reads and verifies the targets of one key together, with one SharedReads, so that they cost
   * one (paged) list. Absent: every read is the target's own.
   */
  listKey?(target: T): string;
  /**
   * readCalls is how many calls a read of this type makes side by side when it is given a slot for
   * each (ProviderRequest.alongside): ACK lists a user's kubeconfig states and permissions. A plan's
   * read of such a type starts with that many slots, so that its calls go out together, not one
   * round trip after the other. Default 1.
   */
  readonly readCalls?: number;
  revoke(req: RevokeRequest<T, W>): Promise<RevokeResponse>;
  /** verify re-reads a target after its revoke; absent: a read that shows it revoked or gone (verifyTarget). */
  verify?(req: VerifyRequest<T, S>): Promise<VerifyResponse<S>>;
}

/** Fields is a target, selector or `with` as a plan holds it, after its type's schema accepted it. */
export type Fields = Readonly<Record<string, unknown>>;

/** AnyRevocationType is a RevocationType seen from the engine, which holds plan data of every type. */
export type AnyRevocationType = RevocationType<Fields, Fields, Fields, unknown>;
