// ajv errors -> findings a person understands, one per problem. Spectral-style
// filtering: `if` and the branch errors of anyOf/oneOf are dropped, one error per
// value is kept, and missing required fields of one mapping are reported together.
// Schemas may carry VS Code's patternErrorMessage / errorMessage, used verbatim.

import type { ErrorObject } from 'ajv/dist/2020.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { JsonPath } from '../diagnostics/diagnostic.js';
import type { Finding } from '../diagnostics/finding.js';
import { suggest } from '../diagnostics/suggest.js';
import type { DocumentKind } from './schemas.js';

/** TranslateContext is what messages may draw on besides the errors themselves. */
export interface TranslateContext {
  kind: DocumentKind;
  /** data is the validated document, to tell list indices from mapping keys. */
  data: unknown;
  /** scalarText is a scalar's text as written in the file (an unquoted number keeps all its digits there). */
  scalarText?: (path: JsonPath) => string | undefined;
}

const KIND_NOUN: Record<DocumentKind, string> = {
  RevocationPlan: 'the plan',
  Config: 'the config',
  Policy: 'the policy',
  EmulatorState: 'the emulator state',
  SavedPlan: 'the saved plan',
};

const CODE: Record<string, DiagnosticCode> = {
  required: 'schema.required',
  additionalProperties: 'schema.unknown-field',
  type: 'schema.type',
  enum: 'schema.enum',
  const: 'schema.enum',
  pattern: 'schema.pattern',
  minLength: 'schema.length',
  maxLength: 'schema.length',
  minimum: 'schema.range',
  maximum: 'schema.range',
  exclusiveMinimum: 'schema.range',
  exclusiveMaximum: 'schema.range',
  minItems: 'schema.items',
  maxItems: 'schema.items',
  uniqueItems: 'schema.items',
  minProperties: 'schema.items',
  maxProperties: 'schema.items',
  anyOf: 'schema.exclusive',
  oneOf: 'schema.exclusive',
  not: 'schema.exclusive',
};

// Of several errors about one value, only the most telling is reported.
const VALUE_PRIORITY: Record<string, number> = {
  type: 0,
  const: 1,
  enum: 1,
  pattern: 2,
  minLength: 3,
  maxLength: 3,
  minimum: 4,
  maximum: 4,
};

// Keys that hold secrets, and the config field that names their environment variable instead.
const SECRET_KEYS: Record<string, string | undefined> = {
  ak: 'accessKeyEnv',
  accesskey: 'accessKeyEnv',
  accesskeyid: 'accessKeyEnv',
  sk: 'secretKeyEnv',
  secretkey: 'secretKeyEnv',
  secret: 'secretKeyEnv',
  accesskeysecret: 'secretKeyEnv',
  secretaccesskey: 'secretKeyEnv',
  token: 'authTokenEnv',
  authtoken: 'authTokenEnv',
  securitytoken: 'securityTokenEnv',
  password: undefined,
};

const YAML11_BOOLEANS = new Set(['yes', 'no', 'on', 'off', 'y', 'n']);

/** translateErrors turns ajv errors over one document into findings, in no particular order. */
export function translateErrors(errors: readonly ErrorObject[], ctx: TranslateContext): Finding[] {
  // Each error is checked against the combinators and wrong types at its own instance path and its
  // ancestors only (indexed by path), so that n errors cost n times the depth, never n².
  const combinators = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const at = combinators.get(e.instancePath);
    if (at === undefined) combinators.set(e.instancePath, [`${e.schemaPath}/`]);
    else at.push(`${e.schemaPath}/`);
  }
  let kept = errors.filter(
    (e) =>
      e.keyword !== 'if' &&
      e.keyword !== 'propertyNames' &&
      !ancestorsOf(e.instancePath).some((p) =>
        (combinators.get(p) ?? []).some((schema) => e.schemaPath.startsWith(schema)),
      ),
  );

  // A value of the wrong type gets one error: what else its schema says is noise (a string
  // list item "has target and select" because `not: {required}` holds trivially on a string).
  const mistyped = new Set(kept.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  if (mistyped.size > 0) {
    kept = kept.filter(
      (e) => e.keyword === 'type' || !ancestorsOf(e.instancePath).some((p) => mistyped.has(p)),
    );
  }

  const findings: Finding[] = [];
  const required = new Map<string, { path: JsonPath; missing: string[] }>();
  const byValue = new Map<string, ErrorObject>();
  for (const e of kept) {
    if (e.keyword === 'required' && e.propertyName === undefined) {
      const entry = required.get(e.instancePath) ?? { path: toPath(e.instancePath, ctx.data), missing: [] };
      const missing = String(e.params.missingProperty);
      if (!entry.missing.includes(missing)) entry.missing.push(missing);
      required.set(e.instancePath, entry);
      continue;
    }
    const priority = VALUE_PRIORITY[e.keyword];
    if (priority !== undefined && e.propertyName === undefined) {
      const current = byValue.get(e.instancePath);
      if (current === undefined || priority < (VALUE_PRIORITY[current.keyword] ?? 99))
        byValue.set(e.instancePath, e);
      continue;
    }
    findings.push(translate(e, ctx));
  }
  for (const { path, missing } of required.values()) {
    findings.push({
      severity: 'error',
      code: 'schema.required',
      path,
      message: `${containerName(path, ctx.kind)} needs ${listWords(missing.map((m) => JSON.stringify(m)))}`,
    });
  }
  for (const e of byValue.values()) findings.push(translate(e, ctx));
  return findings;
}

