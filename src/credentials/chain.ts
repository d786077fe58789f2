// From a Spec to a Source: the config's source, a profile's entry, or, when the account names none, each
// cloud's default chain in its SDKs' documented order. Alibaba (@alicloud/credentials): environment
// keys, OIDC from ALIBABA_CLOUD_ROLE_ARN / _OIDC_PROVIDER_ARN / _OIDC_TOKEN_FILE, the CLI profile, the
// ECS RAM role. Huawei (the SDK cores' default provider chain): environment keys (or
// HUAWEICLOUD_SDK_IDP_ID and _ID_TOKEN_FILE), the credentials file, the ECS metadata service. A step
// with nothing to read is skipped, with its reason kept for the message when no step has credentials;
// a step that is configured but broken (half a key pair, a profile that is not JSON) stops the chain.

import { assumeRoleSource, oidcRoleSource } from './alibaba-sts.js';
import { environmentSource, staticSource } from './environment.js';
import { agencySource, federationSource } from './huawei-iam.js';
import { alibabaMetadataSource, huaweiMetadataSource } from './metadata.js';
import { tokenSource } from './oidc-token.js';
import { alibabaProfile, huaweiProfile } from './profiles.js';
import { RefreshingCredentials } from './refreshing.js';
import type { Spec } from './spec.js';
import type { Source, SourceContext } from './types.js';

/** MAX_BASE_DEPTH bounds sources that assume with other sources' credentials (role chaining). */
const MAX_BASE_DEPTH = 4;

/** PROBE_TIMEOUT_MS bounds the default chain's read of a metadata service that may not be there. */
export const PROBE_TIMEOUT_MS = 2_000;

/**
 * Chosen is the source to use; probe says it is the default chain's last step (a metadata service that
 * may not exist), whose failure means "no credentials", with the reasons of the steps skipped.
 */
export type Chosen = { source: Source; probe: boolean; skipped: readonly string[] } | { error: string };

/** Extras are what sources need besides the context: the account's domain, for an agency. */
export interface Extras {
  readonly domainId: () => string | undefined;
}

/** choose builds the source of spec, walking the default chain for `default`. */
export function choose(spec: Spec, ctx: SourceContext, extras: Extras, depth = 0): Chosen {
  if (depth > MAX_BASE_DEPTH)
    return { error: `credentials assume through more than ${MAX_BASE_DEPTH} sources` };
  switch (spec.source) {
    case 'default':
      return defaultChain(ctx, extras, depth);
    case 'static':
      return { source: staticSource(spec.credentials, spec.describe, spec.scope), probe: false, skipped: [] };
    case 'environment': {
      const found = environmentSource(ctx, spec.names, spec.explicit);
      if ('source' in found) return { source: found.source, probe: false, skipped: [] };
      return { error: 'error' in found ? found.error : `no credentials: ${found.absent}` };
    }
    case 'profile': {
      const found =
        ctx.cloud === 'alibabacloud'
          ? alibabaProfile(ctx, spec.name, spec.file, spec.explicit)
          : huaweiProfile(ctx, spec.name, spec.file, spec.explicit);
      if ('spec' in found) return choose(found.spec, ctx, extras, depth + 1);
      return { error: 'error' in found ? found.error : found.absent };
    }
    case 'metadata': {
      const settings = {
        ...(spec.url === undefined ? {} : { url: spec.url }),
        ...(spec.roleName === undefined ? {} : { roleName: spec.roleName }),
        ...(spec.probe === true ? { timeoutMs: PROBE_TIMEOUT_MS } : {}),
      };
      const source =
        ctx.cloud === 'alibabacloud'
          ? alibabaMetadataSource(ctx, settings)
          : huaweiMetadataSource(ctx, settings);
      return { source, probe: spec.probe === true, skipped: [] };
    }
    case 'assume-role':
    case 'agency': {
      if ((spec.source === 'assume-role') !== (ctx.cloud === 'alibabacloud')) {
        return { error: `${spec.source} is not a source of ${ctx.cloud} credentials` };
      }
      const base = choose(spec.base ?? { source: 'default' }, ctx, extras, depth + 1);
      if ('error' in base) return { error: `the credentials that assume: ${base.error}` };
      const holder = new RefreshingCredentials((signal) => base.source.fetch(signal), { now: ctx.now });
      holder.onSecrets((values) => ctx.secrets(values));
      const source =
        spec.source === 'assume-role'
          ? assumeRoleSource(ctx, spec.settings, holder, base.source.describe)
          : agencySource(ctx, spec.settings, holder, base.source.describe, extras.domainId);
      return { source, probe: false, skipped: [] };
    }
    case 'oidc-alibaba': {
      if (ctx.cloud !== 'alibabacloud')
        return { error: 'roleArn and oidcProviderArn are for Alibaba Cloud accounts' };
      if (spec.roleArn === '' || spec.oidcProviderArn === '') {
        return { error: 'OIDC federation of Alibaba Cloud needs roleArn and oidcProviderArn' };
      }
      const { token, base, source: _, ...settings } = spec;
      return {
        source: oidcRoleSource(ctx, { ...settings, token: tokenSource(token, ctx, base) }),
        probe: false,
        skipped: [],
      };
    }
    case 'oidc-huawei': {
      if (ctx.cloud !== 'huaweicloud') return { error: 'idpId is for Huawei Cloud accounts' };
      return {
        source: federationSource(ctx, {
          idpId: spec.idpId,
          ...(spec.durationSeconds === undefined ? {} : { durationSeconds: spec.durationSeconds }),
          token: tokenSource(spec.token, ctx, spec.base),
        }),
        probe: false,
        skipped: [],
      };
    }
  }
}

