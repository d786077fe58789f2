// What a service of the emulator is: its name and cloud, how requests reach it
// (Huawei: method and path; Alibaba RPC: an action at `/`; Alibaba ROA: method and
// path, each with its API version), the operations it serves, its handler and its
// 5xx answer. routes.ts and server.ts read everything they need from these objects,
// so a new service is its own module plus one line in services.ts.

import type { ServiceName } from '../vocabulary.js';
import type { AlibabaRequest, AnonymousRequest, CloudResponse, HuaweiRequest, Store } from './cloud.js';

/**
 * RouteAuth is how the gateway authenticates an operation: `signed` (the default) refuses a request
 * without valid credentials; `optional` passes one that carries none (no Authorization, no
 * X-Auth-Token) to the service's handleAnonymous, which checks a credential of its body; `none`
 * passes every request there unauthenticated (a credential of its own, such as an ID token).
 */
export type RouteAuth = 'signed' | 'optional' | 'none';

/** PathRoute is one operation reached by method and path; `{name}` in path is a parameter (one segment). */
export interface PathRoute<Op extends string = string> {
  readonly method: string;
  readonly path: string;
  readonly op: Op;
  /** auth is how the gateway authenticates it; default `signed`. */
  readonly auth?: RouteAuth;
}

/** HuaweiRouting reaches Huawei operations by method and path templates. */
export interface HuaweiRouting<Op extends string = string> {
  readonly style: 'path';
  readonly paths: readonly PathRoute<Op>[];
}

/** RpcRouting reaches Alibaba RPC actions by x-acs-action at `/` (GET, or POST with a form), at version. */
export interface RpcRouting<Op extends string = string> {
  readonly style: 'rpc';
  readonly version: string;
  readonly actions: readonly Op[];
  /** anonymous are actions called without a signature (AssumeRoleWithOIDC): handled by handleAnonymous. */
  readonly anonymous?: readonly Op[];
}

/** RoaRouting reaches Alibaba ROA operations by method and path templates, at version. */
export interface RoaRouting<Op extends string = string> {
  readonly style: 'roa';
  readonly version: string;
  readonly paths: readonly PathRoute<Op>[];
}

interface ServiceCommon<Name extends ServiceName, Op extends string> {
  /** service is the service's name, unique in the emulator (e.g. `kms`). */
  readonly service: Name;
  /** operations are the operations it serves, each routed exactly once; their names are the stats keys. */
  readonly operations: readonly Op[];
  /**
   * bodyRouted are operations that share another operation's route and are told apart by the body:
   * routed nowhere, the handler's answer names them (CloudResponse.countAs) for the stats.
   */
  readonly bodyRouted?: readonly Op[];
  /** paged are its list operations that page: hostile paging may be set for them (paging.ts). */
  readonly paged?: readonly Op[];
  /** internalError is the 5xx answer of fault injection, in the service's own error shape. */
  internalError(requestId: string, host: string): CloudResponse;
  /** handleAnonymous answers the operations routed without a caller (RouteAuth `optional` or `none`). */
  handleAnonymous?(req: AnonymousRequest<Op>, store: Store): CloudResponse;
}

/** HuaweiService is a Huawei Cloud service of the emulator. */
export interface HuaweiService<Name extends ServiceName = ServiceName, Op extends string = string>
  extends ServiceCommon<Name, Op> {
  readonly cloud: 'huaweicloud';
  readonly routing: HuaweiRouting<Op>;
  /** handle answers an authenticated request; the router calls it only with one of its operations. */
  handle(req: HuaweiRequest<Op>, store: Store): CloudResponse;
}

/** AlibabaService is an Alibaba Cloud service of the emulator, RPC or ROA. */
export interface AlibabaService<Name extends ServiceName = ServiceName, Op extends string = string>
  extends ServiceCommon<Name, Op> {
  readonly cloud: 'alibabacloud';
  readonly routing: RpcRouting<Op> | RoaRouting<Op>;
  /** handle answers an authenticated request; the router calls it only with one of its operations. */
  handle(req: AlibabaRequest<Op>, store: Store): CloudResponse;
}

/** EmulatorService is a service of the emulator: one module per service, listed in services.ts. */
export type EmulatorService<Name extends ServiceName = ServiceName, Op extends string = string> =
  | HuaweiService<Name, Op>
  | AlibabaService<Name, Op>;