function translate(e: ErrorObject, ctx: TranslateContext): Finding {
  const base = toPath(e.instancePath, ctx.data);
  // An error about a mapping key (propertyNames) is located at the key.
  if (e.propertyName !== undefined) {
    const path = [...base, e.propertyName];
    const what = `${singular(lastKey(base) ?? 'key')} name ${JSON.stringify(e.propertyName)}`;
    return {
      severity: 'error',
      code: CODE[e.keyword] ?? 'schema.invalid',
      path,
      target: 'key',
      message: `${what} ${valueMessage(e, ctx, path, 'key')}`,
    };
  }
  const code = CODE[e.keyword] ?? 'schema.invalid';
  const parent = asRecord(e.parentSchema);
  if (e.keyword === 'additionalProperties') {
    const field = String(e.params.additionalProperty);
    const path = [...base, field];
    const secret = ctx.kind === 'Config' ? secretAdvice(field) : undefined;
    if (secret !== undefined)
      return { severity: 'error', code: 'config.secret', path, target: 'key', message: secret };
    const allowed = Object.keys(asRecord(parent?.properties) ?? {});
    const near = suggest(field, allowed);
    const where = base.length === 0 ? KIND_NOUN[ctx.kind] : containerName(base, ctx.kind);
    let message = `unknown field ${JSON.stringify(field)} in ${where}`;
    if (near !== undefined) message += `; did you mean ${JSON.stringify(near)}?`;
    else if (allowed.length > 0 && allowed.length <= 8) message += `; expected one of ${allowed.join(', ')}`;
    return { severity: 'error', code, path, target: 'key', message };
  }
  const custom = typeof parent?.errorMessage === 'string' ? parent.errorMessage : undefined;
  if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'not') {
    const last = base[base.length - 1];
    // A field that is not allowed at all ({not: {}}) is pointed at by its key.
    const notAllowed = e.keyword === 'not' && typeof last === 'string' && isEmptySchema(e.schema);
    return {
      severity: 'error',
      code: notAllowed ? 'schema.unknown-field' : code,
      path: base,
      target: notAllowed ? 'key' : 'value',
      message: custom ?? `${containerName(base, ctx.kind)} does not match any allowed form`,
    };
  }
  return {
    severity: 'error',
    code,
    path: base,
    message: `${valueName(base, ctx.kind)} ${valueMessage(e, ctx, base)}`,
  };
}

