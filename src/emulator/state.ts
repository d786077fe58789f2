// The emulator's state (kind EmulatorState), typed after schemas/emulator-state.schema.json:
// a seed file and the live state have the same shape. Resources keep the clouds' own field
// names, so reads can return them verbatim. Loading and saving are in seed.ts.

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
