// Reading a saved plan (PLAN.json) back: through the document pipeline, as kind SavedPlan, with
// the rule that its content still matches its digest: a plan edited after it was written is
// refused, since apply must do exactly what was reviewed.

import { type Diagnostic, jsonText } from '../diagnostics/diagnostic.js';
import { error, type Finding } from '../diagnostics/finding.js';
import {
  type KindRules,
  type LoadedDocument,
  type LoadOptions,
  loadDocumentSteps,
} from '../document/pipeline.js';
import { readBytes } from '../document/read.js';
import { finish, type Steps } from '../document/steps.js';
import { type Content, replaceFile, TooLarge } from '../files/replace.js';
import { digestSteps, type InputFile, type SavedPlan, sameJson } from './model.js';

/** savedPlanRules check, beyond the schema, that the plan's digest is the digest of its content. */
export const savedPlanRules: KindRules = { check: digestFindings };

function* digestFindings(data: unknown): Steps<Finding[]> {
  const plan = data as SavedPlan;
  return (yield* digestSteps(plan)) === plan.digest
    ? []
    : [
        error(
          'plan.digest',
          ['digest'],
          'the saved plan was changed after it was written: its content does not match its digest',
        ),
      ];
}

/**
 * SAVED_PLAN_MAX_BYTES is the largest saved plan rescind writes and reads: some 70,000 targets of
 * plain records (10,000 KMS grants and ESA certificates take 9 MiB, `npm run bench -- plan`).
 */
export const SAVED_PLAN_MAX_BYTES = 64 * 1024 * 1024;

/**
 * savedPlanText is a saved plan as its file holds it (`plan --out`, a run's plan.json) and as `plan
 * --format json` prints it: two spaces indented, a final newline, the characters a terminal would act
 * on escaped (jsonText).
 */
export function savedPlanText(plan: SavedPlan): string {
  return [...savedPlanPieces(plan)].join('');
}

/**
 * savedPlanPieces is savedPlanText in pieces, its lists (targets) an item at a time, as
 * JSON.stringify(plan, null, 2) would indent them: a run's plan.json is written from them without the
 * text of the whole plan in memory.
 */
export function* savedPlanPieces(plan: SavedPlan): Generator<string> {
  const members = plan as unknown as Record<string, unknown>;
  let written = 0;
  for (const key of Object.keys(members)) {
    const value = members[key];
    const list = isPlainList(value) && value.length > 0 ? value : undefined;
    const whole = list === undefined ? JSON.stringify(value, null, 2) : undefined;
    if (list === undefined && whole === undefined) continue; // undefined: JSON.stringify leaves it out
    yield `${written++ === 0 ? '{' : ','}\n  ${jsonText(JSON.stringify(key))}: `;
    if (list === undefined) {
      yield jsonText(indented(whole ?? '', '\n  '));
      continue;
    }
    for (let i = 0; i < list.length; i++) {
      const item = JSON.stringify(list[i], null, 2) ?? 'null';
      yield `${i === 0 ? '[' : ','}\n    ${jsonText(indented(item, '\n    '))}`;
    }
    yield '\n  ]';
  }
  yield written === 0 ? '{}\n' : '\n}\n';
}

// JSON text one level deeper: JSON.stringify escapes a newline inside a string, so every raw one is
// between lines of the layout.
function indented(json: string, newline: string): string {
  return json.includes('\n') ? json.replaceAll('\n', newline) : json;
}

// An array JSON.stringify writes as its items (not through a toJSON of its own).
function isPlainList(value: unknown): value is unknown[] {
  return Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype;
}

/** LoadedSavedPlan is a loaded saved plan; plan is present when it is valid and unchanged. */
export interface LoadedSavedPlan extends LoadedDocument {
  plan?: SavedPlan;
}

const SAVED_PLAN_OPTIONS = {
  kinds: ['SavedPlan'],
  rules: { SavedPlan: savedPlanRules },
  json: true,
  maxBytes: SAVED_PLAN_MAX_BYTES,
} as const satisfies LoadOptions;

/** loadSavedPlan reads and checks the saved plan at path, named file in diagnostics. */
export function loadSavedPlan(path: string, file: string): LoadedSavedPlan {
  return finish(loadSavedPlanSteps(path, file));
}

function* loadSavedPlanSteps(path: string, file: string): Steps<LoadedSavedPlan> {
  const loaded = yield* loadDocumentSteps(path, file, SAVED_PLAN_OPTIONS);
  return loaded.valid ? { ...loaded, plan: loaded.data as SavedPlan } : loaded;
}

/**
 * ReadSavedPlan is a saved plan of which only the beginning was read: where it is, and its inputs as its
 * `inputs` member gives them, when it does so early and in the schema's shape (inputsText).
 */
export interface ReadSavedPlan {
  readonly path: string;
  readonly file: string;
  readonly inputs?: readonly InputFile[];
}

/**
 * readSavedPlan reads the beginning of the saved plan at path for its inputs; checkSavedPlan reads,
 * parses and checks the whole: apply starts its fresh plan on the inputs first, and reads and checks
 * the saved plan while the fresh plan's reads are in flight. Nothing but the inputs is used before
 * then, and they only name the files to plan again, whose bytes must hash to what they say;
 * checkSavedPlan refuses a plan whose inputs are not these.
 */
export function readSavedPlan(path: string, file: string): ReadSavedPlan | LoadedSavedPlan {
  const head = readBytes(path, file, { head: INPUTS_SCAN_BYTES });
  if ('diagnostic' in head) return { file, valid: false, diagnostics: [head.diagnostic] };
  // A character cut at the end of the head decodes to U+FFFD, past anything the scan reads.
  const inputs = earlyInputs(new TextDecoder().decode(head.bytes));
  return inputs === undefined ? { path, file } : { path, file, inputs };
}

