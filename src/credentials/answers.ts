// Reading what credential services answer: fields that must be non-empty strings, an expiry that must
// be a time, and a failed call turned into a message that says which service refused and why. An
// answer that lacks what rescind needs is a failure with a message, never credentials half made.

import { CredentialsError, RescindError } from '../http/errors.js';

/** record is a JSON object's fields, or undefined when the value is not an object. */
export function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** text is a non-empty string field of an object, or undefined. */
export function text(value: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  const v = value?.[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * required reads the non-empty string fields of an object; a missing one fails with `WHAT answered no
 * FIELD`. Credentials travel in headers: a value that is not printable ASCII is refused too.
 */
export function required<K extends string>(
  value: Readonly<Record<string, unknown>> | undefined,
  names: readonly K[],
  what: string,
): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const name of names) {
    const v = text(value, name);
    if (v === undefined) throw new CredentialsError(`${what} answered no ${name}`);
    if (!/^[\x21-\x7e]+$/.test(v)) {
      throw new CredentialsError(`${what} answered a ${name} that is not printable ASCII`);
    }
    out[name] = v;
  }
  return out;
}

/**
 * expiryOf reads an expiry (ISO 8601, as both clouds write it): a missing one fails with `WHAT answered
 * no FIELD`, one that is not a time with `WHAT answered an FIELD that is not a time`.
 */
export function expiryOf(
  value: Readonly<Record<string, unknown>> | undefined,
  name: string,
  what: string,
): number {
  const v = text(value, name);
  if (v === undefined)
    throw new CredentialsError(
      `${what} answered no ${name}: temporary credentials must say when they expire`,
    );
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw new CredentialsError(`${what} answered an ${name} that is not a time`);
  return ms;
}

/**
 * failedCall wraps the failure of a credential service's call: `WHAT failed: <the typed error's message>`.
 * A CredentialsError of the credentials that signed the call (the base of an AssumeRole) keeps its own
 * message after WHAT. Bugs are rethrown.
 */
export function failedCall(what: string, err: unknown): CredentialsError {
  if (err instanceof CredentialsError) return new CredentialsError(`${what}: ${err.message}`, { cause: err });
  if (err instanceof RescindError)
    return new CredentialsError(`${what} failed: ${err.message}`, { cause: err });
  throw err;
}
