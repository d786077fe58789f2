// One pipeline for every rescind file, whatever reads it (validate, the config, policies,
// emulator seeds, saved plans): bytes -> text -> YAML -> the kind's JSON Schema -> the
// kind's rules -> diagnostics located in the file. The rules come from the caller, so that
// this layer knows the kinds by their schemas only.

import { createHash } from 'node:crypto';
import { type Diagnostic, type JsonPath, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { error, type Finding, locateFindings } from '../diagnostics/finding.js';
import { suggest } from '../diagnostics/suggest.js';
import { translateErrors } from '../schema/errors.js';
import { type DocumentKind, documentKinds, validateData } from '../schema/schemas.js';
import { loadYaml, type YamlSource } from './load.js';
import { readBytes } from './read.js';
import { finish, type Steps } from './steps.js';
import { decodeText } from './text.js';

/** KindRules are a kind's rules beyond its schema. */
export interface KindRules {
  /**
   * check returns the findings beyond the schema (data passed the schema unless onInvalid is set), or,
   * for a long check (a saved plan's digest), steps that end with them (src/document/steps.ts).
   */
  check(data: unknown): Finding[] | Steps<Finding[]>;
  /** onInvalid runs check on data that failed the schema too (a plan's rules report everything in one pass). */
  readonly onInvalid?: boolean;
}

/** RuleBook holds the rules of each kind; a kind without an entry has its schema only. */
export type RuleBook = Partial<Readonly<Record<DocumentKind, KindRules>>>;

/** LoadOptions say which kinds a file may be and by which rules each is checked. */
export interface LoadOptions {
  /** kinds are the kinds accepted; default every kind. */
  readonly kinds?: readonly DocumentKind[];
  readonly rules?: RuleBook;
  /** maxBytes caps the file's size; MAX_FILE_BYTES by default. */
  readonly maxBytes?: number;
  /** json reads the file as JSON first: for files rescind writes itself (saved plans, persisted state). */
  readonly json?: boolean;
}

/** CheckedDocument is a document's kind (when it has a known one), its verdict and its diagnostics. */
export interface CheckedDocument {
  kind?: DocumentKind;
  /** valid is true when there is no error: data then has the type of its kind. */
  valid: boolean;
  diagnostics: Diagnostic[];
}

/** LoadedDocument is a checked file with its data and source, present when the file parsed. */
export interface LoadedDocument extends CheckedDocument {
  file: string;
  data?: unknown;
  /** source locates later findings about the document (a plan's revocations, once planned). */
  source?: YamlSource;
  /** sha256 is the SHA-256 of the bytes as read, present when they were read. */
  sha256?: string;
}

const ALL_KINDS = Object.keys(documentKinds) as DocumentKind[];

/**
 * loadDocument reads, parses and checks the file at path (named file in diagnostics): every problem
 * comes back as a sorted diagnostic, located where it can be.
 */
export function loadDocument(path: string, file: string, options: LoadOptions = {}): LoadedDocument {
  return finish(loadDocumentSteps(path, file, options));
}

/** loadDocumentSteps is loadDocument a step at a time (src/document/steps.ts): read, parse, schema, rules. */
export function* loadDocumentSteps(
  path: string,
  file: string,
  options: LoadOptions = {},
): Steps<LoadedDocument> {
  const read = readBytes(path, file, options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes });
  if ('diagnostic' in read) return { file, valid: false, diagnostics: [read.diagnostic] };
  yield;
  return yield* bytesSteps(read.bytes, file, options);
}

/**
 * loadDocumentBytes parses and checks bytes already read (standard input), named file in diagnostics,
 * exactly as loadDocument does a file's.
 */
export function loadDocumentBytes(
  bytes: Uint8Array,
  file: string,
  options: LoadOptions = {},
): LoadedDocument {
  return finish(bytesSteps(bytes, file, options));
}

function* bytesSteps(bytes: Uint8Array, file: string, options: LoadOptions): Steps<LoadedDocument> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const decoded = decodeText(file, bytes, options.maxBytes);
  if (decoded.text === undefined) return { file, sha256, valid: false, diagnostics: decoded.diagnostics };
  const loaded = loadYaml(file, decoded.text, options.json === true ? { json: true } : {});
  if (loaded.source === undefined) {
    return { file, sha256, valid: false, diagnostics: sortDiagnostics(loaded.diagnostics) };
  }
  yield;
  const checked = yield* sourceSteps(loaded.source, options);
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...checked.diagnostics]);
  return {
    file,
    sha256,
    valid: checked.valid && !diagnostics.some((d) => d.severity === 'error'),
    data: loaded.source.data,
    source: loaded.source,
    diagnostics,
    ...(checked.kind === undefined ? {} : { kind: checked.kind }),
  };
}

