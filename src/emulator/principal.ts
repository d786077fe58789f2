// Who calls the emulator's cloud APIs: a seed identity, or a session the emulator issued for
// a RAM role (Alibaba), an agency or a federated user (Huawei). The gateway (gate.ts) finds
// the caller; the services read it.

import type { AlibabaIdentity, HuaweiIdentity } from './state.js';

/** AssumedRole is the RAM role an STS session plays, and the session's name. */
export interface AssumedRole {
  /** roleName is the name as the role's Arn writes it (RAM lower-cases it). */
  roleName: string;
  roleId: string;
  /** roleArn is the role's Arn, `acs:ram::ACCOUNT:role/NAME`. */
  roleArn: string;
  sessionName: string;
}

/**
 * AlibabaCaller is who signs an Alibaba Cloud request: a seed identity, or an STS session of a role
 * (uid is then the RoleId, as ACK sees a role, and accountId the role's account).
 */
export interface AlibabaCaller extends AlibabaIdentity {
  assumedRole?: AssumedRole;
}

/** HuaweiUserRef is a user as tokens show it: ID, name and account. */
export interface HuaweiUserRef {
  id: string;
  name: string;
  domainId: string;
  domainName: string;
}

/**
 * HuaweiPrincipal is what a Huawei caller that is not a seed user is: an agency (assumed by a user,
 * or by ECS for its metadata service) or a federated user of an identity provider.
 */
export type HuaweiPrincipal =
  | {
      kind: 'agency';
      agencyId: string;
      agencyName: string;
      domainId: string;
      domainName: string;
      /** assumedBy is the user who assumed the agency; absent for a cloud service (ECS). */
      assumedBy?: HuaweiUserRef;
      sessionName?: string;
    }
  | {
      kind: 'federated';
      idpId: string;
      user: HuaweiUserRef;
      groups: { id: string; name: string }[];
    };

/**
 * HuaweiCaller is who calls a Huawei Cloud operation: a seed identity, or a credential the emulator
 * issued for one, an agency or a federated user (userId is then the agency's or federated user's ID).
 */
export interface HuaweiCaller extends HuaweiIdentity {
  /** temporary is set for a temporary AK/SK: ShowPermanentAccessKey does not know it. */
  temporary?: true;
  principal?: HuaweiPrincipal;
}
