// Routing: which cloud a request speaks to, and which operation it calls, from the
// routing of the services in services.ts. Huawei Cloud is routed by method and path;
// Alibaba RPC services (ESA, STS) by x-acs-action at `/` (or the Action parameter of a
// signature-1.0 request) and ROA services (ACK) by method and path, each checked against
// the service's version. A route also says how the gateway authenticates it.

import type { ErrorCode } from '../clouds/error-codes.js';
import type { ServiceName } from '../vocabulary.js';
import type { Cloud, CloudResponse } from './cloud.js';
import type { EmulatorService, PathRoute, RouteAuth } from './service.js';
import { type Operation, services } from './services.js';

/** Route is a matched operation and its decoded path parameters. */
export interface Route {
  cloud: Cloud;
  service: ServiceName;
  op: Operation;
  params: Record<string, string>;
  /** auth is how the gateway authenticates the operation. */
  auth: RouteAuth;
}

/** Miss is a request that matches no operation: the cloud's own 4xx, without request id yet. */
export interface Miss {
  cloud: Cloud;
  status: number;
  code: ErrorCode;
  message: string;
}

// A path template compiled: its method, pattern and parameter names, and the ROA version (Alibaba).
interface CompiledPath {
  method: string;
  pattern: RegExp;
  names: readonly string[];
  service: ServiceName;
  op: Operation;
  version: string | undefined;
  auth: RouteAuth;
}

// An RPC action: its service, the version it is served at, and how it is authenticated.
interface RpcAction {
  service: ServiceName;
  version: string;
  op: Operation;
  auth: RouteAuth;
}

const SEGMENT = '([^/]+)';

function compile(route: PathRoute<Operation>, service: ServiceName, version?: string): CompiledPath {
  const names: string[] = [];
  const source = route.path.replace(/\{([A-Za-z_]+)\}/g, (_, name: string) => {
    names.push(name);
    return SEGMENT;
  });
  return {
    method: route.method,
    pattern: new RegExp(`^${source.replaceAll('.', '\\.')}/?$`),
    names,
    service,
    op: route.op,
    version,
    auth: route.auth ?? 'signed',
  };
}

const REGISTRY: readonly EmulatorService<ServiceName, Operation>[] = services;
checkRegistry(REGISTRY);

// The routing tables, in the order of services.ts.
const HUAWEI: CompiledPath[] = [];
const ROA: CompiledPath[] = [];
const RPC = new Map<string, RpcAction>();
for (const { service, routing } of REGISTRY) {
  if (routing.style === 'path') {
    HUAWEI.push(...routing.paths.map((r) => compile(r, service)));
  } else if (routing.style === 'roa') {
    ROA.push(...routing.paths.map((r) => compile(r, service, routing.version)));
  } else {
    for (const op of routing.actions) {
      const auth = routing.anonymous?.includes(op) === true ? 'none' : 'signed';
      RPC.set(op, { service, version: routing.version, op, auth });
    }
  }
}

// checkRegistry throws when services.ts is inconsistent: a service name used twice, an
// operation served by two services, routed twice or not at all, or routed but not listed.
function checkRegistry(list: readonly EmulatorService[]): void {
  const names = new Set<string>();
  const owner = new Map<string, string>();
  for (const s of list) {
    const fail = (why: string): never => {
      throw new Error(`emulator registry: service ${s.service}: ${why}`);
    };
    if (names.has(s.service)) fail('the name is used twice');
    names.add(s.service);
    const routed = s.routing.style === 'rpc' ? s.routing.actions : s.routing.paths.map((r) => r.op);
    for (const op of s.operations) {
      const other = owner.get(op);
      if (other !== undefined) fail(`operation ${op} is also served by ${other}`);
      owner.set(op, s.service);
      const times = routed.filter((r) => r === op).length;
      const wanted = s.bodyRouted?.includes(op) === true ? 0 : 1;
      if (times !== wanted)
        fail(`operation ${op} is routed ${times} times, not ${wanted === 1 ? 'once' : 'never'}`);
    }
    const stray = routed.find((op) => !s.operations.includes(op));
    if (stray !== undefined) fail(`${stray} is routed but not among its operations`);
    const unlisted = (s.paged ?? []).find((op) => !s.operations.includes(op));
    if (unlisted !== undefined) fail(`${unlisted} is paged but not among its operations`);
    const unsigned =
      s.routing.style === 'rpc'
        ? (s.routing.anonymous ?? []).length > 0
        : s.routing.paths.some((r) => (r.auth ?? 'signed') !== 'signed');
    if (s.routing.style === 'rpc' && (s.routing.anonymous ?? []).some((op) => !routed.includes(op))) {
      fail('an anonymous action is not among its actions');
    }
    if (unsigned && s.handleAnonymous === undefined)
      fail('it routes unsigned operations but has no handleAnonymous');
  }
}

