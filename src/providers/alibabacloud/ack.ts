// alibabacloud.ack.user-permissions: a RAM user's or role's kubeconfig and RBAC permissions on
// one Alibaba Cloud ACK cluster. Reads join ListUserKubeConfigStates (every page) and
// DescribeUserPermission; revoke is CleanClusterUserPermissions (ROA DELETE, 2015-12-15).

import { percentEncode } from '../../clouds/canonical.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { ObservedState } from '../../plan/model.js';
import { isRecord, revokeWith, shared } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import { type ListDeclaration, listAll } from '../lists.js';
import type { Observation, ProviderRequest, RevocationType } from '../types.js';
import { type AcsApi, acs, isMissing, roaPage } from './common.js';

type Ack = RevocationType<
  AckUserPermissionsTarget,
  AckUserPermissionsWith,
  AckUserPermissionsSelect,
  AckUserAccess
>;

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

/** ACK is the API of ACK's ROA operations. */
const ACK: AcsApi = { service: 'ack', version: '2015-12-15' };
// ListUserKubeConfigStates: page_size is 1 to 100 (docs/clouds.md#reads-and-paging).
const PAGE_SIZE = 100;

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

/**
 * statesList declares ListUserKubeConfigStates of one user (page_number and page_size, total_count).
 * ACK lists one state a cluster: a cluster listed again is kept once, and counts once against
 * total_count, so that a repeat cannot stand in for a state skipped.
 */
export function statesList(req: ProviderRequest, uid: string): ListDeclaration<AckKubeconfigState> {
  return {
    ask: (at) => {
      const path = `/users/${percentEncode(uid)}/kubeconfig/states`;
      return acs(
        req.account,
        ACK,
        'ListUserKubeConfigStates',
        { path, query: { page_number: at.number, page_size: at.size } },
        req.signal,
      );
    },
    what: `ACK ListUserKubeConfigStates of user ${uid}`,
    paging: { by: 'numbered', size: PAGE_SIZE, noun: 'states' },
    envelope: roaPage('states', 'page', 'returned no states list and page.total_count'),
    isRow: isState,
    id: (state) => state.cluster_id,
    invalid: 'listed a state without a cluster_id',
    missing: isMissing,
  };
}

async function listStates(
  req: ProviderRequest,
  uid: string,
  where: string,
): Promise<Fetched<AckKubeconfigState>> {
  const listed = await listAll(statesList(req, uid), where);
  if ('diagnostic' in listed) return listed;
  // A user ACK does not know has no kubeconfig anywhere.
  return { items: 'missing' in listed ? [] : listed.rows };
}

