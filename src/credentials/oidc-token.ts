// Where an OIDC ID token comes from for federation: a file (a CI job's, Kubernetes' projected token,
// read anew at every refresh), an environment variable (GitLab CI's `id_tokens:`), or GitHub Actions'
// token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, with an audience). A token is a secret: every
// client of the account redacts it before it is sent, and no message repeats it.

import { CredentialsError } from '../http/errors.js';
import { filePath, MAX_TOKEN_FILE_BYTES, readTextFile } from './files.js';
import type { SourceContext } from './types.js';

/** TokenConfig says where an OIDC token comes from: exactly one of file, env and githubActions. */
export type TokenConfig =
  | { readonly file: string }
  | { readonly env: string }
  | { readonly githubActions: { readonly audience?: string } };

/** MAX_TOKEN_CHARS is the longest token taken: Alibaba STS's limit for OIDCToken. */
export const MAX_TOKEN_CHARS = 20_000;

/** TokenSource reads the current token; read rejects with a CredentialsError naming the source. */
export interface TokenSource {
  readonly describe: string;
  read(signal?: AbortSignal): Promise<string>;
}

/** GITHUB_URL_ENV and GITHUB_TOKEN_ENV are the variables GitHub Actions sets with `id-token: write`. */
export const GITHUB_URL_ENV = 'ACTIONS_ID_TOKEN_REQUEST_URL';
export const GITHUB_TOKEN_ENV = 'ACTIONS_ID_TOKEN_REQUEST_TOKEN';

/** tokenSource is the token source of a config; a file path is relative to base (the config's folder). */
export function tokenSource(config: TokenConfig, ctx: SourceContext, base: string): TokenSource {
  if ('file' in config) {
    const path = filePath(config.file, ctx, base);
    const describe = `the OIDC token file ${path}`;
    return {
      describe,
      read: async () => {
        const read = readTextFile(path, 'OIDC token file', MAX_TOKEN_FILE_BYTES);
        if ('error' in read) throw new CredentialsError(read.error);
        return checkToken(read.text, describe, ctx);
      },
    };
  }
  if ('env' in config) {
    const describe = `the OIDC token in the environment variable ${config.env}`;
    return {
      describe,
      read: async () => {
        const value = ctx.env[config.env];
        if (value === undefined || value.trim() === '') {
          throw new CredentialsError(`the environment variable ${config.env} holds no OIDC token`);
        }
        return checkToken(value, describe, ctx);
      },
    };
  }
  const audience = config.githubActions.audience;
  const describe = `GitHub Actions' OIDC token endpoint (${GITHUB_URL_ENV})`;
  return {
    describe,
    read: (signal) => githubToken(ctx, audience, describe, signal),
  };
}

// GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=AUD with `Authorization: bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN`:
// `{"value": TOKEN}` (GitHub's "About security hardening with OpenID Connect").
async function githubToken(
  ctx: SourceContext,
  audience: string | undefined,
  describe: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const url = ctx.env[GITHUB_URL_ENV];
  const requestToken = ctx.env[GITHUB_TOKEN_ENV];
  if (url === undefined || url === '' || requestToken === undefined || requestToken === '') {
    throw new CredentialsError(
      `${GITHUB_URL_ENV} and ${GITHUB_TOKEN_ENV} are not set: give the job \`permissions: id-token: write\``,
    );
  }
  ctx.secrets([requestToken]);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new CredentialsError(`${GITHUB_URL_ENV} is not a URL`);
  }
  if (audience !== undefined) target.searchParams.set('audience', audience);
  const client = ctx.client({});
  let body: unknown;
  try {
    const result = await client.call({
      method: 'GET',
      url: target,
      headers: { authorization: `bearer ${requestToken}` },
      service: 'github',
      operation: 'GetIdToken',
      timeoutMs: 30_000,
      ...(signal === undefined ? {} : { signal }),
    });
    body = result.body;
  } catch (e) {
    throw new CredentialsError(`${describe} failed: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const value =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>).value
      : undefined;
  if (typeof value !== 'string') throw new CredentialsError(`${describe} answered no token (no "value")`);
  return checkToken(value, describe, ctx);
}

/**
 * checkToken trims a token and checks that it is a compact JWT (three base64url parts, a header and
 * claims that are JSON objects) of at most MAX_TOKEN_CHARS; the message never repeats it.
 */
export function checkToken(text: string, describe: string, ctx: Pick<SourceContext, 'secrets'>): string {
  const token = text.trim();
  if (token !== '') ctx.secrets([token]);
  if (token === '') throw new CredentialsError(`${describe} is empty`);
  if (token.length > MAX_TOKEN_CHARS) {
    throw new CredentialsError(
      `${describe} holds ${token.length} characters, more than the ${MAX_TOKEN_CHARS} of a token`,
    );
  }
  if (claimsOf(token) === undefined) {
    throw new CredentialsError(`${describe} does not hold a JWT (header.claims.signature, base64url)`);
  }
  return token;
}

/** claimsOf reads a compact JWT's claims (unverified: the cloud verifies it); undefined when it is not one. */
export function claimsOf(token: string): Readonly<Record<string, unknown>> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p, i) => (i < 2 && p === '') || !/^[A-Za-z0-9_-]*$/.test(p))) {
    return undefined;
  }
  const json = (part: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  };
  const header = json(parts[0] as string);
  if (header === undefined || typeof header.alg !== 'string') return undefined;
  return json(parts[1] as string);
}
