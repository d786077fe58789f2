// rescind as a library: everything the CLI does is reachable from here, typed,
// without spawning a process. The CLI (src/cli/) is a thin layer over these.

export { type DiagnosticCode, diagnosticCodes } from './diagnostics/codes.js';
export type { Diagnostic, JsonPath, Severity, SourcePos, SourceRange } from './diagnostics/diagnostic.js';
export { hasErrors, sortDiagnostics } from './diagnostics/diagnostic.js';
export { type LoadResult, loadYaml, type YamlSource } from './document/load.js';
export {
  type CheckedDocument,
  checkData,
  checkSource,
  type KindRules,
  type LoadedDocument,
  type LoadOptions,
  loadDocument,
  type RuleBook,
} from './document/pipeline.js';
export { decodeText } from './document/text.js';
export {
  type EmulatorOptions,
  type EmulatorStats,
  type RunningEmulator,
  startEmulator,
} from './emulator/server.js';
export type { EmulatorState } from './emulator/state.js';
export {
  type ExecuteEvent,
  type ExecuteResult,
  isDone,
  type TargetOutcome,
  type TargetResult,
  targetOutcomes,
} from './engine/executor.js';
export type { PlanResult } from './engine/planner.js';
export { type ApplyReport, REPORT_FORMAT_VERSION, type RunStatus, reportOf } from './engine/report.js';
export { type LoadedRun, listRuns, loadRun } from './engine/runs.js';
export {
  type CallOptions,
  type CallResult,
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
} from './http/client.js';
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
export { type ActionState, PLAN_FORMAT_VERSION, type PlannedTarget, type SavedPlan } from './plan/model.js';
export type { RevocationPlan } from './plan/revocation-plan.js';
export { loadSavedPlan } from './plan/saved.js';
export { providerOf, registry } from './providers/registry.js';
export type * from './providers/types.js';
export { renderValidateJson, VALIDATE_FORMAT_VERSION, type ValidateJson } from './render/diagnostics/json.js';
export { renderValidateSarif } from './render/diagnostics/sarif.js';
export { formatDiagnostic, renderValidateText } from './render/diagnostics/text.js';
export { renderPlanJson } from './render/plan/json.js';
export { renderPlanMarkdown } from './render/plan/markdown.js';
export { renderPlanText } from './render/plan/text.js';
export { renderRunJson } from './render/run/json.js';
export { RUN_LIST_FORMAT_VERSION, renderRunListJson, renderRunListText } from './render/run/list.js';
export { renderRunMarkdown } from './render/run/markdown.js';
export { renderRunText } from './render/run/text.js';
export { type DocumentKind, documentKinds, SCHEMA_BASE } from './schema/schemas.js';
export type { AppliedRun, ApplyOptions, PreparedApply, PrepareOptions } from './session/apply.js';
export {
  type AccountNeeds,
  BUILTIN_STATE_FILE,
  type ConfigResult,
  createSession,
  type HttpTuning,
  type OpenedAccounts,
  type RunListing,
  type RunsOptions,
  type RunsResult,
  type Session,
  type SessionOptions,
} from './session/session.js';
export { type CheckContext, checkDocument } from './validate/check-document.js';
export {
  type ValidatedFile,
  type ValidateOptions,
  type ValidateResult,
  validatePaths,
} from './validate/validate.js';
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