/** checkSavedPlan reads and checks a saved plan as loadSavedPlan does, and holds it to its early inputs. */
export function checkSavedPlan(saved: ReadSavedPlan): LoadedSavedPlan {
  return finish(checkSavedPlanSteps(saved));
}

/** checkSavedPlanSteps is checkSavedPlan a step at a time (src/document/steps.ts). */
export function* checkSavedPlanSteps(saved: ReadSavedPlan): Steps<LoadedSavedPlan> {
  const loaded = yield* loadSavedPlanSteps(saved.path, saved.file);
  const plan = loaded.plan;
  if (plan === undefined) return loaded;
  if (saved.inputs !== undefined && !sameJson(plan.inputs, saved.inputs)) {
    const message =
      'the saved plan names its inputs twice, differently, or they changed while it was read: it was not written so by rescind plan';
    const refused: Diagnostic = { severity: 'error', code: 'plan.inconsistent', file: saved.file, message };
    const { plan: _refused, ...rest } = loaded;
    return { ...rest, valid: false, diagnostics: [...loaded.diagnostics, refused] };
  }
  return loaded;
}

// How far into a saved plan its top-level `inputs` is looked for: rescind writes it before the accounts
// and targets, within the first kilobytes.
const INPUTS_SCAN_BYTES = 1024 * 1024;

// The saved plan's inputs, read from the text of its top-level `inputs` member (the first one) without
// parsing the rest; undefined when the text is not an object whose `inputs` comes early, or not of the
// schema's shape.
function earlyInputs(text: string): InputFile[] | undefined {
  const value = inputsText(text);
  if (value === undefined) return undefined;
  try {
    return inputsOf(JSON.parse(value));
  } catch {
    return undefined;
  }
}

// The text of the value of the first top-level `inputs` member of a JSON object, found by skipping
// the members before it (strings and nesting tracked, nothing else checked: JSON.parse reads what
// this returns, and checkSavedPlan the whole). undefined past INPUTS_SCAN_BYTES (characters, counted as bytes).
function inputsText(text: string): string | undefined {
  const end = Math.min(text.length, INPUTS_SCAN_BYTES);
  let i = 0;
  const blank = (c: string | undefined) => c === ' ' || c === '\n' || c === '\r' || c === '\t';
  const space = () => {
    while (i < end && blank(text[i])) i++;
  };
  // Past the string that starts at i; false when it does not end in the window.
  const string = (): boolean => {
    for (i++; i < end; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') {
        i++;
        return true;
      }
    }
    return false;
  };
  // Past the value that starts at i; false when it does not end in the window.
  const value = (): boolean => {
    const start = i;
    let depth = 0;
    while (i < end) {
      const c = text[i];
      if (c === '"') {
        if (!string()) return false;
        if (depth === 0) return true;
        continue;
      }
      // A number, true, false or null ends where the member does.
      if (depth === 0 && (c === ',' || c === '}' || c === ']' || blank(c))) return i > start;
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          i++;
          return true;
        }
      }
      i++;
    }
    return false;
  };
  space();
  if (text[i] !== '{') return undefined;
  i++;
  for (;;) {
    space();
    if (text[i] !== '"') return undefined;
    const keyStart = i;
    if (!string()) return undefined;
    const key = text.slice(keyStart, i);
    space();
    if (text[i] !== ':') return undefined;
    i++;
    space();
    const valueStart = i;
    if (!value()) return undefined;
    if (key === '"inputs"') return text.slice(valueStart, i);
    space();
    if (text[i] !== ',') return undefined;
    i++;
  }
}

// As many as the schema allows (saved-plan.schema.json: inputs, maxItems).
const MAX_INPUTS = 1000;
const SHA256 = /^[0-9a-f]{64}$/;

// The inputs when they have the schema's shape, at most MAX_INPUTS of them.
function inputsOf(inputs: unknown): InputFile[] | undefined {
  if (!Array.isArray(inputs) || inputs.length > MAX_INPUTS) return undefined;
  const out: InputFile[] = [];
  for (const item of inputs as unknown[]) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { role, file, sha256 } = item as Record<string, unknown>;
    if (role !== 'plan' && role !== 'config' && role !== 'policy') return undefined;
    if (typeof file !== 'string' || file === '' || typeof sha256 !== 'string' || !SHA256.test(sha256))
      return undefined;
    out.push({ role, file, sha256 });
  }
  return out;
}

/**
 * writeSavedPlan writes a rendered saved plan (its text, or savedPlanPieces) to path, named file in
 * diagnostics, whole or not at all: a new temporary file beside it, then a rename. A plan too large to be
 * read back is refused, and nothing of it is left.
 */
export function writeSavedPlan(path: string, file: string, content: Content): Diagnostic[] {
  try {
    if (replaceFile(path, content, 0o644, SAVED_PLAN_MAX_BYTES)) return [];
    const message = 'cannot write the plan: its temporary file exists';
    return [{ severity: 'error', code: 'file.unwritable', file, message }];
  } catch (e) {
    if (e instanceof TooLarge) {
      const message = `the plan is ${e.bytes.toLocaleString('en-US')} bytes, more than the ${SAVED_PLAN_MAX_BYTES / 2 ** 20} MiB a saved plan holds: split the plan`;
      return [{ severity: 'error', code: 'file.too-large', file, message }];
    }
    const why = e instanceof Error && 'code' in e ? String(e.code) : String(e);
    return [{ severity: 'error', code: 'file.unwritable', file, message: `cannot write the plan: ${why}` }];
  }
}
