// The error bodies of Huawei Cloud, one shape per source: the API gateway's flat
// {error_code,error_msg,request_id}, CCE's {errorCode,errorMessage}, CCM's flat
// {error_code,error_msg} and KMS's nested {error:{error_code,error_msg}}.

import type { CloudResponse } from '../cloud.js';

/** apigwError is an error of the API gateway in front of every service (auth, throttling, routing). */
export function apigwError(status: number, code: string, message: string, requestId: string): CloudResponse {
  return { status, body: { error_msg: message, error_code: code, request_id: requestId } };
}

/** cceError is an error of CCE. */
export function cceError(status: number, code: string, message: string): CloudResponse {
  return { status, body: { errorMessage: message, errorCode: code } };
}

/** ccmError is an error of CCM (private CA). */
export function ccmError(status: number, code: string, message: string): CloudResponse {
  return { status, body: { error_code: code, error_msg: message } };
}

/** kmsError is an error of KMS. */
export function kmsError(status: number, code: string, message: string): CloudResponse {
  return { status, body: { error: { error_code: code, error_msg: message } } };
}
