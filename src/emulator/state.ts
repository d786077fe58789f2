// The emulator's state (kind EmulatorState): its types, the seed rules beyond the
// schema, loading a seed file with located diagnostics, and saving it atomically.
// Resources keep the clouds' own field names, so reads can return them verbatim.

import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { Finding } from '../diagnostics/finding.js';
import { loadYaml } from '../document/load.js';
import { decodeText, MAX_FILE_BYTES, tooLarge } from '../document/text.js';
import { translateErrors } from '../schema/errors.js';
import { validateData } from '../schema/schemas.js';
import { checkDocument } from '../validate/check-document.js';
import { checkEmulatorState } from './seed-rules.js';

/** Extra is what a resource may carry besides the fields the emulator reads: more of the cloud's fields. */
export type Extra = { [field: string]: unknown };

/** HuaweiIdentity is a Huawei Cloud caller: an AK/SK pair, an IAM token, or both. */
export interface HuaweiIdentity {
  cloud: 'huaweicloud';
  description?: string;
  accessKey?: string;
  secretKey?: string;
  token?: string;
  userId: string;
  domainId?: string;
}

/** AlibabaIdentity is an Alibaba Cloud caller: a RAM user's AccessKey pair. */
export interface AlibabaIdentity {
  cloud: 'alibabacloud';
  description?: string;
  accessKeyId: string;
  accessKeySecret: string;
  uid: string;
  accountId: string;
}

/** Identity is anyone who may call the emulator. */
export type Identity = HuaweiIdentity | AlibabaIdentity;

/** CceCertificate is a holder of a cluster certificate: a user or an agency. */
export interface CceCertificate {
  userId?: string;
  agencyId?: string;
  revoked?: boolean;
}

/** CceCluster is a CCE cluster; metadata, spec and status are merged into ShowCluster. */
export interface CceCluster extends Extra {
  project_id: string;
  cluster_id: string;
  name: string;
  metadata?: Extra;
  spec?: Extra;
  status?: Extra;
  certificates?: CceCertificate[];
}

/** CcmStatus is a CA status: the documented ones and REVOKED, the emulator's choice for a revoked CA. */
export type CcmStatus = 'PENDING' | 'ACTIVED' | 'DISABLED' | 'DELETED' | 'EXPIRED' | 'REVOKED';

/** CcmCertificateAuthority is a private CA with the fields of ShowCertificateAuthority. */
export interface CcmCertificateAuthority extends Extra {
  ca_id: string;
  type: 'ROOT' | 'SUBORDINATE';
  status: CcmStatus;
  freeze_flag?: number;
  create_time?: number;
  not_after?: number;
  distinguished_name?: Extra & { common_name?: string };
}

/** KmsGrant is a grant with the fields of a ListGrants item. */
export interface KmsGrant extends Extra {
  grant_id: string;
  key_id?: string;
  grantee_principal: string;
  grantee_principal_type?: 'user' | 'domain';
  operations?: string[];
  name?: string;
  creation_date?: string;
  issuing_principal?: string;
  retiring_principal?: string;
}

/** KmsKey is a KMS key of one project, its creator and its grants. */
export interface KmsKey extends Extra {
  project_id: string;
  key_id: string;
  creator: string;
  grants?: KmsGrant[];
}

/** EsaClientCertificate is a client certificate with the fields of GetClientCertificate's Result. */
export interface EsaClientCertificate extends Extra {
  Id: string;
  Status: string;
  CommonName?: string;
  Name?: string;
  Certificate?: string;
}

/** EsaSite is an ESA site and its client certificates. */
export interface EsaSite extends Extra {
  SiteId: number;
  SiteName: string;
  client_certificates?: EsaClientCertificate[];
}

/** AckPermission is a DescribeUserPermission item for one cluster. */
export interface AckPermission extends Extra {
  resource_id?: string;
  resource_type?: string;
  role_name?: string;
  role_type?: string;
  is_owner?: number;
  is_ram_role?: number;
}

/** AckUser is a RAM user or role with permissions or a kubeconfig on a cluster. */
export interface AckUser extends Extra {
  uid: string;
  permissions?: AckPermission[];
  cert_state?: 'Expired' | 'Unexpired' | 'Unissued' | 'Unknown' | 'Removed';
  cert_expire_time?: string;
  last_access?: string;
  account_type?: 'RootAccount' | 'RamUser' | 'RamRole';
  account_state?: 'Active' | 'InActive' | 'Deleted';
}

/** AckCluster is an ACK cluster and its users. */
export interface AckCluster extends Extra {
  cluster_id: string;
  name: string;
  cluster_state?: string;
  users?: AckUser[];
}