// The default chain of the account's cloud; see the top of this file.
function defaultChain(ctx: SourceContext, extras: Extras, depth: number): Chosen {
  const skipped: string[] = [];
  const env = environmentSource(ctx, undefined, false);
  if ('source' in env) return { source: env.source, probe: false, skipped };
  if ('error' in env) return env;
  skipped.push(env.absent);

  const oidc = envOidc(ctx);
  if (oidc !== undefined) {
    if ('error' in oidc) return oidc;
    if ('absent' in oidc) skipped.push(oidc.absent);
    else return choose(oidc.spec, ctx, extras, depth + 1);
  }

  const profile =
    ctx.cloud === 'alibabacloud'
      ? alibabaProfile(ctx, undefined, undefined, false)
      : huaweiProfile(ctx, undefined, undefined, false);
  if ('spec' in profile) return choose(profile.spec, ctx, extras, depth + 1);
  if ('error' in profile) return profile;
  skipped.push(profile.absent);

  if (ctx.cloud === 'alibabacloud' && ctx.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED?.toLowerCase() === 'true') {
    skipped.push('ALIBABA_CLOUD_ECS_METADATA_DISABLED is true');
    return { error: noCredentials(skipped) };
  }
  const role = ctx.cloud === 'alibabacloud' ? ctx.env.ALIBABA_CLOUD_ECS_METADATA : undefined;
  const chosen = choose(
    { source: 'metadata', probe: true, ...(role === undefined || role === '' ? {} : { roleName: role }) },
    ctx,
    extras,
    depth + 1,
  );
  return 'error' in chosen ? chosen : { ...chosen, skipped };
}

// The OIDC step of the default chain: every variable set, none (absent), or some (an error).
function envOidc(ctx: SourceContext): { spec: Spec } | { absent: string } | { error: string } | undefined {
  const names =
    ctx.cloud === 'alibabacloud'
      ? ['ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE']
      : ['HUAWEICLOUD_SDK_IDP_ID', 'HUAWEICLOUD_SDK_ID_TOKEN_FILE'];
  const values = names.map((n) => ctx.env[n]?.trim() ?? '');
  const set = values.filter((v) => v !== '').length;
  if (set === 0) return { absent: `the environment variables ${names.join(', ')} are not set` };
  if (set < names.length) {
    const missing = names.filter((_, i) => values[i] === '');
    return { error: `OIDC federation from the environment needs ${missing.join(' and ')} too` };
  }
  if (ctx.cloud === 'alibabacloud') {
    const session = ctx.env.ALIBABA_CLOUD_ROLE_SESSION_NAME;
    return {
      spec: {
        source: 'oidc-alibaba',
        roleArn: values[0] as string,
        oidcProviderArn: values[1] as string,
        ...(session === undefined || session === '' ? {} : { roleSessionName: session }),
        token: { file: values[2] as string },
        base: ctx.cwd,
      },
    };
  }
  return {
    spec: {
      source: 'oidc-huawei',
      idpId: values[0] as string,
      token: { file: values[1] as string },
      base: ctx.cwd,
    },
  };
}

/** noCredentials is the message of a default chain that found nothing: each step and why it was skipped. */
export function noCredentials(skipped: readonly string[]): string {
  return `no credentials: ${skipped.join('; ')}`;
}
