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
  ResponseTooLargeError,
  ThrottledError,
  TimeoutError,
} from './http/errors.js';
export type { RevocationPlan } from './plan/revocation-plan.js';
export { providerOf, registry } from './providers/registry.js';
export type * from './providers/types.js';
export { renderValidateJson, VALIDATE_FORMAT_VERSION, type ValidateJson } from './render/diagnostics/json.js';
export { renderValidateSarif } from './render/diagnostics/sarif.js';
export { formatDiagnostic, renderValidateText } from './render/diagnostics/text.js';
export { type DocumentKind, documentKinds, SCHEMA_BASE } from './schema/schemas.js';
export {
  type AccountNeeds,
  BUILTIN_STATE_FILE,
  type ConfigResult,
  createSession,
  type HttpTuning,
  type OpenedAccounts,
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
