// The one interface between the engine (planner, executor) and the clouds: a
// RevocationType per type of credential, with one Request and one Response per
// method. Expected failures (cloud errors, missing resources, throttling after
// every retry) come back as diagnostics; only bugs throw.

import type { CredentialFacts } from '../credentials/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { HttpClient } from '../http/client.js';
import type { Cloud, ServiceName, TypeName } from '../vocabulary.js';

/**
 * TargetState is what a read finds: the credential works (active), was revoked, does not exist
 * (absent: never was, or deleted), or cannot be known (unknown: the type is not observable).
 */
export type TargetState = 'active' | 'revoked' | 'absent' | 'unknown';

/** Observation is a target's state and the cloud's own record of it (absent when there is none). */
export interface Observation<S> {
  state: TargetState;
  record?: S;
}

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

/** CallerKind is the kind of principal an account's credentials act as. */
export type CallerKind = 'account' | 'user' | 'role' | 'agency' | 'federated-user';

/** AssumedFrom is the principal whose credentials a role or agency session was assumed with. */
export interface AssumedFrom {
  readonly kind: CallerKind | 'instance' | 'oidc-subject';
  /** ids are its cloud IDs (a RAM user's uid, an IAM user's ID, an ECS server's ID); none for an OIDC subject. */
  readonly ids: readonly string[];
  /** name is its ARN or name, or the OIDC subject. */
  readonly name?: string;
}

/**
 * Caller is who an account's requests authenticate as, for the built-in guardrails. The rule
 * never-revoke-self protects ids and the ids of assumedFrom: a role session's role, an agency, and the
 * user that assumed them, whose loss would end the run's access as surely.
 */
export interface Caller {
  /**
   * ids are the caller's own IDs: an IAM user's ID, an agency's, a federated user's; a RAM user's uid, a
   * role's ID and its session's principal ID (`ROLEID:SESSION`).
   */
  readonly ids: readonly string[];
  /** roots are the account's root IDs (Huawei domain ID, Alibaba account ID). */
  readonly roots: readonly string[];
  /** kind is what the caller is; absent when it could not be told. */
  readonly kind?: CallerKind;
  /** name is its ARN (Alibaba) or name (Huawei user, `DOMAIN/AGENCY`, federated user). */
  readonly name?: string;
  /** assumedFrom is who assumed the role or agency session the caller is, when known. */
  readonly assumedFrom?: AssumedFrom;
}

/** WhoamiResponse is who the account authenticates as, or why that could not be found. */
export interface WhoamiResponse {
  caller?: Caller;
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

/** ReadManyRequest asks for the state of several targets of one group (see RevocationType.groupOf). */
export interface ReadManyRequest<T> extends ProviderRequest {
  readonly targets: readonly T[];
}

/** ReadManyResponse is one observation per target, in order; on any error none, and diagnostics. */
export interface ReadManyResponse<S> {
  observations: Observation<S>[];
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

/** RevokeRequest revokes one target, with the revocation's options. */
export interface RevokeRequest<T, W> extends ProviderRequest {
  readonly target: T;
  readonly with: W;
}

/**
 * RevokeOutcome: the call succeeded (revoked), a read showed the target was already revoked or gone
 * (already-revoked: never a failure), or it failed (diagnostics say why).
 */
export type RevokeOutcome = 'revoked' | 'already-revoked' | 'failed';

/** RevokeResponse is the outcome, the cloud's request id of the revoke call, and diagnostics. */
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
  /** principals are the user, agency, role or grantee IDs a target concerns, for policies' `principals`. */
  principals(target: T, record: S | undefined): string[];
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
  /** expand turns a selector into targets; absent when the type takes no selector. */
  expand?(req: ExpandRequest<Sel>): Promise<ExpandResponse<T, S>>;
  read(req: ReadRequest<T>): Promise<ReadResponse<S>>;
  /**
   * groupOf names the list a target is best read from with others (an ESA site); readMany reads the
   * targets of one group. Absent: each target is read alone (shared lists still serve many).
   */
  groupOf?(target: T): string;
  readMany?(req: ReadManyRequest<T>): Promise<ReadManyResponse<S>>;
  /**
   * sharedBy names the list whose read serves this target and others (a KMS key, an ACK user): reads of
   * targets with the same value, given one SharedReads, cost one paged list. Absent: a read is the
   * target's own (a CCM CA, an ESA certificate by GetClientCertificate).
   */
  sharedBy?(target: T): string;
  revoke(req: RevokeRequest<T, W>): Promise<RevokeResponse>;
  verify(req: VerifyRequest<T, S>): Promise<VerifyResponse<S>>;
}

/** Fields is a target, selector or `with` as a plan holds it, after its type's schema accepted it. */
export type Fields = Readonly<Record<string, unknown>>;

/** AnyRevocationType is a RevocationType seen from the engine, which holds plan data of every type. */
export type AnyRevocationType = RevocationType<Fields, Fields, Fields, unknown>;
