// Alibaba Cloud ACK (ROA, 2015-12-15) in the emulator: CleanClusterUserPermissions
// (refuses the caller and the root account always, and without Force a user with access
// in the last 7 days), DescribeClustersV1, DescribeUserPermission and the two kubeconfig
// state lists.

import {
  type AlibabaRequest,
  type CloudResponse,
  parseWhole,
  repeatedParam,
  type Store,
  unknownParam,
} from '../cloud.js';
import type { AlibabaService, PathRoute } from '../service.js';
import type { AckCluster, AckUser } from '../state.js';
import { alibabaInternalError, type ErrorFor, errorFor } from './errors.js';

/** ACK_VERSION is the API version of ACK's ROA operations. */
export const ACK_VERSION = '2015-12-15';
/** ACK_OPERATIONS are the ACK operations of the emulator. */
export const ACK_OPERATIONS = [
  'CleanClusterUserPermissions',
  'DescribeUserPermission',
  'ListUserKubeConfigStates',
  'ListClusterKubeconfigStates',
  'DescribeClustersV1',
] as const;
/** AckOperation is an ACK operation. */
export type AckOperation = (typeof ACK_OPERATIONS)[number];

const ACK_PATHS: readonly PathRoute<AckOperation>[] = [
  {
    method: 'DELETE',
    path: '/cluster/{ClusterId}/user/{Uid}/permissions',
    op: 'CleanClusterUserPermissions',
  },
  { method: 'GET', path: '/permissions/users/{uid}', op: 'DescribeUserPermission' },
  { method: 'GET', path: '/users/{Uid}/kubeconfig/states', op: 'ListUserKubeConfigStates' },
  { method: 'GET', path: '/clusters/{ClusterId}/kubeconfig/states', op: 'ListClusterKubeconfigStates' },
  { method: 'GET', path: '/api/v1/clusters', op: 'DescribeClustersV1' },
];

/** ackService is ACK in the emulator's registry (services.ts). */
export const ackService: AlibabaService<'ack', AckOperation> = {
  service: 'ack',
  cloud: 'alibabacloud',
  routing: { style: 'roa', version: ACK_VERSION, paths: ACK_PATHS },
  operations: ACK_OPERATIONS,
  paged: ['ListUserKubeConfigStates', 'ListClusterKubeconfigStates', 'DescribeClustersV1'],
  handle: handleAck,
  internalError: alibabaInternalError,
};
/** RECENT_ACCESS_MS is the window in which access makes CleanClusterUserPermissions refuse without Force. */
export const RECENT_ACCESS_MS = 7 * 24 * 60 * 60 * 1000;

const CLUSTER_STATE_FIELDS = [
  'account_name',
  'account_display_name',
  'account_type',
  'account_state',
  'cert_state',
  'cert_expire_time',
  'revokable',
  'cloud_service_name',
  'cloud_service_roles',
];

/** handleAck answers the ACK operations. */
export function handleAck(req: AlibabaRequest<AckOperation>, store: Store): CloudResponse {
  const fail = errorFor(req);
  if (req.body.length > 0) return fail(400, 'InvalidParameter', 'This operation takes no request body.');
  const repeated = repeatedParam(req.query);
  if (repeated !== undefined)
    return fail(400, 'InvalidParameter', `The parameter ${repeated} is given twice.`);
  const clusters = store.state.alibabacloud?.ack?.clusters ?? [];
  switch (req.op) {
    case 'CleanClusterUserPermissions':
      return clean(req, store, clusters, fail);
    case 'DescribeUserPermission':
      return describePermissions(req, clusters, fail);
    case 'ListUserKubeConfigStates':
      return userStates(req, store, clusters, fail);
    case 'DescribeClustersV1':
      return describeClusters(req, store, clusters, fail);
    default:
      return clusterStates(req, store, clusters, fail);
  }
}