// The part of a message after the value's name: "must be ...".
function valueMessage(
  e: ErrorObject,
  ctx: TranslateContext,
  path: JsonPath,
  about: 'key' | 'value' = 'value',
): string {
  const parent = asRecord(e.parentSchema);
  const p = e.params as Record<string, unknown>;
  const echo = ctx.kind !== 'Config';
  switch (e.keyword) {
    case 'type':
      return typeMessage(String(p.type), e.data, ctx, path);
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'enum': {
      const allowed = (Array.isArray(p.allowedValues) ? p.allowedValues : []).map(String);
      const near = typeof e.data === 'string' ? suggest(e.data, allowed) : undefined;
      if (near !== undefined && echo)
        return `${JSON.stringify(e.data)} is not valid; did you mean ${JSON.stringify(near)}?`;
      return allowed.length <= 10
        ? `must be one of ${allowed.join(', ')}`
        : 'is not one of the allowed values';
    }
    case 'pattern':
      return typeof parent?.patternErrorMessage === 'string'
        ? parent.patternErrorMessage
        : `must match the pattern ${String(p.pattern)}`;
    case 'minLength':
    case 'maxLength': {
      const min = typeof parent?.minLength === 'number' ? parent.minLength : undefined;
      const max = typeof parent?.maxLength === 'number' ? parent.maxLength : undefined;
      if (min !== undefined && min === max) return `must be exactly ${characters(min)}`;
      if (e.keyword === 'minLength')
        return min === 1 ? 'must not be empty' : `must be at least ${characters(Number(p.limit))}`;
      return `must be at most ${characters(Number(p.limit))}`;
    }
    case 'minimum':
    case 'exclusiveMinimum':
      return `must be ${e.keyword === 'minimum' ? 'at least' : 'more than'} ${String(p.limit)}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `must be ${e.keyword === 'maximum' ? 'at most' : 'less than'} ${String(p.limit)}`;
    case 'minItems':
      return Number(p.limit) === 1
        ? 'must list at least one item'
        : `must list at least ${String(p.limit)} items`;
    case 'maxItems':
      return `must list at most ${String(p.limit)} items`;
    case 'uniqueItems':
      return `lists the same item twice (items ${String(p.j)} and ${String(p.i)}, counting from 0)`;
    case 'minProperties':
      return Number(p.limit) === 1 ? 'must not be empty' : `needs at least ${String(p.limit)} fields`;
    case 'maxProperties':
      return `may have at most ${String(p.limit)} fields`;
    default:
      return about === 'key' ? 'is not allowed' : `is not valid (${e.message ?? e.keyword})`;
  }
}

function typeMessage(expected: string, value: unknown, ctx: TranslateContext, path: JsonPath): string {
  const want = expected
    .split(',')
    .map((t) => TYPE_WORDS[t] ?? t)
    .join(' or ');
  if (expected === 'string' && typeof value === 'number') {
    const raw = ctx.scalarText?.(path) ?? String(value);
    const digits = raw.replace(/[^0-9]/g, '').length;
    const why = digits > 15 ? 'so that YAML keeps every digit' : 'so that YAML reads it as text';
    return `must be text: quote it, ${JSON.stringify(raw)}, ${why}`;
  }
  if (expected === 'boolean' && typeof value === 'string' && YAML11_BOOLEANS.has(value.toLowerCase())) {
    return `must be true or false; YAML reads ${JSON.stringify(value)} as text`;
  }
  return `must be ${want}, but it is ${describe(value, ctx.kind !== 'Config')}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

function describe(value: unknown, echo: boolean): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && echo && value.length <= 64) return `the text ${JSON.stringify(value)}`;
  return 'text';
}

function secretAdvice(field: string): string | undefined {
  const norm = field.toLowerCase().replace(/[-_]/g, '');
  if (!(norm in SECRET_KEYS)) return undefined;
  const env = SECRET_KEYS[norm];
  const fix = env
    ? `put the secret in an environment variable (credentials.${env} names it)`
    : 'put the secret in an environment variable';
  return `${JSON.stringify(field)} would hold a secret, and secrets never go in config files: remove it and ${fix}`;
}

function characters(n: number): string {
  return n === 1 ? '1 character' : `${n} characters`;
}

function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

// A JSON pointer and each of its ancestors, the root ('') included.
function ancestorsOf(instancePath: string): string[] {
  const out = [instancePath];
  for (let i = instancePath.lastIndexOf('/'); i >= 0; i = instancePath.lastIndexOf('/', i - 1)) {
    out.push(instancePath.slice(0, i));
    if (i === 0) break;
  }
  return out;
}

function isEmptySchema(schema: unknown): boolean {
  return schema !== null && typeof schema === 'object' && Object.keys(schema).length === 0;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function lastKey(path: JsonPath): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if (typeof seg === 'string') return seg;
  }
  return undefined;
}

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

// "revocation" for spec.revocations[3]; "metadata" for metadata; "the plan" for the root.
function containerName(path: JsonPath, kind: DocumentKind): string {
  if (path.length === 0) return KIND_NOUN[kind];
  const last = path[path.length - 1];
  if (typeof last === 'number') return singular(String(path[path.length - 2] ?? 'item'));
  return String(last);
}

// "grantId" for ...target.grantId; "keyIds[1]" for a list item; "the plan" for the root.
function valueName(path: JsonPath, kind: DocumentKind): string {
  if (path.length === 0) return KIND_NOUN[kind];
  const last = path[path.length - 1];
  if (typeof last === 'number') return `${String(path[path.length - 2] ?? 'item')}[${last}]`;
  return String(last);
}

/** toPath decodes a JSON pointer against data, so that list indices become numbers. */
export function toPath(pointer: string, data: unknown): JsonPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const i = Number(seg);
      path.push(i);
      node = node[i];
    } else {
      path.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}
