// The JSON Schemas of schemas/, read once and compiled by one ajv on first use
// per document kind. The files are the source of truth for editors and for us.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, CodeOptions, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

/** SCHEMA_BASE is the $id prefix of every rescind schema. */
export const SCHEMA_BASE = 'https://rescind.dev/schemas/v1/';

/** schemasDir is the schemas/ folder of the installed package. */
export const schemasDir = new URL('../../schemas/', import.meta.url);

/** DocumentKind is a kind of rescind file with a schema. */
export type DocumentKind = 'RevocationPlan' | 'Config' | 'Policy' | 'EmulatorState' | 'SavedPlan';

/** documentKinds lists every kind and its schema file. */
export const documentKinds: Readonly<Record<DocumentKind, string>> = {
  RevocationPlan: 'plan.schema.json',
  Config: 'config.schema.json',
  Policy: 'policy.schema.json',
  EmulatorState: 'emulator-state.schema.json',
  SavedPlan: 'saved-plan.schema.json',
};

// Keywords that VS Code and yaml-language-server read; ajv must know them to stay strict.
const EDITOR_KEYWORDS = ['patternErrorMessage', 'errorMessage', 'enumDescriptions', 'markdownDescription'];

/** JsonSchema is a schema object as read from a file. */
export type JsonSchema = { readonly [key: string]: unknown };

/** Validators maps each kind to its validator, as the build's standalone module exports them. */
type Validators = Readonly<Record<DocumentKind, ValidateFunction>>;

// dist/schema/validators/KIND.cjs, written by scripts/compile-schemas.js at build time, one per kind and
// required on first use, so that a command loads only the validators it uses; absent under src/. Named
// from the folder above so that the CLI's bundle (dist/cli-bundle/, a sibling of dist/schema/) finds them.
const PRECOMPILED = new URL('../schema/validators/', import.meta.url);

function precompiled(kind: DocumentKind): ValidateFunction | undefined {
  try {
    const loaded = createRequire(PRECOMPILED)(`./${kind}.cjs`) as Partial<Validators>;
    return loaded[kind];
  } catch (e) {
    if ((e as { code?: unknown }).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<DocumentKind, ValidateFunction>();

/** readSchemaFiles reads every schema file under schemas/, keyed by path relative to it. */
export function readSchemaFiles(): Map<string, JsonSchema> {
  const files = new Map<string, JsonSchema>();
  const walk = (dir: URL, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
      else if (entry.name.endsWith('.schema.json')) {
        files.set(`${prefix}${entry.name}`, JSON.parse(readFileSync(new URL(entry.name, dir), 'utf8')));
      }
    }
  };
  walk(schemasDir, '');
  return files;
}

/** createAjv is the one ajv configuration of rescind, with every schema of schemas/ added. */
export function createAjv(code?: CodeOptions): Ajv2020 {
  // Loaded here, not at the top: the precompiled validators need no compiler (~60 ms saved per start).
  const { Ajv2020: Ajv } = createRequire(import.meta.url)(
    'ajv/dist/2020.js',
  ) as typeof import('ajv/dist/2020.js');
  const instance = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    code: { ...code, process: linearErrors },
  });
  instance.addVocabulary(EDITOR_KEYWORDS);
  for (const schema of readSchemaFiles().values()) instance.addSchema(schema);
  return instance;
}

/**
 * linearErrors rewrites how ajv's generated code gathers the errors of a referenced schema: it copies
 * the whole list for every item that fails (`vErrors.concat(...)`), so that 50,000 failing revocations
 * took ten times 10,000 ones. Appending keeps it linear, with the same errors in the same order. A
 * recursive reference (a credential source's base) is called through a wrapper: `wrapper0.validate`.
 */
export function linearErrors(source: string): string {
  return source.replace(
    /vErrors = vErrors === null \? ([\w$.]+)\.errors : vErrors\.concat\(\1\.errors\);/g,
    'if (vErrors === null) vErrors = $1.errors; else for (const e of $1.errors) vErrors.push(e);',
  );
}

/** validatorFor is the compiled validator of a kind; compiled once per process. */
export function validatorFor(kind: DocumentKind): ValidateFunction {
  let fn = compiled.get(kind);
  if (fn === undefined) {
    fn = precompiled(kind);
    if (fn === undefined) {
      ajv ??= createAjv();
      fn = ajv.getSchema(SCHEMA_BASE + documentKinds[kind]);
      if (fn === undefined)
        throw new Error(`schema ${documentKinds[kind]} is missing from ${schemasDir.href}`);
    }
    compiled.set(kind, fn);
  }
  return fn;
}

const definitions = new Map<string, ValidateFunction>();

/**
 * validateDefinition runs one definition (`$defs/<name>`) of a kind's schema over data, for a part of a
 * document checked on its own (what the emulator writes into its state). Compiled on first use.
 */
export function validateDefinition(kind: DocumentKind, name: string, data: unknown): ErrorObject[] {
  const ref = `${SCHEMA_BASE}${documentKinds[kind]}#/$defs/${name}`;
  let fn = definitions.get(ref);
  if (fn === undefined) {
    ajv ??= createAjv();
    fn = ajv.getSchema(ref);
    if (fn === undefined) throw new Error(`no definition ${name} in ${documentKinds[kind]}`);
    definitions.set(ref, fn);
  }
  return fn(data) ? [] : [...(fn.errors ?? [])];
}

/** validateData runs the schema of kind over data and returns ajv's errors (empty when valid). */
export function validateData(kind: DocumentKind, data: unknown): ErrorObject[] {
  const fn = validatorFor(kind);
  return fn(data) ? [] : [...(fn.errors ?? [])];
}
