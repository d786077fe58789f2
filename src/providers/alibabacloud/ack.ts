// alibabacloud.ack.user-permissions: a RAM user's or role's kubeconfig and RBAC permissions on
// one Alibaba Cloud ACK cluster. Reads join ListUserKubeConfigStates (every page) and
// DescribeUserPermission; revoke is CleanClusterUserPermissions (ROA DELETE, 2015-12-15).

import { percentEncode } from '../../clouds/canonical.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { ObservedState } from '../../plan/model.js';
import { isRecord, listGuard, revokeAndCheck, verifyByRead, withSignal } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import type {
  ExpandRequest,
  ExpandResponse,
  Observation,
  ProviderAccount,
  ProviderRequest,
  ReadRequest,
  ReadResponse,
  RevocationType,
  RevokeRequest,
  RevokeResponse,
  VerifyRequest,
  VerifyResponse,
} from '../types.js';
import { isCount, isMissing } from './common.js';

/** AckUserPermissionsTarget is one user on one cluster (schemas/types/alibabacloud.ack.user-permissions.schema.json). */
export interface AckUserPermissionsTarget {
  clusterId: string;
  uid: string;
}

/** AckUserPermissionsSelect is every cluster where uid holds permissions or a kubeconfig, only clusterIds if given. */
export interface AckUserPermissionsSelect {
  uid: string;
  clusterIds?: string[];
}

/** AckUserPermissionsWith: force cleans even a user who accessed the cluster in the last 7 days (Force=true). */
export interface AckUserPermissionsWith {
  force?: boolean;
}

/** AckKubeconfigState is a ListUserKubeConfigStates `states` item, as ACK returns it. */
export interface AckKubeconfigState {
  cluster_id: string;
  cluster_name?: string;
  cluster_state?: string;
  /** cert_state: Expired, Unexpired, Unissued, Unknown or Removed (revoked; an issuance record exists). */
  cert_state?: string;
  cert_expire_time?: string;
  [field: string]: unknown;
}

/** AckPermissionRecord is a DescribeUserPermission item, as ACK returns it. */
export interface AckPermissionRecord {
  /** resource_id is `{cluster_id}`, `{cluster_id}/{namespace}` or `all-clusters`. */
  resource_id: string;
  resource_type?: string;
  role_name?: string;
  role_type?: string;
  is_owner?: number;
  is_ram_role?: number;
  [field: string]: unknown;
}

/**
 * AckUserAccess is what ACK says of one user on one cluster: the kubeconfig state listed for the cluster
 * (one at most: the list is keyed by cluster) and the permission rows scoped to it (resource_id the
 * cluster or `{cluster}/...`).
 */
export interface AckUserAccess {
  cluster_id: string;
  states: AckKubeconfigState[];
  permissions: AckPermissionRecord[];
}

/** ACK_VERSION is the API version of ACK's ROA operations. */
const ACK_VERSION = '2015-12-15';
// ListUserKubeConfigStates: page_size is 1 to 100 (docs/clouds.md#reads-and-paging).
const PAGE_SIZE = 100;
// A user whose state list changes while it is paged is listed again, at most this many times in all.
const LIST_TRIES = 3;

/**
 * stateOf decides a user's state on a cluster:
 * - active: any permission row for the cluster, or a kubeconfig state other than Removed and Unissued
 *   (Unexpired; Expired, whose record a clean still removes; Unknown, which must not read as gone);
 * - revoked: a Removed kubeconfig and no permission rows (what a clean leaves, docs/clouds.md#reads-and-paging);
 * - absent: no permission rows and no kubeconfig, or only Unissued states: a kubeconfig never issued
 *   is no credential, and ACK marks Removed only what was issued, so it is nothing to revoke.
 */
