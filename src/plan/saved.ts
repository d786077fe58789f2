// Reading a saved plan (PLAN.json) back: through the document pipeline, as kind SavedPlan, with
// the rule that its content still matches its digest: a plan edited after it was written is
// refused, since apply must do exactly what was reviewed.

import { error } from '../diagnostics/finding.js';
import { type KindRules, type LoadedDocument, loadDocument } from '../document/pipeline.js';
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
  });
  return loaded.valid ? { ...loaded, plan: loaded.data as SavedPlan } : loaded;
}
