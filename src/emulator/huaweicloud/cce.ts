// Huawei Cloud CCE in the emulator: RevokeKubernetesClusterCert (marks the holder's
// certificate revoked; 200, no body), ShowCluster and ListClusters (not paged: the API
// answers every cluster of the project). CCE's own error shape.
// Error codes other than CCE.01400001 are the emulator's choice (docs/emulator.md).

import { validateDefinition } from '../../schema/schemas.js';
import {
  type CloudResponse,
  type HuaweiRequest,
  parseJsonObject,
  repeatedParam,
  type Store,
  unknownKey,
  unknownParam,
} from '../cloud.js';
import type { HuaweiService, PathRoute } from '../service.js';
import type { CceCertificate, CceCluster, Extra } from '../state.js';
import { cceError } from './errors.js';

/** CCE_OPERATIONS are the CCE operations of the emulator. */
export const CCE_OPERATIONS = ['RevokeKubernetesClusterCert', 'ShowCluster', 'ListClusters'] as const;
/** CceOperation is a CCE operation. */
export type CceOperation = (typeof CCE_OPERATIONS)[number];

const CCE_PATHS: readonly PathRoute<CceOperation>[] = [
  {
    method: 'POST',
    path: '/api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke',
    op: 'RevokeKubernetesClusterCert',
  },
  { method: 'GET', path: '/api/v3/projects/{project_id}/clusters/{cluster_id}', op: 'ShowCluster' },
  { method: 'GET', path: '/api/v3/projects/{project_id}/clusters', op: 'ListClusters' },
];

/** cceService is CCE in the emulator's registry (services.ts). */
export const cceService: HuaweiService<'cce', CceOperation> = {
  service: 'cce',
  cloud: 'huaweicloud',
  routing: { style: 'path', paths: CCE_PATHS },
  operations: CCE_OPERATIONS,
  handle: handleCce,
  internalError: () => cceError(500, 'CCE.01500001', 'Internal server error.'),
};

const INVALID = 'CCE.01400001';

/** MAX_HOLDERS bounds the certificate holders the emulator records per cluster, so that its state stays bounded. */
export const MAX_HOLDERS = 10_000;
const NOT_FOUND = 'CCE.01404001';
/** PHASES are the cluster statuses ListClusters filters by (ListClustersRequestStatusEnum of the SDK). */
const PHASES = [
  'Available',
  'Unavailable',
  'ScalingUp',
  'ScalingDown',
  'Creating',
  'Deleting',
  'Upgrading',
  'Resizing',
  'RollingBack',
  'RollbackFailed',
  'Hibernating',
  'Hibernation',
  'Awaking',
  'Empty',
];

/** handleCce answers the CCE operations. */
export function handleCce(req: HuaweiRequest<CceOperation>, store: Store): CloudResponse {
  const projectId = req.params.project_id ?? '';
  const scope = req.headers['x-project-id'];
  if (scope !== undefined && scope !== projectId) {
    return cceError(400, INVALID, `Invalid request: X-Project-Id ${scope} is not the project of the URL.`);
  }
  const clusters = (store.state.huaweicloud?.cce?.clusters ?? []).filter((c) => c.project_id === projectId);
  if (req.op === 'ListClusters') return listClusters(req, clusters);
  const cluster = clusters.find((c) => c.cluster_id === req.params.cluster_id);
  if (req.op === 'ShowCluster') return showCluster(req, cluster);
  return revoke(req, store, cluster);
}

function showCluster(req: HuaweiRequest, cluster: CceCluster | undefined): CloudResponse {
  const extra = unknownParam(req.query, ['detail']);
  if (extra !== undefined)
    return cceError(400, INVALID, `Invalid request: unknown query parameter ${extra}.`);
  if (cluster === undefined) return notFound(req);
  return { status: 200, body: clusterBody(cluster) };
}

