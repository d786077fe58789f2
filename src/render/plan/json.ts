// `rescind plan --format json`, `rescind show --format json` and the file `plan --out` writes: the
// saved plan itself (schemas/saved-plan.schema.json, versioned by formatVersion), the same bytes in
// all three places.

import { jsonText } from '../../diagnostics/diagnostic.js';
import type { SavedPlan } from '../../plan/model.js';

/** renderPlanJson is a saved plan as JSON, two spaces indented, with a final newline. */
export function renderPlanJson(plan: SavedPlan): string {
  return `${jsonText(JSON.stringify(plan, null, 2))}\n`;
}
