// What an account authenticates with, per cloud, and the signer each kind of
// credentials gets. Where the values come from (the environment) is the config's business.

import { alibabaSigner } from './alibabacloud/sign.js';
import { huaweiSigner, huaweiTokenSigner } from './huaweicloud/sign.js';
import type { RequestSigner } from './wire.js';

/** HuaweiAkSk is a Huawei access key pair, temporary when it has a security token. */
export interface HuaweiAkSk {
  cloud: 'huaweicloud';
  kind: 'aksk';
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

/** HuaweiToken is an IAM token sent as X-Auth-Token. */
export interface HuaweiToken {
  cloud: 'huaweicloud';
  kind: 'token';
  token: string;
}

/** AlibabaAccessKey is an Alibaba AccessKey pair, temporary (STS) when it has a security token. */
export interface AlibabaAccessKey {
  cloud: 'alibabacloud';
  kind: 'access-key';
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** Credentials is what an account signs or authenticates its requests with. */
export type Credentials = HuaweiAkSk | HuaweiToken | AlibabaAccessKey;

/** secretValues lists the secret strings of credentials, for redaction. */
export function secretValues(c: Credentials): string[] {
  switch (c.kind) {
    case 'aksk':
      return [c.secretKey, ...(c.securityToken ? [c.securityToken] : [])];
    case 'token':
      return [c.token];
    case 'access-key':
      return [c.accessKeySecret, ...(c.securityToken ? [c.securityToken] : [])];
  }
}

/** signerFor is the RequestSigner of credentials: SDK-HMAC-SHA256, X-Auth-Token or ACS3-HMAC-SHA256. */
export function signerFor(credentials: Credentials): RequestSigner {
  switch (credentials.kind) {
    case 'aksk':
      return huaweiSigner({
        accessKey: credentials.accessKey,
        secretKey: credentials.secretKey,
        ...(credentials.securityToken === undefined ? {} : { securityToken: credentials.securityToken }),
      });
    case 'token':
      return huaweiTokenSigner(credentials.token);
    case 'access-key':
      return alibabaSigner({
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        ...(credentials.securityToken === undefined ? {} : { securityToken: credentials.securityToken }),
      });
  }
}