/**
 * cloudOfRequest tells which cloud a request speaks to: Alibaba when it carries x-acs-* headers or an
 * ACS3 signature, or is an RPC call at `/` with an Action parameter (signature 1.0, or anonymous).
 */
export function cloudOfRequest(
  headers: Readonly<Record<string, string>>,
  rawPath = '',
  rawQuery = '',
): Cloud {
  if (headers['x-acs-action'] !== undefined || headers['x-acs-version'] !== undefined) return 'alibabacloud';
  if ((headers.authorization ?? '').startsWith('ACS3-')) return 'alibabacloud';
  return rawPath === '/' && /(^|&)Action=/.test(rawQuery) ? 'alibabacloud' : 'huaweicloud';
}

// The value of a parameter of a raw query, decoded; undefined when absent or given twice.
function queryParam(rawQuery: string, name: string): string | undefined {
  let found: string | undefined;
  for (const pair of rawQuery.split('&')) {
    if (!pair.startsWith(`${name}=`)) continue;
    if (found !== undefined) return undefined;
    try {
      found = decodeURIComponent(pair.slice(name.length + 1));
    } catch {
      return undefined;
    }
  }
  return found;
}

/** matchRoute finds the operation of a request, or the cloud's answer for a request that has none. */
export function matchRoute(
  cloud: Cloud,
  method: string,
  rawPath: string,
  headers: Readonly<Record<string, string>>,
  rawQuery = '',
): { route: Route } | { miss: Miss } {
  if (cloud === 'huaweicloud') {
    const found = matchPath(HUAWEI, method, rawPath);
    if (found !== undefined && 'route' in found) {
      const { service, op, auth } = found.route;
      return { route: { cloud, service, op, params: found.params, auth } };
    }
    const message =
      found === undefined
        ? 'The API does not exist or has not been published in the environment'
        : 'The API does not exist';
    return { miss: { cloud, status: 404, code: 'APIGW.0101', message } };
  }
  const notFound: Miss = {
    cloud,
    status: 404,
    code: 'InvalidAction.NotFound',
    message: 'Specified api is not found, please check your url and method.',
  };
  let version = headers['x-acs-version'];
  if (rawPath === '/' || rawPath === '') {
    let action = headers['x-acs-action'];
    if (action === undefined) {
      // A signature-1.0 (or anonymous) RPC call names its action and version in the query.
      action = queryParam(rawQuery, 'Action');
      version = queryParam(rawQuery, 'Version');
    }
    const rpc = action === undefined ? undefined : RPC.get(action);
    if (rpc === undefined || (method !== 'GET' && method !== 'POST')) return { miss: notFound };
    if (version !== rpc.version) return { miss: invalidVersion(cloud, version) };
    return { route: { cloud, service: rpc.service, op: rpc.op, params: {}, auth: rpc.auth } };
  }
  const found = matchPath(ROA, method, rawPath);
  if (found === undefined || !('route' in found)) return { miss: notFound };
  if (version !== found.route.version) return { miss: invalidVersion(cloud, version) };
  const { service, op, auth } = found.route;
  return { route: { cloud, service, op, params: found.params, auth } };
}

function invalidVersion(cloud: Cloud, version: string | undefined): Miss {
  return {
    cloud,
    status: 400,
    code: 'InvalidVersion',
    message: `Specified parameter Version is not valid${version === undefined ? '' : `: ${version}`}.`,
  };
}

// The route of method and path; { wrongMethod } when only the method differs; undefined when no path matches.
function matchPath(
  routes: readonly CompiledPath[],
  method: string,
  rawPath: string,
): { route: CompiledPath; params: Record<string, string> } | { wrongMethod: true } | undefined {
  let wrongMethod = false;
  for (const r of routes) {
    const m = r.pattern.exec(rawPath);
    if (m === null) continue;
    if (r.method !== method) {
      wrongMethod = true;
      continue;
    }
    const params: Record<string, string> = {};
    for (let i = 0; i < r.names.length; i++) {
      const name = r.names[i] ?? '';
      let value: string;
      try {
        value = decodeURIComponent(m[i + 1] ?? '');
      } catch {
        return undefined;
      }
      params[name] = value;
    }
    return { route: r, params };
  }
  return wrongMethod ? { wrongMethod: true } : undefined;
}

/** missResponse turns a miss into the cloud's error body (Huawei: the gateway's; Alibaba: the common one). */
export function missResponse(miss: Miss, requestId: string, host: string): CloudResponse {
  if (miss.cloud === 'huaweicloud') {
    return {
      status: miss.status,
      body: { error_msg: miss.message, error_code: miss.code, request_id: requestId },
    };
  }
  return {
    status: miss.status,
    body: { RequestId: requestId, HostId: host, Code: miss.code, Message: miss.message },
  };
}
