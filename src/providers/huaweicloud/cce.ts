// huaweicloud.cce.cluster-certificate: the cluster certificate of an IAM user or
// agency on a Huawei Cloud CCE cluster. No API reads a holder's certificate state,
// so the type is not observable: a read only confirms that the cluster exists.

import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { isRecord, revokeWith, shared } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import { type ListDeclaration, listAll, rowsOf } from '../lists.js';
import type {
  Observation,
  ProviderRequest,
  ReadRequest,
  RevocationType,
  VerifyRequest,
  VerifyResponse,
} from '../types.js';
import { isNotFound, projectScope, send } from './common.js';

type Cce = RevocationType<CceCertificateTarget, Record<string, never>, never, CceClusterRecord>;

/** CceCertificateTarget is one holder on one cluster: exactly one of userId or agencyId (the schema says so). */
export interface CceCertificateTarget {
  projectId?: string;
  clusterId: string;
  userId?: string;
  agencyId?: string;
}

/** CceClusterRecord is ShowCluster's answer, as the cloud returns it. */
export interface CceClusterRecord {
  metadata?: { uid?: string; name?: string };
  spec?: { version?: string; platformVersion?: string };
  status?: { phase?: string };
  [field: string]: unknown;
}

function address(account: string, t: CceCertificateTarget): string {
  const holder = t.userId !== undefined ? `user/${t.userId}` : `agency/${t.agencyId ?? ''}`;
  return `${account}/cce/${t.clusterId}/${holder}`;
}

function clusterPath(req: ReadRequest<CceCertificateTarget>, projectId: string): string {
  return `/api/v3/projects/${projectId}/clusters/${encodeURIComponent(req.target.clusterId)}`;
}

/**
 * read is ShowCluster, once per cluster among the reads that share it: the state is unknown while the
 * cluster exists, absent when it does not.
 */
const read: Cce['read'] = async (req) => {
  const where = address(req.account.name, req.target);
  const scope = projectScope(req.account, req.target.projectId, where);
  if ('diagnostic' in scope) return { diagnostics: [scope.diagnostic] };
  const shown = await shared(req, `cce ${scope.projectId} ${req.target.clusterId}`, () =>
    showCluster(req, scope.projectId, scope.headers),
  );
  if ('diagnostic' in shown) return { diagnostics: [{ ...shown.diagnostic, address: where }] };
  return { observation: shown.observation, diagnostics: [] };
};

async function showCluster(
  req: ReadRequest<CceCertificateTarget>,
  projectId: string,
  headers: Record<string, string>,
): Promise<{ observation: Observation<CceClusterRecord> } | { diagnostic: Diagnostic }> {
  try {
    const result = await send(
      req.account,
      'cce',
      'ShowCluster',
      {
        method: 'GET',
        path: clusterPath(req, projectId),
        headers: Object.assign({}, headers, { 'content-type': 'application/json' }),
      },
      req.signal,
    );
    // A cluster is a JSON object; anything else (null, an HTML page from a proxy) says nothing of it.
    if (!isRecord(result.body)) {
      const message = `CCE ShowCluster of cluster ${req.target.clusterId} returned no cluster object (request id ${result.requestId ?? 'none'})`;
      return { diagnostic: problem('cloud.unexpected', message) };
    }
    return { observation: { state: 'unknown', record: result.body as CceClusterRecord } };
  } catch (e) {
    // No cluster, no certificate of it that works.
    if (isNotFound(e)) return { observation: { state: 'absent' } };
    return { diagnostic: callFailed(e) };
  }
}

/** revoke is RevokeKubernetesClusterCert; the holder's state cannot be read, a cluster gone is the only "already revoked". */
const revoke = revokeWith<CceCertificateTarget, Record<string, never>>(
  address,
  (req, where) => {
    const scope = projectScope(req.account, req.target.projectId, where);
    if ('diagnostic' in scope) return scope.diagnostic;
    const body =
      req.target.userId !== undefined ? { userId: req.target.userId } : { agencyId: req.target.agencyId };
    const path = `${clusterPath(req, scope.projectId)}/clustercertrevoke`;
    return () =>
      send(
        req.account,
        'cce',
        'RevokeKubernetesClusterCert',
        { method: 'POST', path, headers: scope.headers, body },
        req.signal,
      );
  },
  read,
);