/** checkSource checks a parsed document: its kind, the kind's schema and rules, located in the source. */
export function checkSource(source: YamlSource, options: LoadOptions = {}): CheckedDocument {
  return finish(sourceSteps(source, options));
}

function* sourceSteps(source: YamlSource, options: LoadOptions): Steps<CheckedDocument> {
  const checked = yield* findingSteps(source.data, options, (p) => source.scalarText(p));
  // In a file too large to locate every node, each finding also names its path.
  const findings =
    checked.findings.length > 0 && source.approximate
      ? checked.findings.map((f) =>
          f.path.length > 1 ? { ...f, message: `${f.message} (at ${pathText(f.path)})` } : f,
        )
      : checked.findings;
  const diagnostics = locateFindings(source, findings);
  return {
    ...(checked.kind === undefined ? {} : { kind: checked.kind }),
    valid: !diagnostics.some((d) => d.severity === 'error'),
    diagnostics,
  };
}

/**
 * checkData checks a document given as data (a seed passed to the emulator as an object): the same
 * checks as checkSource, with diagnostics that carry JSON paths and no ranges.
 */
export function checkData(data: unknown, options: LoadOptions = {}): CheckedDocument {
  const checked = finish(findingSteps(data, options));
  const diagnostics: Diagnostic[] = checked.findings.map((f) => ({
    severity: f.severity,
    code: f.code,
    message: f.message,
    path: f.path,
    ...(f.detail === undefined ? {} : { detail: f.detail }),
  }));
  return {
    ...(checked.kind === undefined ? {} : { kind: checked.kind }),
    valid: !diagnostics.some((d) => d.severity === 'error'),
    diagnostics,
  };
}

// spec.revocations[3].type
function pathText(path: JsonPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

function* findingSteps(
  data: unknown,
  options: LoadOptions,
  scalarText?: (path: JsonPath) => string | undefined,
): Steps<{ kind?: DocumentKind; findings: Finding[] }> {
  const detected = detectKind(data, options.kinds ?? ALL_KINDS);
  if ('finding' in detected) return { findings: [detected.finding] };
  const { kind } = detected;
  const errors = validateData(kind, data);
  const findings: Finding[] =
    errors.length > 0
      ? translateErrors(errors, { kind, data, ...(scalarText === undefined ? {} : { scalarText }) })
      : [];
  const rules = options.rules?.[kind];
  if (rules !== undefined && (errors.length === 0 || rules.onInvalid === true)) {
    yield;
    const checked = rules.check(data);
    const found = Array.isArray(checked) ? checked : yield* checked;
    for (const finding of found) findings.push(finding);
  }
  return { kind, findings };
}

function detectKind(
  data: unknown,
  kinds: readonly DocumentKind[],
): { kind: DocumentKind } | { finding: Finding } {
  const names = kinds.join(', ').replace(/, ([^,]*)$/, ' or $1');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const holds = Array.isArray(data) ? 'a list' : data === null ? 'nothing' : 'a single value';
    return {
      finding: error(
        'schema.type',
        [],
        `a rescind file is a mapping with apiVersion and kind (${names}), but this one holds ${holds}`,
      ),
    };
  }
  const kind = (data as Record<string, unknown>).kind;
  if (kind === undefined) return { finding: error('schema.required', [], `the file needs "kind": ${names}`) };
  if (typeof kind !== 'string' || !(kinds as readonly string[]).includes(kind)) {
    const near = typeof kind === 'string' ? suggest(kind, kinds) : undefined;
    const shown = typeof kind === 'string' ? JSON.stringify(kind) : 'this kind';
    const one = kinds.length < ALL_KINDS.length;
    const message = near
      ? `${shown} is not a kind of rescind file; did you mean ${JSON.stringify(near)}?`
      : `${shown} is not ${one ? 'the expected' : 'a'} kind of rescind file; expected ${names}`;
    return { finding: error('document.kind', ['kind'], message) };
  }
  return { kind: kind as DocumentKind };
}
