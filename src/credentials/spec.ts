// A credential source as the chain builds it: the config's `credentials` (src/config/config.ts), a
// profile's entry, or a step of the default chain, in one shape. Only profiles hold static keys here;
// a config never does (config.secret).

import type { Credentials } from '../clouds/credentials.js';
import type { CredentialEnv, CredentialSource, OidcToken } from '../config/config.js';
import type { AssumeRoleSettings } from './alibaba-sts.js';
import type { AgencySettings } from './huawei-iam.js';

/** Spec is one source to build; base is the folder relative token files are read from. */
export type Spec =
  | {
      readonly source: 'static';
      readonly credentials: Credentials;
      readonly describe: string;
      readonly scope?: { readonly projectId?: string; readonly domainId?: string };
    }
  | { readonly source: 'environment'; readonly names?: CredentialEnv; readonly explicit: boolean }
  | { readonly source: 'profile'; readonly name?: string; readonly file?: string; readonly explicit: boolean }
  | {
      readonly source: 'metadata';
      readonly url?: string;
      readonly roleName?: string;
      readonly probe?: boolean;
    }
  | { readonly source: 'assume-role'; readonly settings: AssumeRoleSettings; readonly base?: Spec }
  | { readonly source: 'agency'; readonly settings: AgencySettings; readonly base?: Spec }
  | {
      readonly source: 'oidc-alibaba';
      readonly roleArn: string;
      readonly oidcProviderArn: string;
      readonly roleSessionName?: string;
      readonly durationSeconds?: number;
      readonly policy?: string;
      readonly token: OidcToken;
      readonly base: string;
    }
  | {
      readonly source: 'oidc-huawei';
      readonly idpId: string;
      readonly durationSeconds?: number;
      readonly token: OidcToken;
      readonly base: string;
    }
  | { readonly source: 'default' };

/** specOf is the Spec of a config's credentials (undefined: the default chain); configDir resolves files. */
export function specOf(
  config: CredentialSource | undefined,
  configDir: string,
  cloud: 'huaweicloud' | 'alibabacloud',
): Spec {
  if (config === undefined) return { source: 'default' };
  switch (config.source) {
    case undefined:
    case 'environment': {
      const { source: _, ...names } = config;
      return { source: 'environment', names, explicit: true };
    }
    case 'profile':
      return {
        source: 'profile',
        ...(config.name === undefined ? {} : { name: config.name }),
        ...(config.file === undefined ? {} : { file: config.file }),
        explicit: true,
      };
    case 'metadata':
      return {
        source: 'metadata',
        ...(config.url === undefined ? {} : { url: config.url }),
        ...(config.roleName === undefined ? {} : { roleName: config.roleName }),
      };
    case 'assume-role': {
      const { source: _, base, ...settings } = config;
      return {
        source: 'assume-role',
        settings,
        ...(base === undefined ? {} : { base: specOf(base, configDir, cloud) }),
      };
    }
    case 'agency': {
      const { source: _, base, ...settings } = config;
      return {
        source: 'agency',
        settings,
        ...(base === undefined ? {} : { base: specOf(base, configDir, cloud) }),
      };
    }
    case 'oidc':
      // Huawei's by its idpId, or by the account's cloud when the config leaves the IDs to variables.
      if (
        config.idpId !== undefined ||
        (cloud === 'huaweicloud' && config.roleArn === undefined && config.oidcProviderArn === undefined)
      ) {
        return {
          source: 'oidc-huawei',
          idpId: config.idpId ?? '',
          ...(config.durationSeconds === undefined ? {} : { durationSeconds: config.durationSeconds }),
          token: config.token,
          base: configDir,
        };
      }
      return {
        source: 'oidc-alibaba',
        roleArn: config.roleArn ?? '',
        oidcProviderArn: config.oidcProviderArn ?? '',
        ...(config.roleSessionName === undefined ? {} : { roleSessionName: config.roleSessionName }),
        ...(config.durationSeconds === undefined ? {} : { durationSeconds: config.durationSeconds }),
        ...(config.policy === undefined ? {} : { policy: config.policy }),
        token: config.token,
        base: configDir,
      };
    default:
      throw new Error(
        `specOf: unknown credential source ${JSON.stringify((config as { source: unknown }).source)}`,
      );
  }
}