function stateOf(access: AckUserAccess): ObservedState {
  if (access.permissions.length > 0) return 'active';
  const certs = access.states.map((s) => s.cert_state);
  if (certs.some((c) => c !== 'Removed' && c !== 'Unissued')) return 'active';
  return certs.includes('Removed') ? 'revoked' : 'absent';
}

function observe(access: AckUserAccess): Observation<AckUserAccess> {
  const state = stateOf(access);
  const empty = access.states.length === 0 && access.permissions.length === 0;
  return empty ? { state } : { state, record: access };
}

/** UserAccess is everything ACK lists for one uid, on every cluster. */
interface UserAccess {
  /** byCluster holds it per cluster, in list order (states, then permissions), built once per user. */
  byCluster: ReadonlyMap<string, AckUserAccess>;
}

type Fetched<T> = { items: T[] } | { diagnostic: Diagnostic };

function isState(value: unknown): value is AckKubeconfigState {
  return (
    isRecord(value) &&
    typeof value.cluster_id === 'string' &&
    value.cluster_id !== '' &&
    (value.cert_state === undefined || typeof value.cert_state === 'string')
  );
}

function isPermission(value: unknown): value is AckPermissionRecord {
  return isRecord(value) && typeof value.resource_id === 'string' && value.resource_id !== '';
}

// One pass over every page of the user's kubeconfig states, or 'changed' when total_count moved
// between pages or fewer clusters came than it says (offset paging may then have skipped one). ACK lists
// one state a cluster: a cluster listed again is kept once, in its first place, as last listed (what ESA
// does), and counts once against total_count, so that a repeat cannot stand in for a state skipped.
async function statesOnce(
  account: ProviderAccount,
  uid: string,
  where: string,
  signal: AbortSignal | undefined,
): Promise<Fetched<AckKubeconfigState> | 'changed'> {
  const unexpected = (why: string): Fetched<AckKubeconfigState> => ({
    diagnostic: problem('cloud.unexpected', `ACK ListUserKubeConfigStates of user ${uid} ${why}`, where),
  });
  const guard = listGuard();
  const byCluster = new Map<string, AckKubeconfigState>();
  let total: number | undefined;
  for (let pageNumber = 1; ; pageNumber++) {
    const pages = guard.page();
    if (pages !== undefined) return unexpected(pages);
    const result = await account.http.call({
      method: 'GET',
      url: `${account.endpoint('ack')}/users/${percentEncode(uid)}/kubeconfig/states`,
      query: { page_number: pageNumber, page_size: PAGE_SIZE },
      service: 'ack',
      operation: 'ListUserKubeConfigStates',
      apiVersion: ACK_VERSION,
      ...withSignal(signal),
    });
    const body = result.body;
    const rid = `(request id ${result.requestId ?? 'none'})`;
    const page = isRecord(body) ? body.page : undefined;
    if (!isRecord(body) || !Array.isArray(body.states) || !isRecord(page) || !isCount(page.total_count))
      return unexpected(`returned no states list and page.total_count ${rid}`);
    if (page.page_number !== undefined && Number(page.page_number) !== pageNumber)
      return unexpected(`answered page ${String(page.page_number)} when asked for page ${pageNumber} ${rid}`);
    const pageSize = isCount(page.page_size) && page.page_size > 0 ? page.page_size : PAGE_SIZE;
    if (total !== undefined && page.total_count !== total) return 'changed';
    total = page.total_count;
    const bounds = guard.total(total, 'states') ?? guard.rows(body.states.length, 'states');
    if (bounds !== undefined) return unexpected(`${bounds} ${rid}`);
    for (const item of body.states) {
      if (!isState(item)) return unexpected(`listed a state without a cluster_id ${rid}`);
      byCluster.set(item.cluster_id, item);
    }
    if (pageNumber * pageSize >= total)
      return byCluster.size === total ? { items: [...byCluster.values()] } : 'changed';
    if (body.states.length === 0)
      return unexpected(`answered an empty page ${pageNumber} of ${total} states ${rid}`);
  }
}

