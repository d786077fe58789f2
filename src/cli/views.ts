// One table from each output format to its renderer, per kind of result, as Spectral's formatters and
// Terraform's views do: a command names the kind and the format it was asked for, and never picks a
// renderer with an if of its own. A new format is a row here (and the renderer in src/render/).

import { inBatches } from '../files/replace.js';
import { renderValidateJson } from '../render/diagnostics/json.js';
import { renderValidateSarif } from '../render/diagnostics/sarif.js';
import { renderValidateText } from '../render/diagnostics/text.js';
import { renderPlanJson, renderPlanListJson } from '../render/plan/json.js';
import { renderPlanMarkdown } from '../render/plan/markdown.js';
import { renderPlanText } from '../render/plan/text.js';
import { renderRunJson } from '../render/run/json.js';
import { renderRunListJson, renderRunListText } from '../render/run/list.js';
import { renderRunMarkdown } from '../render/run/markdown.js';
import { runTextPieces } from '../render/run/text.js';
import type { Style } from '../render/style.js';
import type { ApplyReport, RunsResult, SavedPlan } from '../session/session.js';
import type { ValidateResult } from '../validate/validate.js';
import type { Output } from './io.js';

/**
 * View renders a value in one format; text views colour with the style of their stream. A view of
 * something that grows with a plan (a run's report) gives its text in pieces, written as they are made.
 */
type View<T> = (value: T, style: Style) => string | Pieces;

/** Pieces is a text given a piece at a time. */
interface Pieces {
  readonly pieces: Iterable<string>;
}

/** VIEWS are each kind's renderers, by the format a command's --format names. */
export const VIEWS = {
  plan: {
    text: (plan, style) => renderPlanText(plan, style),
    json: (plan) => renderPlanJson(plan),
    markdown: (plan) => renderPlanMarkdown(plan),
  } satisfies Record<string, View<SavedPlan>>,
  plans: {
    json: (plans) => renderPlanListJson(plans),
  } satisfies Record<string, View<readonly SavedPlan[]>>,
  run: {
    text: (report, style) => ({ pieces: runTextPieces(report, style) }),
    json: (report) => renderRunJson(report),
    markdown: (report) => renderRunMarkdown(report),
  } satisfies Record<string, View<ApplyReport>>,
  runs: {
    text: (result, style) => renderRunListText(result, style),
    json: (result) => renderRunListJson(result),
  } satisfies Record<string, View<RunsResult>>,
  validate: {
    text: (result, style) => renderValidateText(result, style),
    json: (result) => renderValidateJson(result),
    sarif: (result) => renderValidateSarif(result),
  } satisfies Record<string, View<ValidateResult>>,
} as const;

/** Values are the value each kind's views render. */
interface Values {
  plan: SavedPlan;
  plans: readonly SavedPlan[];
  run: ApplyReport;
  runs: RunsResult;
  validate: ValidateResult;
}

/**
 * view renders value of kind in format, or in text when the kind has no such format (a command's
 * --format allows only its kind's formats: the parser refused any other).
 */
export function view<K extends keyof Values>(
  kind: K,
  format: unknown,
  value: Values[K],
  style: Style,
): string {
  const rendered = renderView(kind, format, value, style);
  return typeof rendered === 'string' ? rendered : [...rendered.pieces].join('');
}

/** writeView writes what view returns to out, a piece at a time when the view gives pieces. */
export function writeView<K extends keyof Values>(
  out: Output,
  kind: K,
  format: unknown,
  value: Values[K],
  style: Style,
): void {
  const rendered = renderView(kind, format, value, style);
  if (typeof rendered === 'string') {
    out.write(rendered);
    return;
  }
  for (const batch of inBatches(rendered.pieces, WRITE_CHARS)) out.write(batch);
}

// Pieces are gathered to about this many characters before each write.
const WRITE_CHARS = 64 * 1024;

function renderView<K extends keyof Values>(
  kind: K,
  format: unknown,
  value: Values[K],
  style: Style,
): string | Pieces {
  const views = VIEWS[kind] as Record<string, View<Values[K]>>;
  const render = (typeof format === 'string' ? views[format] : undefined) ?? views.text;
  if (render === undefined) throw new Error(`no ${String(format)} view of ${kind}`);
  return render(value, style);
}