/** clustersList declares ListClusters of a project: one answer, `items`, each cluster by metadata.uid. */
export function clustersList(
  req: ProviderRequest,
  projectId: string,
): ListDeclaration<CceClusterRecord & { metadata: { uid: string } }> {
  return {
    ask: () =>
      send(
        req.account,
        'cce',
        'ListClusters',
        {
          method: 'GET',
          path: `/api/v3/projects/${projectId}/clusters`,
          headers: { 'x-project-id': projectId, 'content-type': 'application/json' },
        },
        req.signal,
      ),
    what: `CCE ListClusters of project ${projectId}`,
    paging: { by: 'single', size: 0, noun: 'clusters' },
    envelope: (body) => {
      const rows = rowsOf(body, 'items');
      return rows === undefined ? 'returned no items list' : { rows };
    },
    isRow: (row): row is CceClusterRecord & { metadata: { uid: string } } =>
      isRecord(row) &&
      isRecord(row.metadata) &&
      typeof row.metadata.uid === 'string' &&
      row.metadata.uid !== '',
    id: (cluster) => cluster.metadata.uid,
    invalid: 'listed a cluster without a metadata.uid',
  };
}

/**
 * discover: every cluster of the account's project, for the user or agency. The cloud cannot tell which
 * clusters issued the holder a certificate, so each is a target no read can show (not observable).
 */
const discover: Required<Cce>['discover'] = async (req) => {
  const { userId, agencyId } = req.query;
  if (userId === undefined && agencyId === undefined) return { found: [], diagnostics: [] };
  const where = `${req.account.name}/cce`;
  const scope = projectScope(req.account, undefined, where);
  if ('diagnostic' in scope) return { found: [], diagnostics: [scope.diagnostic] };
  const listed = await shared(req, `cce clusters ${scope.projectId}`, () =>
    listAll(clustersList(req, scope.projectId), where),
  );
  if ('diagnostic' in listed) return { found: [], diagnostics: [listed.diagnostic] };
  const holder = userId !== undefined ? { userId } : { agencyId: agencyId as string };
  const found = ('missing' in listed ? [] : listed.rows).map((cluster) => ({
    target: { clusterId: cluster.metadata.uid, ...holder },
    observation: { state: 'unknown' as const, record: cluster },
    note: `cluster ${cluster.metadata.name ?? cluster.metadata.uid}: not observable, the cloud cannot tell whether it issued this holder a certificate`,
  }));
  return { found, diagnostics: [] };
};

/** verify cannot re-read a holder's certificate: the 200 of the revoke call is all the proof there is. */
async function verify(
  _req: VerifyRequest<CceCertificateTarget, CceClusterRecord>,
): Promise<VerifyResponse<CceClusterRecord>> {
  return { verdict: 'not-observable', diagnostics: [] };
}

/** cceClusterCertificate is the huaweicloud.cce.cluster-certificate revocation type. */
export const cceClusterCertificate = {
  type: 'huaweicloud.cce.cluster-certificate',
  cloud: 'huaweicloud',
  observable: false,
  // The read is of the cluster: absent is a cluster that does not exist.
  absent: 'missing',
  principals: (target: CceCertificateTarget) =>
    [target.userId, target.agencyId].filter((id): id is string => id !== undefined),
  // The cluster's record does not change: no read shows a holder's certificate.
  afterRevoke: (record: CceClusterRecord) => record,
  // The holders of one cluster share its ShowCluster.
  listKey: (target: CceCertificateTarget) => `${target.projectId ?? ''}/${target.clusterId}`,
  address,
  discover,
  read,
  revoke,
  verify,
} as const satisfies Cce;
