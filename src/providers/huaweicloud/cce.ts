// huaweicloud.cce.cluster-certificate: the cluster certificate of an IAM user or
// agency on a Huawei Cloud CCE cluster. No API reads a holder's certificate state,
// so the type is not observable: a read only confirms that the cluster exists.

import { isRecord, revokeAndCheck, withSignal } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import type {
  ReadRequest,
  ReadResponse,
  RevocationType,
  RevokeRequest,
  RevokeResponse,
  VerifyRequest,
  VerifyResponse,
} from '../types.js';
import { isNotFound, projectScope } from './common.js';

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

function clusterUrl(req: ReadRequest<CceCertificateTarget>, projectId: string): string {
  return `${req.account.endpoint('cce')}/api/v3/projects/${projectId}/clusters/${encodeURIComponent(req.target.clusterId)}`;
}

/** read is ShowCluster: the state is unknown while the cluster exists, absent when it does not. */
async function read(req: ReadRequest<CceCertificateTarget>): Promise<ReadResponse<CceClusterRecord>> {
  const where = address(req.account.name, req.target);
  const scope = projectScope(req.account, req.target.projectId, where);
  if ('diagnostic' in scope) return { diagnostics: [scope.diagnostic] };
  try {
    const result = await req.account.http.call({
      method: 'GET',
      url: clusterUrl(req, scope.projectId),
      headers: { ...scope.headers, 'content-type': 'application/json' },
      service: 'cce',
      operation: 'ShowCluster',
      ...withSignal(req.signal),
    });
    // A cluster is a JSON object; anything else (null, an HTML page from a proxy) says nothing of it.
    if (!isRecord(result.body)) {
      const message = `CCE ShowCluster of cluster ${req.target.clusterId} returned no cluster object (request id ${result.requestId ?? 'none'})`;
      return { diagnostics: [problem('cloud.unexpected', message, where)] };
    }
    return {
      observation: { state: 'unknown', record: result.body as CceClusterRecord },
      diagnostics: [],
    };
  } catch (e) {
    // No cluster, no certificate of it that works.
    if (isNotFound(e)) return { observation: { state: 'absent' }, diagnostics: [] };
    return { diagnostics: [callFailed(e, where)] };
  }
}

async function revoke(
  req: RevokeRequest<CceCertificateTarget, Record<string, never>>,
): Promise<RevokeResponse> {
  const where = address(req.account.name, req.target);
  const scope = projectScope(req.account, req.target.projectId, where);
  if ('diagnostic' in scope) return { outcome: 'failed', diagnostics: [scope.diagnostic] };
  const holder =
    req.target.userId !== undefined ? { userId: req.target.userId } : { agencyId: req.target.agencyId };
  const call = () =>
    req.account.http.call({
      method: 'POST',
      url: `${clusterUrl(req, scope.projectId)}/clustercertrevoke`,
      headers: scope.headers,
      body: holder,
      service: 'cce',
      operation: 'RevokeKubernetesClusterCert',
      ...withSignal(req.signal),
    });
  // The holder's state cannot be read; a cluster that is gone is the only "already revoked".
  return revokeAndCheck(where, call, () => read(req));
}

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
  address,
  read,
  revoke,
  verify,
} as const satisfies RevocationType<CceCertificateTarget, Record<string, never>, never, CceClusterRecord>;