async function listPermissions(
  req: ProviderRequest,
  uid: string,
  where: string,
): Promise<Fetched<AckPermissionRecord>> {
  try {
    const path = `/permissions/users/${percentEncode(uid)}`;
    const result = await acs(req.account, ACK, 'DescribeUserPermission', { path }, req.signal);
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
  return shared(req, `ack ${uid}`, () => fetchUser(req, uid, where));
}

// Both reads: the permissions beside the states when the caller's concurrency has a slot free now
// (one round trip instead of two), else one after the other.
async function fetchUser(
  req: ProviderRequest,
  uid: string,
  where: string,
): Promise<UserAccess | { diagnostic: Diagnostic }> {
  const beside = req.alongside?.(() => listPermissions(req, uid, where));
  const states = await listStates(req, uid, where);
  if ('diagnostic' in states) {
    await beside;
    return states;
  }
  const permissions = await (beside ?? listPermissions(req, uid, where));
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

const read: Ack['read'] = async (req) => {
  const user = await readUser(req, req.target.uid);
  if ('diagnostic' in user) return { diagnostics: [user.diagnostic] };
  return { observation: observe(accessOn(user, req.target.clusterId)), diagnostics: [] };
};

const expand: Required<Ack>['expand'] = async (req) => {
  const sel = req.select;
  const user = await readUser(req, sel.uid);
  if ('diagnostic' in user) return { targets: [], diagnostics: [user.diagnostic] };
  // Every cluster either list names, in the order ACK lists them; removed ones too (the planner shows
  // them as already revoked), clusters where the user holds nothing (only Unissued) not.
  const only = sel.clusterIds === undefined ? undefined : new Set(sel.clusterIds);
  const targets: { target: AckUserPermissionsTarget; observation: Observation<AckUserAccess> }[] = [];
  for (const clusterId of user.byCluster.keys()) {
    if (only !== undefined && !only.has(clusterId)) continue;
    const observation = observe(accessOn(user, clusterId));
    if (observation.state === 'absent') continue;
    targets.push({ target: { clusterId, uid: sel.uid }, observation });
  }
  return { targets, diagnostics: [] };
};

/** AckCluster is a DescribeClustersV1 `clusters` item, as ACK returns it. */
export interface AckCluster {
  cluster_id: string;
  name?: string;
  [field: string]: unknown;
}

/** clustersList declares DescribeClustersV1 of the account (page_number and page_size, page_info.total_count). */
export function clustersList(req: ProviderRequest): ListDeclaration<AckCluster> {
  return {
    ask: (at) =>
      acs(
        req.account,
        ACK,
        'DescribeClustersV1',
        { path: '/api/v1/clusters', query: { page_number: at.number, page_size: at.size } },
        req.signal,
      ),
    what: 'ACK DescribeClustersV1',
    paging: { by: 'numbered', size: PAGE_SIZE, noun: 'clusters' },
    envelope: roaPage('clusters', 'page_info', 'returned no clusters list and page_info.total_count'),
    isRow: (row): row is AckCluster =>
      isRecord(row) && typeof row.cluster_id === 'string' && row.cluster_id !== '',
    id: (cluster) => cluster.cluster_id,
    invalid: 'listed a cluster without a cluster_id',
  };
}

/**
 * discover: every cluster where the user holds permissions or a kubeconfig not removed (what the user's
 * own lists say), named from DescribeClustersV1.
 */
const discover: Required<Ack>['discover'] = async (req) => {
  const uid = req.query.uid;
  if (uid === undefined) return { found: [], diagnostics: [] };
  const user = await readUser(req, uid);
  if ('diagnostic' in user) return { found: [], diagnostics: [user.diagnostic] };
  const active = [...user.byCluster.keys()]
    .map((clusterId) => ({ clusterId, observation: observe(accessOn(user, clusterId)) }))
    .filter((a) => a.observation.state === 'active');
  if (active.length === 0) return { found: [], diagnostics: [] };
  const clusters = await shared(req, 'ack clusters', () =>
    listAll(clustersList(req), `${req.account.name}/ack`),
  );
  if ('diagnostic' in clusters) return { found: [], diagnostics: [clusters.diagnostic] };
  const found = active.map(({ clusterId, observation }) => {
    const name = 'missing' in clusters ? undefined : clusters.byId.get(clusterId)?.name;
    const roles = (observation.record?.permissions ?? []).map((p) => p.role_name ?? p.role_type ?? 'a role');
    const kubeconfig = observation.record?.states[0]?.cert_state;
    const holds = [
      ...(roles.length > 0 ? [`roles ${roles.join(', ')}`] : []),
      ...(kubeconfig === undefined ? [] : [`kubeconfig ${kubeconfig}`]),
    ];
    return {
      target: { clusterId, uid },
      observation,
      note: `cluster ${name ?? clusterId}: ${holds.join('; ') || 'access'}`,
    };
  });
  return { found, diagnostics: [] };
};

/**
 * revoke cleans the user's kubeconfig and permissions on the cluster, with Force only when asked. ACK's
 * refusals (access in the last 7 days without force, the caller itself, the account root) come back as
 * a failed revoke carrying ACK's code, after a re-read that shows the user still active; a user cleaned
 * already (by someone else, or by an attempt whose answer was lost) reads so.
 */
const revoke = revokeWith<AckUserPermissionsTarget, AckUserPermissionsWith>(
  address,
  (req) => () => {
    const path = `/cluster/${percentEncode(req.target.clusterId)}/user/${percentEncode(req.target.uid)}/permissions`;
    const query = { Force: req.with.force === true };
    return acs(
      req.account,
      ACK,
      'CleanClusterUserPermissions',
      { method: 'DELETE', path, query },
      req.signal,
    );
  },

  read,
);

/** ackUserPermissions is the alibabacloud.ack.user-permissions revocation type. */
export const ackUserPermissions = {
  type: 'alibabacloud.ack.user-permissions',
  cloud: 'alibabacloud',
  observable: true,
  // A user without any access on the cluster has nothing to revoke.
  absent: 'revoked',
  principals: (target: AckUserPermissionsTarget) => [target.uid],
  // A clean removes every permission row and marks the kubeconfigs Removed.
  afterRevoke: (access: AckUserAccess) =>
    Object.assign({}, access, {
      states: access.states.map((state) => Object.assign({}, state, { cert_state: 'Removed' })),
      permissions: [],
    }),
  listKey: (target: AckUserPermissionsTarget) => target.uid,
  // The kubeconfig states and the permissions of a user (fetchUser).
  readCalls: 2,
  address,
  expand,
  discover,
  read,
  revoke,
} as const satisfies Ack;
