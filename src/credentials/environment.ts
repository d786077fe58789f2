// Credentials from environment variables: each cloud's conventional access key, secret and security
// token (or the variables the config names instead; a Huawei IAM token in the variable the config
// names), and static credentials a profile file holds. Both are static: they never expire in a run.

import type { Credentials } from '../clouds/credentials.js';
import type { CredentialEnv } from '../config/config.js';
import { DEFAULT_ENV, readCredentials } from '../config/credentials.js';
import type { Found, Source, SourceContext } from './types.js';

/**
 * environmentSource reads an account's credentials from the environment. Without names, nothing set at
 * all is `absent` (the default chain goes on to the next source); a pair half set, or named variables
 * that are not set, is an error naming the variables, never a value.
 */
export function environmentSource(
  ctx: SourceContext,
  names: CredentialEnv | undefined,
  explicit: boolean,
): Found {
  const defaults = DEFAULT_ENV[ctx.cloud];
  const variables =
    ctx.cloud === 'huaweicloud' && names?.authTokenEnv !== undefined
      ? [names.authTokenEnv]
      : [names?.accessKeyEnv ?? defaults.accessKeyEnv, names?.secretKeyEnv ?? defaults.secretKeyEnv];
  const set = variables.filter((v) => (ctx.env[v]?.trim() ?? '') !== '');
  if (set.length === 0 && !explicit) {
    return { absent: `the environment variables ${variables.join(' and ')} are not set` };
  }
  const read = readCredentials(ctx.cloud, names, ctx.env);
  if ('error' in read) return { error: read.error };
  return { source: staticSource(read.credentials, `the environment variables ${variables.join(' and ')}`) };
}

/** staticSource hands out the same credentials at every fetch: keys that do not expire in a run. */
export function staticSource(credentials: Credentials, describe: string, scope?: Source['scope']): Source {
  return {
    kind: 'environment',
    describe,
    fetch: async () => ({ credentials }),
    ...(scope === undefined ? {} : { scope }),
  };
}
