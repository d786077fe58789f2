// Routing: which cloud a request speaks to, and which operation it calls. Huawei
// Cloud is routed by method and path; Alibaba ESA (RPC) by x-acs-action at `/` and
// ACK (ROA) by method and path, each checked against its x-acs-version.

import { ACK_VERSION } from './alibabacloud/ack.js';
import { ESA_VERSION } from './alibabacloud/esa.js';
import type { Cloud, CloudResponse, Operation } from './cloud.js';

/** Service is a service of the emulator. */
export type Service = 'cce' | 'ccm' | 'kms' | 'esa' | 'ack';

/** Route is a matched operation and its decoded path parameters. */
export interface Route {
  cloud: Cloud;
  service: Service;
  op: Operation;
  params: Record<string, string>;
}

/** Miss is a request that matches no operation: the cloud's own 4xx, without request id yet. */
export interface Miss {
  cloud: Cloud;
  status: number;
  code: string;
  message: string;
}

interface PathRoute {
  method: string;
  pattern: RegExp;
  names: readonly string[];
  service: Service;
  op: Operation;
}

const SEGMENT = '([^/]+)';

function path(method: string, template: string, service: Service, op: Operation): PathRoute {
  const names: string[] = [];
  const source = template.replace(/\{([A-Za-z_]+)\}/g, (_, name: string) => {
    names.push(name);
    return SEGMENT;
  });
  return { method, pattern: new RegExp(`^${source.replaceAll('.', '\\.')}/?$`), names, service, op };
}

const HUAWEI: readonly PathRoute[] = [
  path(
    'POST',
    '/api/v3/projects/{project_id}/clusters/{cluster_id}/clustercertrevoke',
    'cce',
    'RevokeKubernetesClusterCert',
  ),
  path('GET', '/api/v3/projects/{project_id}/clusters/{cluster_id}', 'cce', 'ShowCluster'),
  path('POST', '/v1/private-certificate-authorities/{ca_id}/revoke', 'ccm', 'RevokeCertificateAuthority'),
  path('GET', '/v1/private-certificate-authorities/{ca_id}', 'ccm', 'ShowCertificateAuthority'),
  path('GET', '/v1/private-certificate-authorities', 'ccm', 'ListCertificateAuthority'),
  path('POST', '/v1.0/{project_id}/kms/revoke-grant', 'kms', 'CancelGrant'),
  path('POST', '/v1.0/{project_id}/kms/list-grants', 'kms', 'ListGrants'),
  path('POST', '/v1.0/{project_id}/kms/list-retirable-grants', 'kms', 'ListRetirableGrants'),
];

const ACK: readonly PathRoute[] = [
  path('DELETE', '/cluster/{ClusterId}/user/{Uid}/permissions', 'ack', 'CleanClusterUserPermissions'),
  path('GET', '/permissions/users/{uid}', 'ack', 'DescribeUserPermission'),
  path('GET', '/users/{Uid}/kubeconfig/states', 'ack', 'ListUserKubeConfigStates'),
  path('GET', '/clusters/{ClusterId}/kubeconfig/states', 'ack', 'ListClusterKubeconfigStates'),
];

const ESA_ACTIONS: readonly Operation[] = [
  'RevokeClientCertificate',
  'GetClientCertificate',
  'ListClientCertificates',
];

/** cloudOf tells which cloud a request speaks to: Alibaba when it carries x-acs-* headers or an ACS3 signature. */
export function cloudOf(headers: Readonly<Record<string, string>>): Cloud {
  if (headers['x-acs-action'] !== undefined || headers['x-acs-version'] !== undefined) return 'alibabacloud';
  return (headers.authorization ?? '').startsWith('ACS3-') ? 'alibabacloud' : 'huaweicloud';
}

/** matchRoute finds the operation of a request, or the cloud's answer for a request that has none. */
export function matchRoute(
  cloud: Cloud,
  method: string,
  rawPath: string,
  headers: Readonly<Record<string, string>>,
): { route: Route } | { miss: Miss } {
  if (cloud === 'huaweicloud') {
    const found = matchPath(HUAWEI, method, rawPath);
    if (found !== undefined && 'route' in found) return { route: { cloud, ...found.route } };
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
  const version = headers['x-acs-version'];
  if (rawPath === '/' || rawPath === '') {
    const action = headers['x-acs-action'] as Operation | undefined;
    if (action === undefined || !ESA_ACTIONS.includes(action) || (method !== 'GET' && method !== 'POST')) {
      return { miss: notFound };
    }
    if (version !== ESA_VERSION) return { miss: invalidVersion(cloud, version) };
    return { route: { cloud, service: 'esa', op: action, params: {} } };
  }
  const found = matchPath(ACK, method, rawPath);
  if (found === undefined || !('route' in found)) return { miss: notFound };
  if (version !== ACK_VERSION) return { miss: invalidVersion(cloud, version) };
  return { route: { cloud, ...found.route } };
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
  routes: readonly PathRoute[],
  method: string,
  rawPath: string,
): { route: Omit<Route, 'cloud'> } | { wrongMethod: true } | undefined {
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
    return { route: { service: r.service, op: r.op, params } };
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