async function listStates(
  account: ProviderAccount,
  uid: string,
  where: string,
  signal: AbortSignal | undefined,
): Promise<Fetched<AckKubeconfigState>> {
  try {
    for (let attempt = 0; attempt < LIST_TRIES; attempt++) {
      const listed = await statesOnce(account, uid, where, signal);
      if (listed !== 'changed') return listed;
    }
    const message = `ACK ListUserKubeConfigStates of user ${uid}: the list changed while it was paged, ${LIST_TRIES} times`;
    return { diagnostic: problem('cloud.unexpected', message, where) };
  } catch (e) {
    // A user ACK does not know has no kubeconfig anywhere.
    if (isMissing(e)) return { items: [] };
    return { diagnostic: callFailed(e, where) };
  }
}

async function listPermissions(
  account: ProviderAccount,
  uid: string,
  where: string,
  signal: AbortSignal | undefined,
): Promise<Fetched<AckPermissionRecord>> {
  try {
    const result = await account.http.call({
      method: 'GET',
      url: `${account.endpoint('ack')}/permissions/users/${percentEncode(uid)}`,
      service: 'ack',
      operation: 'DescribeUserPermission',
      apiVersion: ACK_VERSION,
      ...withSignal(signal),
    });
    const body = result.body;
    // The answer is a bare JSON array; a row without resource_id cannot be placed on a cluster.
    if (!Array.isArray(body) || !body.every(isPermission)) {
      const message = `ACK DescribeUserPermission of user ${uid} returned no array of rows with a resource_id (request id ${result.requestId ?? 'none'})`;
      return { diagnostic: problem('cloud.unexpected', message, where) };
    }
    return { items: body };
  } catch (e) {
    if (isMissing(e)) return { items: [] };
    return { diagnostic: callFailed(e, where) };
  }
}

// Everything ACK lists for one uid, read once per plan when reads are shared.
function readUser(req: ProviderRequest, uid: string): Promise<UserAccess | { diagnostic: Diagnostic }> {
  const where = `${req.account.name}/ack/user/${uid}`;
  const fetch = () => fetchUser(req.account, uid, where, req.signal);
  return req.reads === undefined ? fetch() : req.reads.load(`ack ${req.account.name} ${uid}`, fetch);
}

// Both reads, one after the other (a fixed order keeps seeded emulator faults reproducible).
async function fetchUser(
  account: ProviderAccount,
  uid: string,
  where: string,
  signal: AbortSignal | undefined,
): Promise<UserAccess | { diagnostic: Diagnostic }> {
  const states = await listStates(account, uid, where, signal);
  if ('diagnostic' in states) return states;
  const permissions = await listPermissions(account, uid, where, signal);
  if ('diagnostic' in permissions) return permissions;
  const byCluster = new Map<string, AckUserAccess>();
  const on = (clusterId: string): AckUserAccess => {
    let access = byCluster.get(clusterId);
    if (access === undefined) {
      access = { cluster_id: clusterId, states: [], permissions: [] };
      byCluster.set(clusterId, access);
    }
    return access;
  };
  for (const state of states.items) on(state.cluster_id).states.push(state);
  for (const permission of permissions.items) {
    const clusterId = clusterOf(permission);
    if (clusterId !== undefined) on(clusterId).permissions.push(permission);
  }
  return { byCluster };
}

