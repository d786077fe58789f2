// `rescind plan --format json`, `rescind show --format json` and the file `plan --out` writes: the
// saved plan itself (schemas/saved-plan.schema.json, versioned by formatVersion), the same bytes in
// all three places.

import { jsonText } from '../../diagnostics/diagnostic.js';
import type { SavedPlan } from '../../plan/model.js';
import { savedPlanText } from '../../plan/saved.js';

/** renderPlanJson is a saved plan as JSON, two spaces indented, with a final newline. */
export function renderPlanJson(plan: SavedPlan): string {
  return savedPlanText(plan);
}

/** PLAN_LIST_FORMAT_VERSION is bumped on any incompatible change of the plan list. */
export const PLAN_LIST_FORMAT_VERSION = '1';

/**
 * renderPlanListJson is several saved plans as one JSON document (`plan --format json` of several
 * files; schemas/plan-list.schema.json): each plan whole, as `plan --out` writes it, in the order planned.
 */
export function renderPlanListJson(plans: readonly SavedPlan[]): string {
  const list = { apiVersion: 'rescind/v1', kind: 'PlanList', formatVersion: PLAN_LIST_FORMAT_VERSION, plans };
  return `${jsonText(JSON.stringify(list, null, 2))}\n`;
}