function clean(req: AlibabaRequest, store: Store, clusters: AckCluster[], fail: ErrorFor): CloudResponse {
  const extra = unknownParam(req.query, ['Force']);
  if (extra !== undefined) return fail(400, 'InvalidParameter', `The parameter ${extra} is not recognized.`);
  const forceText = req.query.get('Force');
  if (forceText !== null && forceText !== 'true' && forceText !== 'false') {
    return fail(400, 'InvalidParameter', 'The parameter Force must be true or false.');
  }
  const force = forceText === 'true';
  const cluster = clusters.find((c) => c.cluster_id === req.params.ClusterId);
  if (cluster === undefined) return clusterNotFound(fail);
  const uid = req.params.Uid ?? '';
  if (uid === req.caller.uid) {
    return fail(
      403,
      'Forbidden.CleanCaller',
      'You cannot revoke the permissions of the account that you use to call this operation.',
    );
  }
  const user = (cluster.users ?? []).find((u) => u.uid === uid);
  if (uid === req.caller.accountId || user?.account_type === 'RootAccount') {
    return fail(
      403,
      'Forbidden.CleanRootAccount',
      'You cannot revoke the permissions of an Alibaba Cloud account.',
    );
  }
  if (user === undefined) {
    return fail(
      404,
      'ErrorUserNotFound',
      `The user ${uid} has no permissions or kubeconfig on this cluster.`,
    );
  }
  if (!force && user.last_access !== undefined) {
    const last = Date.parse(user.last_access);
    if (req.referenceTime.getTime() - last < RECENT_ACCESS_MS) {
      return fail(
        400,
        'ErrorUserRecentlyActive',
        'The user accessed the cluster in the last 7 days; set Force to true to clean the permissions anyway.',
      );
    }
  }
  if (user.cert_state !== 'Removed' || (user.permissions ?? []).length > 0) {
    user.permissions = [];
    user.cert_state = 'Removed';
    store.changed();
  }
  return { status: 200, body: {} };
}

function describePermissions(req: AlibabaRequest, clusters: AckCluster[], fail: ErrorFor): CloudResponse {
  const extra = unknownParam(req.query, []);
  if (extra !== undefined) return fail(400, 'InvalidParameter', `The parameter ${extra} is not recognized.`);
  const uid = req.params.uid ?? '';
  const items = clusters.flatMap((c) =>
    (c.users ?? [])
      .filter((u) => u.uid === uid)
      .flatMap((u) =>
        (u.permissions ?? []).map((p) => ({
          resource_id: c.cluster_id,
          is_owner: 0,
          is_ram_role: u.account_type === 'RamRole' ? 1 : 0,
          ...p,
        })),
      ),
  );
  return { status: 200, body: items };
}

function userStates(
  req: AlibabaRequest,
  store: Store,
  clusters: AckCluster[],
  fail: ErrorFor,
): CloudResponse {
  const extra = unknownParam(req.query, ['page_number', 'page_size']);
  if (extra !== undefined) return fail(400, 'InvalidParameter', `The parameter ${extra} is not recognized.`);
  const paging = readPage(req.query, 'page_number', 'page_size', 100, 50, fail);
  if ('status' in paging) return paging;
  const uid = req.params.Uid ?? '';
  const states = clusters.flatMap((c) =>
    (c.users ?? [])
      .filter((u) => u.uid === uid)
      .map((u) => ({
        cluster_id: c.cluster_id,
        cluster_name: c.name,
        cluster_state: c.cluster_state ?? 'running',
        cert_state: u.cert_state ?? 'Unexpired',
        ...(u.cert_expire_time !== undefined ? { cert_expire_time: u.cert_expire_time } : {}),
      })),
  );
  return pageOf(store, 'ListUserKubeConfigStates', states, paging);
}