// The cluster a permission row is scoped to: `{cluster}` or `{cluster}/{namespace}`; `all-clusters`
// rows (console-wide roles) belong to no cluster and no cluster's clean removes them.
function clusterOf(permission: AckPermissionRecord): string | undefined {
  const id = permission.resource_id;
  if (id === 'all-clusters') return undefined;
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

function accessOn(user: UserAccess, clusterId: string): AckUserAccess {
  const access = user.byCluster.get(clusterId);
  return access === undefined
    ? { cluster_id: clusterId, states: [], permissions: [] }
    : { cluster_id: clusterId, states: [...access.states], permissions: [...access.permissions] };
}

function address(account: string, t: AckUserPermissionsTarget): string {
  return `${account}/ack/${t.clusterId}/user/${t.uid}`;
}

async function read(req: ReadRequest<AckUserPermissionsTarget>): Promise<ReadResponse<AckUserAccess>> {
  const user = await readUser(req, req.target.uid);
  if ('diagnostic' in user) return { diagnostics: [user.diagnostic] };
  return { observation: observe(accessOn(user, req.target.clusterId)), diagnostics: [] };
}

async function expand(
  req: ExpandRequest<AckUserPermissionsSelect>,
): Promise<ExpandResponse<AckUserPermissionsTarget, AckUserAccess>> {
  const sel = req.select;
  const user = await readUser(req, sel.uid);
  if ('diagnostic' in user) return { targets: [], diagnostics: [user.diagnostic] };
  // Every cluster either list names, in the order ACK lists them; removed ones too (the planner shows
  // them as already revoked), clusters where the user holds nothing (only Unissued) not.
  const only = sel.clusterIds === undefined ? undefined : new Set(sel.clusterIds);
  const targets: ExpandResponse<AckUserPermissionsTarget, AckUserAccess>['targets'] = [];
  for (const clusterId of user.byCluster.keys()) {
    if (only !== undefined && !only.has(clusterId)) continue;
    const observation = observe(accessOn(user, clusterId));
    if (observation.state === 'absent') continue;
    targets.push({ target: { clusterId, uid: sel.uid }, observation });
  }
  return { targets, diagnostics: [] };
}

/**
 * revoke cleans the user's kubeconfig and permissions on the cluster, with Force only when asked. ACK's
 * refusals (access in the last 7 days without force, the caller itself, the account root) come back as
 * a failed revoke carrying ACK's code, after a re-read that shows the user still active.
 */
async function revoke(
  req: RevokeRequest<AckUserPermissionsTarget, AckUserPermissionsWith>,
): Promise<RevokeResponse> {
  const where = address(req.account.name, req.target);
  const { clusterId, uid } = req.target;
  const call = () =>
    req.account.http.call({
      method: 'DELETE',
      url: `${req.account.endpoint('ack')}/cluster/${percentEncode(clusterId)}/user/${percentEncode(uid)}/permissions`,
      query: { Force: req.with.force === true },
      service: 'ack',
      operation: 'CleanClusterUserPermissions',
      apiVersion: ACK_VERSION,
      ...withSignal(req.signal),
    });
  // The user may be cleaned already (by someone else, or by an attempt whose answer was lost), or
  // the cluster or the user's access on it gone.
  return revokeAndCheck(where, call, () => read(req));
}

function verify(
  req: VerifyRequest<AckUserPermissionsTarget, AckUserAccess>,
): Promise<VerifyResponse<AckUserAccess>> {
  return verifyByRead(() => read(req));
}

/** ackUserPermissions is the alibabacloud.ack.user-permissions revocation type. */
export const ackUserPermissions = {
  type: 'alibabacloud.ack.user-permissions',
  cloud: 'alibabacloud',
  observable: true,
  // A user without any access on the cluster has nothing to revoke.
  absent: 'revoked',
  principals: (target: AckUserPermissionsTarget) => [target.uid],
  // A clean removes every permission row and marks the kubeconfigs Removed.
  afterRevoke: (access: AckUserAccess) => ({
    ...access,
    states: access.states.map((state) => ({ ...state, cert_state: 'Removed' })),
    permissions: [],
  }),
  sharedBy: (target: AckUserPermissionsTarget) => target.uid,
  address,
  expand,
  read,
  revoke,
  verify,
} as const satisfies RevocationType<
  AckUserPermissionsTarget,
  AckUserPermissionsWith,
  AckUserPermissionsSelect,
  AckUserAccess
>;
