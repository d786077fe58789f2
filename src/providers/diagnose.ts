// A failed cloud call as a diagnostic: the typed errors of src/http become
// values the engine can report and journal. Anything else is a bug and is thrown.

import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import {
  AbortedError,
  CloudError,
  CredentialsError,
  InsecureUrlError,
  NetworkError,
  RescindError,
  ResponseTooDeepError,
  ResponseTooLargeError,
  ThrottledError,
  TimeoutError,
  TlsError,
} from '../http/errors.js';

/** callFailed turns an error of a cloud call into a diagnostic about address; it rethrows bugs. */
export function callFailed(err: unknown, address?: string): Diagnostic {
  if (!(err instanceof RescindError)) throw err;
  let code: DiagnosticCode = 'cloud.error';
  if (err instanceof ThrottledError || (err instanceof CloudError && err.throttled)) code = 'cloud.throttled';
  else if (err instanceof TlsError) code = 'cloud.tls';
  else if (err instanceof NetworkError || err instanceof TimeoutError) code = 'cloud.unreachable';
  else if (err instanceof AbortedError) code = 'cloud.aborted';
  else if (err instanceof InsecureUrlError) code = 'account.endpoint';
  else if (err instanceof CredentialsError) code = 'account.credentials';
  else if (err instanceof ResponseTooLargeError || err instanceof ResponseTooDeepError)
    code = 'cloud.unexpected';
  return problem(code, err.message, address);
}

/** problem is an error diagnostic without a source location, about address when given. */
export function problem(code: DiagnosticCode, message: string, address?: string): Diagnostic {
  return { severity: 'error', code, message, ...(address === undefined ? {} : { address }) };
}
