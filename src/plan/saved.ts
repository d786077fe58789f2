// Reading a saved plan (PLAN.json) back: through the document pipeline, as kind SavedPlan, with
// the rule that its content still matches its digest: a plan edited after it was written is
// refused, since apply must do exactly what was reviewed.

import { type Diagnostic, jsonText } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/finding.js';
import { type KindRules, type LoadedDocument, loadDocument } from '../document/pipeline.js';
import { replaceFile } from '../files/replace.js';
import { digestOf, type SavedPlan } from './model.js';

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

/** loadSavedPlan reads and checks the saved plan at path, named file in diagnostics. */
export function loadSavedPlan(path: string, file: string): LoadedSavedPlan {
  const loaded = loadDocument(path, file, {
    kinds: ['SavedPlan'],
    rules: { SavedPlan: savedPlanRules },
    json: true,
    maxBytes: SAVED_PLAN_MAX_BYTES,
  });
  return loaded.valid ? { ...loaded, plan: loaded.data as SavedPlan } : loaded;
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
