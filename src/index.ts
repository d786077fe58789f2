// rescind as a library: what a user scripts with, typed, without spawning a process. A session (validate,
// plan, apply, show, runs), the plan and run models it hands out, the renderers of every output format,
// the vocabulary, and the error classes that cross this boundary. Internals (the engine, the providers,
// the document loader, the HTTP client) are not part of it: test/golden/api/exports.txt lists every name, and a
// test holds this file to it, so that a change to the contract is a decision (docs/library.md).

export { type DiagnosticCode, diagnosticCodes } from './diagnostics/codes.js';
export {
  type Diagnostic,
  hasErrors,
  type JsonPath,
  type Severity,
  type SourcePos,
  type SourceRange,
  sortDiagnostics,
} from './diagnostics/diagnostic.js';
export type { EmulatorOptions, EmulatorStats, RunningEmulator } from './emulator/server.js';
export type { EmulatorState } from './emulator/state.js';
export {
  AbortedError,
  CloudError,
  InsecureUrlError,
  NetworkError,
  RescindError,
  ResponseTooDeepError,
  ResponseTooLargeError,
  ThrottledError,
  TimeoutError,
  TlsError,
} from './http/errors.js';
export {
  type AccountBinding,
  Action,
  type ActionState,
  type CallerIdentity,
  canonicalJson,
  digestOf,
  hasChanges,
  type InputFile,
  isActing,
  isBlocked,
  type Observation,
  type ObservedState,
  PLAN_FORMAT_VERSION,
  type PlannedTarget,
  type PlanSummary,
  type PolicyResult,
  type SavedPlan,
  type SelectorResult,
} from './plan/model.js';
export type { Revocation, RevocationPlan } from './plan/revocation-plan.js';
export {
  type ApplyReport,
  countKey,
  isDone,
  type JournalLine,
  type OutcomeCounts,
  REPORT_FORMAT_VERSION,
  type ReportTarget,
  type RunHeader,
  type RunListing,
  type RunStatus,
  type RunsOptions,
  type RunsResult,
  type TargetOutcome,
  type TargetResult,
  targetOutcomes,
} from './plan/run.js';
export { renderValidateJson, VALIDATE_FORMAT_VERSION, type ValidateJson } from './render/diagnostics/json.js';
export { renderValidateSarif } from './render/diagnostics/sarif.js';
export { formatDiagnostic, renderValidateText } from './render/diagnostics/text.js';
export { PLAN_LIST_FORMAT_VERSION, renderPlanJson, renderPlanListJson } from './render/plan/json.js';
export { renderPlanMarkdown } from './render/plan/markdown.js';
export { renderPlanText } from './render/plan/text.js';
export { renderRunJson } from './render/run/json.js';
export { RUN_LIST_FORMAT_VERSION, renderRunListJson, renderRunListText } from './render/run/list.js';
export { renderRunMarkdown } from './render/run/markdown.js';
export { renderRunText } from './render/run/text.js';
export { ansi, plain, type Style } from './render/style.js';
export type { AppliedRun, ApplyOptions, PreparedApply, PrepareOptions } from './session/apply.js';
export type { PlanOptions } from './session/plan.js';
export {
  type ConfigResult,
  createSession,
  type HttpEvent,
  type PlanProgress,
  type Session,
  type SessionOptions,
  type Shown,
  type TargetEnd,
} from './session/session.js';
export type { PlanResult } from './session/types.js';
export type { StdinDocument, ValidatedFile, ValidateResult } from './validate/validate.js';
export { VERSION } from './version.js';
export {
  type Cloud,
  cloudOfType,
  cloudServices,
  clouds,
  type ServiceName,
  serviceNames,
  serviceOfType,
  type TypeName,
  typeNames,
} from './vocabulary.js';
