// An account's credentials, read from the environment: the clouds' conventional
// variables, or the ones the config names instead. Secrets are never in a file,
// never in a message: a problem names the variable, not its value.

import type { Credentials } from '../clouds/credentials.js';
import type { Cloud } from '../vocabulary.js';
import type { CredentialEnv } from './config.js';

/** DEFAULT_ENV is each cloud's conventional variables (their SDKs read the same ones). */
export const DEFAULT_ENV: Readonly<Record<Cloud, Required<Omit<CredentialEnv, 'authTokenEnv'>>>> = {
  huaweicloud: {
    accessKeyEnv: 'HUAWEICLOUD_SDK_AK',
    secretKeyEnv: 'HUAWEICLOUD_SDK_SK',
    securityTokenEnv: 'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  },
  alibabacloud: {
    accessKeyEnv: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
    secretKeyEnv: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    securityTokenEnv: 'ALIBABA_CLOUD_SECURITY_TOKEN',
  },
};

/** CredentialsResult is the credentials, or a message naming the variables that are missing. */
export type CredentialsResult = { credentials: Credentials } | { error: string };

// Credentials travel in HTTP headers: printable ASCII only (a pasted line break would break the request).
const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * readCredentials reads an account's credentials from env. A value with anything but printable ASCII in
 * it (a line break, a space, a control character) is refused, naming the variable, never the value.
 */
export function readCredentials(
  cloud: Cloud,
  names: CredentialEnv | undefined,
  env: Readonly<Record<string, string | undefined>>,
): CredentialsResult {
  const unfit: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    if (value === undefined || value === '') return undefined;
    if (!PRINTABLE.test(value)) unfit.push(name);
    return value;
  };
  const result = read(cloud, names, get);
  if ('error' in result || unfit.length === 0) return result;
  const what = unfit.length === 1 ? 'variable' : 'variables';
  return {
    error: `the environment ${what} ${unfit.join(' and ')} ${unfit.length === 1 ? 'holds' : 'hold'} a line break, a space or another character that is not printable ASCII`,
  };
}

function read(
  cloud: Cloud,
  names: CredentialEnv | undefined,
  get: (name: string) => string | undefined,
): CredentialsResult {
  if (cloud === 'huaweicloud' && names?.authTokenEnv !== undefined) {
    const token = get(names.authTokenEnv);
    return token !== undefined
      ? { credentials: { cloud, kind: 'token', token } }
      : { error: `the IAM token variable ${names.authTokenEnv} is not set` };
  }
  const defaults = DEFAULT_ENV[cloud];
  const akName = names?.accessKeyEnv ?? defaults.accessKeyEnv;
  const skName = names?.secretKeyEnv ?? defaults.secretKeyEnv;
  const tokenName = names?.securityTokenEnv ?? defaults.securityTokenEnv;
  const ak = get(akName);
  const sk = get(skName);
  const missing = [ak === undefined ? akName : undefined, sk === undefined ? skName : undefined].filter(
    (n): n is string => n !== undefined,
  );
  if (ak === undefined || sk === undefined) {
    const what = missing.length === 1 ? 'variable' : 'variables';
    return { error: `no credentials: set the environment ${what} ${missing.join(' and ')}` };
  }
  const token = get(tokenName);
  if (cloud === 'huaweicloud') {
    return {
      credentials: {
        cloud,
        kind: 'aksk',
        accessKey: ak,
        secretKey: sk,
        ...(token ? { securityToken: token } : {}),
      },
    };
  }
  return {
    credentials: {
      cloud,
      kind: 'access-key',
      accessKeyId: ak,
      accessKeySecret: sk,
      ...(token ? { securityToken: token } : {}),
    },
  };
}
