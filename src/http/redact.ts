// Redaction: the one place that removes secrets from text rescind shows or logs. Every error message
// and debug line of the HTTP layer goes through redact(); headers through redactHeaders().
// Secret values are removed verbatim and in every encoding of secretForms.

import type { HeaderValues } from '../clouds/wire.js';

/** REDACTED replaces every removed secret. */
export const REDACTED = '[REDACTED]';

/**
 * SECRET_HEADERS are headers whose whole value is a credential: IAM tokens (sent and issued) and the
 * security tokens of temporary credentials. `authorization` is handled apart: only its signature goes.
 */
export const SECRET_HEADERS: readonly string[] = [
  'x-auth-token',
  'x-subject-token',
  'x-security-token',
  'x-acs-security-token',
];

// `Signature=<value>` in an Authorization header (both clouds) or a V2-style query string.
const signaturePattern = /\b(Signature=)[^\s,;&"'<>]+/g;
// `SecurityToken=<value>` in a V2-style Alibaba query string.
const securityTokenQueryPattern = /\b(SecurityToken=)[^\s&"'<>]+/g;
// `<secret header>: value`, `"<secret header>":"value"`, `<secret header>=value`.
const secretHeaderPattern = new RegExp(
  `\\b(${SECRET_HEADERS.map((h) => h.replaceAll('-', '\\-')).join('|')})(["']?\\s*[:=]\\s*["']?)(?!\\[REDACTED\\])[^\\s"',;}\\]]+`,
  'gi',
);
// `authorization: Bearer <token>` / `Basic <credentials>`.
const bearerPattern = /\b(authorization["']?\s*[:=]\s*["']?(?:Bearer|Basic)\s+)[^\s"',;]+/gi;

/**
 * secretForms are the ways a secret may come back in text: as is, percent-encoded (encodeURIComponent
 * and RFC 3986, with upper- or lower-case hex, or `+` for a space), base64 and base64url (with or
 * without padding), JSON-escaped, and escape()d. The client sends secrets in headers only, so a
 * server that echoes one back in any of these encodings is still caught.
 */
export function secretForms(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  const rfc3986 = uri.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const lower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  const base64url = Buffer.from(secret, 'utf8').toString('base64url');
  return [
    secret,
    uri,
    lower(uri),
    rfc3986,
    lower(rfc3986),
    uri.replaceAll('%20', '+'),
    base64,
    base64.replace(/=+$/, ''),
    base64url,
    JSON.stringify(secret).slice(1, -1),
    escape(secret),
    lower(escape(secret)),
  ];
}

/**
 * redact returns text without any of the given secret values (in any of secretForms), without the
 * signature of an Authorization header, and without the value of any SECRET_HEADERS header written as
 * `name: value`, `"name":"value"` or `name=value`. Empty secrets are ignored; longer forms are removed
 * first so that a secret containing another is removed whole.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    for (const form of secretForms(secret)) forms.add(form);
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form !== '' && out.includes(form)) out = out.replaceAll(form, REDACTED);
  }
  return out
    .replace(signaturePattern, `$1${REDACTED}`)
    .replace(securityTokenQueryPattern, `$1${REDACTED}`)
    .replace(secretHeaderPattern, `$1$2${REDACTED}`)
    .replace(bearerPattern, `$1${REDACTED}`);
}

/** oneLine folds line breaks and other control characters into single spaces: a message is one line. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: folding control characters is the point
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

/**
 * redactHeaders returns a copy of headers (names lower-cased, repeated values joined with `, `) where a
 * SECRET_HEADERS value is REDACTED whole and every other value, Authorization included, went through redact.
 */
export function redactHeaders(
  headers: HeaderValues,
  secrets: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const joined = typeof value === 'string' ? value : value.join(', ');
    out[lower] = SECRET_HEADERS.includes(lower) ? REDACTED : redact(joined, secrets);
  }
  return out;
}

/**
 * redactErrorChain rewrites, in place, the message and stack of err and of each error on its `cause`
 * chain (at most 8 deep, cycles stopped) through redact. For errors from libraries (undici, node:net)
 * whose text rescind does not compose itself.
 */
export function redactErrorChain(err: unknown, secrets: readonly string[]): void {
  const seen = new Set<unknown>();
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error && !seen.has(current); depth++) {
    seen.add(current);
    try {
      current.message = redact(current.message, secrets);
      if (current.stack !== undefined) current.stack = redact(current.stack, secrets);
    } catch {
      // A frozen or getter-only message cannot be rewritten; nothing more to do for this link.
    }
    current = current.cause;
  }
}
