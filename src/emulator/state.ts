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
  /** userName is the name tokens show; default: the userId. */
  userName?: string;
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
  /** issuer_id is the CA that issued this one (a subordinate's parent). */
  issuer_id?: string;
  /** domain_id is the account that owns the CA: only its callers see it. Default: every account. */
  domain_id?: string;
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
  /** key_state is ListKeys's: "1" to "5", default "2" (enabled). */
  key_state?: '1' | '2' | '3' | '4' | '5';
  /** key_spec is the key's algorithm, default AES_256 (all ListKeys lists unless asked otherwise). */
  key_spec?: string;
  key_alias?: string;
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
  /** Status is the site's (pending, active, offline, moved), default active. */
  Status?: 'pending' | 'active' | 'offline' | 'moved';
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

/** Jwks is a JSON Web Key Set: the public keys an OIDC issuer signs its tokens with. */
export interface Jwks {
  keys: Extra[];
}

/** OidcSettings configure the emulator's own OIDC issuer and its fake GitHub Actions token endpoint. */
export interface OidcSettings {
  /** issuer is the `iss` of the tokens the emulator mints; default: the emulator's own URL. */
  issuer?: string;
  /** githubActions configures GET /_emulator/github/token, the ACTIONS_ID_TOKEN_REQUEST_URL of tests. */
  githubActions?: {
    /** requestToken is the ACTIONS_ID_TOKEN_REQUEST_TOKEN the endpoint expects as `Authorization: bearer`. */
    requestToken: string;
    /** subject is the `sub` of the tokens; default `repo:rescind-dev/rescind:ref:refs/heads/main`. */
    subject?: string;
    /** claims are more claims of the tokens (repository, ref, ...). */
    claims?: Extra;
  };
}

/** AlibabaRamRole is a RAM role with the fields of RAM GetRole: who may assume it, and for how long. */
export interface AlibabaRamRole extends Extra {
  RoleName: string;
  RoleId: string;
  /** Arn is `acs:ram::ACCOUNT:role/NAME` (RAM writes the name in lower case); its account owns the role. */
  Arn: string;
  /** MaxSessionDuration is the longest DurationSeconds AssumeRole accepts: 3600 to 43200, default 3600. */
  MaxSessionDuration?: number;
  /** AssumeRolePolicyDocument is the trust policy, a JSON string; default: the role's own account. */
  AssumeRolePolicyDocument?: string;
}

/** AlibabaOidcProvider is an OIDC identity provider of RAM with the fields of GetOIDCProvider. */
export interface AlibabaOidcProvider extends Extra {
  OIDCProviderName: string;
  /** Arn is `acs:ram::ACCOUNT:oidc-provider/NAME`. */
  Arn: string;
  /** IssuerUrl must equal a token's `iss`. */
  IssuerUrl: string;
  /** ClientIds are the accepted audiences, comma-separated, as RAM answers them. */
  ClientIds: string;
  /** jwks (the emulator's) holds the issuer's keys when the issuer is not the emulator's own. */
  jwks?: Jwks;
}

/** AlibabaEcsInstance is the ECS instance whose metadata service the emulator serves. */
export interface AlibabaEcsInstance extends Extra {
  InstanceId?: string;
  /** RamRoleName is the instance RAM role: a role of alibabacloud.ram.roles. */
  RamRoleName?: string;
  /** MetadataOptions.HttpTokens `required` is security hardening mode: every read needs a metadata token. */
  MetadataOptions?: { HttpTokens?: 'optional' | 'required' };
}

/** HuaweiDomain is an account (domain): its ID and name, as KeystoneListAuthDomains answers them. */
export interface HuaweiDomain extends Extra {
  id: string;
  name: string;
}

/** HuaweiProject is a project with the fields of KeystoneListProjects; its name is a region (or sub-project). */
export interface HuaweiProject extends Extra {
  id: string;
  name: string;
  domain_id: string;
}

/** HuaweiAgency is an IAM agency with the fields of ShowAgency: which account may assume it. */
export interface HuaweiAgency extends Extra {
  id: string;
  name: string;
  /** domain_id is the delegating account, which owns the agency. */
  domain_id: string;
  /** trust_domain_id is the delegated account, whose users may assume the agency. */
  trust_domain_id?: string;
  trust_domain_name?: string;
}

/** HuaweiMappingRule is a rule of an identity provider's mapping: local user and groups, remote conditions. */
export interface HuaweiMappingRule {
  local: { user?: { name: string }; group?: { name: string } }[];
  remote: { type: string; any_one_of?: string[]; not_any_of?: string[] }[];
}

/** HuaweiIdentityProvider is an IAM identity provider with its OpenID Connect configuration and mapping. */
export interface HuaweiIdentityProvider extends Extra {
  id: string;
  /** domain_id is the account the federated users belong to. */
  domain_id: string;
  enabled?: boolean;
  openid_connect_config: {
    /** idp_url must equal a token's `iss`. */
    idp_url: string;
    /** client_id must be among a token's audiences. */
    client_id: string;
    /** signing_key is the issuer's JWKS as a JSON string, for an issuer other than the emulator's. */
    signing_key?: string;
  };
  mapping?: { rules: HuaweiMappingRule[] };
}

/** HuaweiEcsServer is the ECS whose metadata service the emulator serves. */
export interface HuaweiEcsServer extends Extra {
  id?: string;
  name?: string;
  project_id?: string;
  availability_zone?: string;
  /** metadata.agency_name is the server's agency: an agency of huaweicloud.iam.agencies. */
  metadata?: Extra & { agency_name?: string };
  /** metadataTokenRequired (the emulator's) refuses reads without X-Metadata-Token. */
  metadataTokenRequired?: boolean;
}

/** EmulatorState is a whole seed file, and the emulator's live state in the same format. */
export interface EmulatorState {
  apiVersion: 'rescind/v1';
  kind: 'EmulatorState';
  referenceTime?: string;
  /** credentialTtlSeconds is the lifetime of every temporary credential and token the emulator issues. */
  credentialTtlSeconds?: number;
  oidc?: OidcSettings;
  identities: Identity[];
  huaweicloud?: {
    cce?: { clusters?: CceCluster[] };
    ccm?: { certificate_authorities?: CcmCertificateAuthority[] };
    kms?: { keys?: KmsKey[] };
    iam?: {
      domains?: HuaweiDomain[];
      projects?: HuaweiProject[];
      agencies?: HuaweiAgency[];
      identity_providers?: HuaweiIdentityProvider[];
    };
    ecs?: { server?: HuaweiEcsServer };
  };
  alibabacloud?: {
    esa?: { sites?: EsaSite[] };
    ack?: { clusters?: AckCluster[] };
    ram?: { roles?: AlibabaRamRole[]; oidc_providers?: AlibabaOidcProvider[] };
    ecs?: { instance?: AlibabaEcsInstance };
  };
}