/** EmulatorState is a whole seed file, and the emulator's live state in the same format. */
export interface EmulatorState {
  apiVersion: 'rescind/v1';
  kind: 'EmulatorState';
  referenceTime?: string;
  identities: Identity[];
  huaweicloud?: {
    cce?: { clusters?: CceCluster[] };
    ccm?: { certificate_authorities?: CcmCertificateAuthority[] };
    kms?: { keys?: KmsKey[] };
  };
  alibabacloud?: {
    esa?: { sites?: EsaSite[] };
    ack?: { clusters?: AckCluster[] };
  };
}

/** demoSeedPath is the demo seed that `rescind emulator` serves without --state. */
export const demoSeedPath = fileURLToPath(
  new URL('../../plans/examples/emulator-seed.yaml', import.meta.url),
);

/** EmulatorStateError is a seed that cannot be served; diagnostics say why and where. */
export class EmulatorStateError extends Error {
  override readonly name = 'EmulatorStateError';
  readonly code = 'RESCIND_EMULATOR_STATE';
  readonly diagnostics: readonly Diagnostic[];

  constructor(message: string, diagnostics: readonly Diagnostic[], options?: { cause?: unknown }) {
    super(message, options);
    this.diagnostics = diagnostics;
  }
}

/** SeedResult is a seed's state, when it is valid, and its diagnostics. */
export interface SeedResult {
  state?: EmulatorState;
  diagnostics: Diagnostic[];
}

/** readSeedFile reads, parses and checks a seed file (YAML or JSON); diagnostics are located in file. */
export function readSeedFile(file: string): SeedResult {
  let bytes: Uint8Array;
  try {
    const size = statSync(file).size;
    if (size > MAX_FILE_BYTES) return { diagnostics: [tooLarge(file, size)] };
    bytes = readFileSync(file);
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? String(e.code) : 'unknown error';
    const code = reason === 'ENOENT' ? 'file.not-found' : 'file.unreadable';
    const message = reason === 'ENOENT' ? `${file} does not exist` : `cannot read ${file} (${reason})`;
    return { diagnostics: [{ severity: 'error', code, file, message }] };
  }
  const decoded = decodeText(file, bytes);
  if (decoded.text === undefined) return { diagnostics: decoded.diagnostics };
  const loaded = loadYaml(file, decoded.text);
  if (loaded.source === undefined) return { diagnostics: sortDiagnostics(loaded.diagnostics) };
  const checked = checkDocument(loaded.source, {}, 'EmulatorState');
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...checked.diagnostics]);
  if (!checked.valid || hasErrors(diagnostics)) return { diagnostics };
  return { state: loaded.source.data as EmulatorState, diagnostics };
}

/** checkSeedData checks a seed given as data (not a file); diagnostics carry JSON paths, no ranges. */
export function checkSeedData(data: unknown): SeedResult {
  const isMapping = data !== null && typeof data === 'object' && !Array.isArray(data);
  if (!isMapping || (data as Record<string, unknown>).kind !== 'EmulatorState') {
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'document.kind',
          path: ['kind'],
          message: 'an emulator state is a mapping with apiVersion rescind/v1 and kind EmulatorState',
        },
      ],
    };
  }
  const errors = validateData('EmulatorState', data);
  const findings: Finding[] =
    errors.length > 0
      ? translateErrors(errors, { kind: 'EmulatorState', data })
      : checkEmulatorState(data as EmulatorState);
  const diagnostics: Diagnostic[] = findings.map((f) => ({
    severity: f.severity,
    code: f.code,
    message: f.message,
    path: f.path,
  }));
  return hasErrors(diagnostics) ? { diagnostics } : { state: data as EmulatorState, diagnostics };
}

/** loadSeed turns the state option of startEmulator into a state, or throws EmulatorStateError. */
export function loadSeed(seed: string | EmulatorState | undefined): EmulatorState {
  if (seed === undefined || typeof seed === 'string') {
    const file = seed ?? demoSeedPath;
    const result = readSeedFile(file);
    if (result.state === undefined) {
      throw new EmulatorStateError(`emulator state ${file} is not valid`, result.diagnostics);
    }
    return result.state;
  }
  const result = checkSeedData(structuredClone(seed));
  if (result.state === undefined)
    throw new EmulatorStateError('emulator state is not valid', result.diagnostics);
  return result.state;
}

/** loadPersisted reads the state saved by a previous run, if file exists; undefined when it does not. */
export function loadPersisted(file: string): EmulatorState | undefined {
  if (!existsSync(file)) return undefined;
  const result = readSeedFile(file);
  if (result.state === undefined) {
    throw new EmulatorStateError(`persisted emulator state ${file} is not valid`, result.diagnostics);
  }
  return result.state;
}

let saves = 0;

/** saveState writes state to file atomically: a temporary file beside it, then a rename. */
export function saveState(file: string, state: EmulatorState): void {
  const tmp = `${file}.${process.pid}.${++saves}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}