function clusterStates(
  req: AlibabaRequest,
  store: Store,
  clusters: AckCluster[],
  fail: ErrorFor,
): CloudResponse {
  const extra = unknownParam(req.query, ['pageNumber', 'pageSize', 'cloudServiceKubeConfig']);
  if (extra !== undefined) return fail(400, 'InvalidParameter', `The parameter ${extra} is not recognized.`);
  const cloudService = req.query.get('cloudServiceKubeConfig');
  if (cloudService !== null && cloudService !== 'true' && cloudService !== 'false') {
    return fail(400, 'InvalidParameter', 'The parameter cloudServiceKubeConfig must be true or false.');
  }
  const paging = readPage(req.query, 'pageNumber', 'pageSize', 50, 10, fail);
  if ('status' in paging) return paging;
  const cluster = clusters.find((c) => c.cluster_id === req.params.ClusterId);
  if (cluster === undefined) return clusterNotFound(fail);
  const states = (cluster.users ?? []).map((u) => clusterState(req, u));
  return pageOf(store, 'ListClusterKubeconfigStates', states, paging);
}

// DescribeClustersV1: every cluster of the account, filtered by the query's exact values, paged
// (page_size 1..100, default 10); each with its seed fields but users, and `state` (default running).
function describeClusters(
  req: AlibabaRequest,
  store: Store,
  clusters: AckCluster[],
  fail: ErrorFor,
): CloudResponse {
  const extra = unknownParam(req.query, [...CLUSTER_FILTERS, 'page_number', 'page_size']);
  if (extra !== undefined) return fail(400, 'InvalidParameter', `The parameter ${extra} is not recognized.`);
  const paging = readPage(req.query, 'page_number', 'page_size', 100, 10, fail);
  if ('status' in paging) return paging;
  const items = clusters
    .map(({ users: _users, ...cluster }) => ({ state: cluster.cluster_state ?? 'running', ...cluster }))
    .filter((cluster: Record<string, unknown>) =>
      CLUSTER_FILTERS.every((name) => !req.query.has(name) || cluster[name] === req.query.get(name)),
    );
  const page = store.pager.page('DescribeClustersV1', items, (paging.number - 1) * paging.size, paging.size);
  return {
    status: 200,
    body: {
      clusters: page.items,
      page_info: { page_number: paging.number, page_size: paging.size, total_count: page.total },
    },
  };
}

/** CLUSTER_FILTERS are the query parameters of DescribeClustersV1 that filter by the cluster field of the same name. */
const CLUSTER_FILTERS = ['cluster_id', 'name', 'cluster_type', 'cluster_spec', 'profile', 'region_id'];

function clusterState(req: AlibabaRequest, u: AckUser): Record<string, unknown> {
  const root = u.account_type === 'RootAccount' || u.uid === req.caller.accountId;
  const given = Object.fromEntries(Object.entries(u).filter(([k]) => CLUSTER_STATE_FIELDS.includes(k)));
  return {
    account_id: u.uid,
    account_name: u.uid,
    account_type: root ? 'RootAccount' : 'RamUser',
    account_state: 'Active',
    cert_state: 'Unexpired',
    revokable: !root && u.uid !== req.caller.uid,
    ...given,
  };
}

interface Paging {
  number: number;
  size: number;
}

function readPage(
  query: URLSearchParams,
  numberName: string,
  sizeName: string,
  maxSize: number,
  defaultSize: number,
  fail: ErrorFor,
): Paging | CloudResponse {
  const number = query.has(numberName) ? parseWhole(query.get(numberName) ?? '', 1, 1_000_000) : 1;
  if (number === undefined) return fail(400, 'InvalidParameter', `The parameter ${numberName} is not valid.`);
  const size = query.has(sizeName) ? parseWhole(query.get(sizeName) ?? '', 1, maxSize) : defaultSize;
  if (size === undefined) {
    return fail(400, 'InvalidParameter', `The parameter ${sizeName} must be from 1 to ${maxSize}.`);
  }
  return { number, size };
}

function pageOf(store: Store, op: AckOperation, states: unknown[], paging: Paging): CloudResponse {
  const page = store.pager.page(op, states, (paging.number - 1) * paging.size, paging.size);
  return {
    status: 200,
    body: {
      states: page.items,
      page: { page_number: paging.number, page_size: paging.size, total_count: page.total },
    },
  };
}

function clusterNotFound(fail: ErrorFor): CloudResponse {
  return fail(404, 'ErrorClusterNotFound', 'The specified cluster does not exist.');
}
