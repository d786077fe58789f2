// Reading a saved plan (PLAN.json) back: through the document pipeline, as kind SavedPlan, with
// the rule that its content still matches its digest: a plan edited after it was written is
// refused, since apply must do exactly what was reviewed.

import { type Diagnostic, jsonText } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/finding.js';
import {
  checkParsed,
  type KindRules,
  type LoadedDocument,
  type LoadOptions,
  loadDocument,
  type ParsedDocument,
  parseDocument,
} from '../document/pipeline.js';
import { replaceFile } from '../files/replace.js';
import { digestOf, type InputFile, type SavedPlan } from './model.js';

/** savedPlanRules check, beyond the schema, that the plan's digest is the digest of its content. */
export const savedPlanRules: KindRules = {
  check: (data) => {
    const plan = data as SavedPlan;
    return digestOf(plan) === plan.digest
      ? []
      : [
          error(
            'plan.digest',
            ['digest'],
            'the saved plan was changed after it was written: its content does not match its digest',
          ),
        ];
  },
};

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
  return `${jsonText(JSON.stringify(plan, null, 2))}\n`;
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
  const loaded = loadDocument(path, file, SAVED_PLAN_OPTIONS);
  return loaded.valid ? { ...loaded, plan: loaded.data as SavedPlan } : loaded;
}

/**
 * ParsedSavedPlan is a saved plan read and parsed, not yet checked: its data is any JSON, its inputs
 * are what its `inputs` look like when they have the schema's shape.
 */
export interface ParsedSavedPlan {
  readonly parsed: ParsedDocument;
  readonly inputs?: readonly InputFile[];
}

/**
 * parseSavedPlan reads and parses the saved plan at path without its checks (schema, digest), which
 * checkSavedPlan runs: apply starts its fresh plan on the inputs first, and checks the saved plan
 * (0.8 s of a 50,000-target plan) while the fresh plan's reads are in flight. Nothing but its inputs
 * is used before it is checked, and they only name the files to plan again, whose bytes must hash to
 * what they say. Inputs are given only when they have the schema's shape, at most MAX_INPUTS of them.
 */
export function parseSavedPlan(path: string, file: string): ParsedSavedPlan | LoadedSavedPlan {
  const parsed = parseDocument(path, file, SAVED_PLAN_OPTIONS);
  if ('diagnostics' in parsed) return parsed;
  const inputs = inputsOf(parsed.source.data);
  return inputs === undefined ? { parsed } : { parsed, inputs };
}

/** checkSavedPlan checks a parsed saved plan as loadSavedPlan does. */
export function checkSavedPlan(saved: ParsedSavedPlan): LoadedSavedPlan {
  const loaded = checkParsed(saved.parsed, SAVED_PLAN_OPTIONS);
  return loaded.valid ? { ...loaded, plan: loaded.data as SavedPlan } : loaded;
}

const MAX_INPUTS = 1000;
const SHA256 = /^[0-9a-f]{64}$/;

function inputsOf(data: unknown): InputFile[] | undefined {
  if (typeof data !== 'object' || data === null || !Object.hasOwn(data, 'inputs')) return undefined;
  const inputs: unknown = (data as { inputs: unknown }).inputs;
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
 * writeSavedPlan writes text (a rendered saved plan) to path, named file in diagnostics, whole or not
 * at all: a new temporary file beside it, then a rename. A plan too large to be read back is refused.
 */
export function writeSavedPlan(path: string, file: string, text: string): Diagnostic[] {
  const size = Buffer.byteLength(text);
  if (size > SAVED_PLAN_MAX_BYTES) {
    const message = `the plan is ${size.toLocaleString('en-US')} bytes, more than the ${SAVED_PLAN_MAX_BYTES / 2 ** 20} MiB a saved plan holds: split the plan`;
    return [{ severity: 'error', code: 'file.too-large', file, message }];
  }
  try {
    if (replaceFile(path, text, 0o644)) return [];
    const message = 'cannot write the plan: its temporary file exists';
    return [{ severity: 'error', code: 'file.unwritable', file, message }];
  } catch (e) {
    const why = e instanceof Error && 'code' in e ? String(e.code) : String(e);
    return [{ severity: 'error', code: 'file.unwritable', file, message: `cannot write the plan: ${why}` }];
  }
}