// ListClusters: every cluster of the project (the API does not page), filtered by status (the
// phase), type and version (spec.type and spec.version, exactly), each as ShowCluster answers it.
function listClusters(req: HuaweiRequest, clusters: readonly CceCluster[]): CloudResponse {
  const q = req.query;
  const extra = unknownParam(q, ['detail', 'status', 'type', 'version']);
  if (extra !== undefined)
    return cceError(400, INVALID, `Invalid request: unknown query parameter ${extra}.`);
  const repeated = repeatedParam(q);
  if (repeated !== undefined)
    return cceError(400, INVALID, `Invalid request: query parameter ${repeated} is given twice.`);
  const status = q.get('status');
  if (status !== null && !PHASES.includes(status)) {
    return cceError(400, INVALID, `Invalid request: status must be one of ${PHASES.join(', ')}.`);
  }
  const type = q.get('type');
  if (type !== null && type !== 'VirtualMachine' && type !== 'ARM64') {
    return cceError(400, INVALID, 'Invalid request: type must be VirtualMachine or ARM64.');
  }
  const version = q.get('version');
  const items = clusters
    .map(clusterBody)
    .filter(
      (c) =>
        (status === null || c.status.phase === status) &&
        (type === null || c.spec.type === type) &&
        (version === null || c.spec.version === version),
    );
  return { status: 200, body: { kind: 'Cluster', apiVersion: 'v3', items } };
}

// A cluster as ShowCluster answers it: metadata, spec and status of the seed, with the cluster's ID
// and name in metadata and the phase Available when the seed gives none; the other seed fields but
// project_id and certificates (the emulator's) at the top.
function clusterBody(cluster: CceCluster): { spec: Extra; status: Extra } & Extra {
  const { project_id: _p, cluster_id, name, metadata, spec, status, certificates: _c, ...rest } = cluster;
  return {
    kind: 'Cluster',
    apiVersion: 'v3',
    ...rest,
    metadata: { uid: cluster_id, name, ...metadata },
    spec: { ...spec },
    status: { phase: 'Available', ...status },
  };
}

function revoke(req: HuaweiRequest, store: Store, cluster: CceCluster | undefined): CloudResponse {
  const parsed = parseJsonObject(req.body);
  if ('error' in parsed) return cceError(400, INVALID, `Invalid request: ${parsed.error}.`);
  const body = parsed.value;
  if (body === undefined) return cceError(400, INVALID, 'Invalid request: the request body is missing.');
  const extra = unknownKey(body, ['userId', 'agencyId']);
  if (extra !== undefined) return cceError(400, INVALID, `Invalid request: unknown field ${extra}.`);
  for (const field of ['userId', 'agencyId'] as const) {
    const v = body[field];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0 || v.length > 64)) {
      return cceError(400, INVALID, `Invalid request: ${field} must be a string of 1 to 64 characters.`);
    }
  }
  const userId = body.userId as string | undefined;
  const agencyId = body.agencyId as string | undefined;
  if ((userId === undefined) === (agencyId === undefined)) {
    return cceError(400, INVALID, 'Invalid request: set exactly one of userId and agencyId.');
  }
  if (cluster === undefined) return notFound(req);
  cluster.certificates ??= [];
  const certificates = cluster.certificates;
  const holder = certificates.find((c) =>
    userId !== undefined ? c.userId === userId : c.agencyId === agencyId,
  );
  // A holder the seed does not list is recorded as revoked: CCE revokes by ID, known or not. What is
  // recorded must be what a seed may hold, so that the persisted state loads again.
  if (holder === undefined) {
    const added: CceCertificate =
      userId !== undefined ? { userId, revoked: true } : { agencyId: agencyId ?? '', revoked: true };
    if (validateDefinition('EmulatorState', 'cceCertificate', added).length > 0) {
      const field = userId !== undefined ? 'userId' : 'agencyId';
      return cceError(400, INVALID, `Invalid request: ${field} must be 1 to 64 letters or digits.`);
    }
    if (certificates.length >= MAX_HOLDERS) {
      return cceError(
        400,
        INVALID,
        `Invalid request: the emulator records at most ${MAX_HOLDERS} holders per cluster.`,
      );
    }
    certificates.push(added);
    store.changed();
  } else if (holder.revoked !== true) {
    holder.revoked = true;
    store.changed();
  }
  return { status: 200 };
}

function notFound(req: HuaweiRequest): CloudResponse {
  return cceError(
    404,
    NOT_FOUND,
    `Resource not found: cluster ${req.params.cluster_id ?? ''} does not exist.`,
  );
}
