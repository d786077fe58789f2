// The signing vectors of test/fixtures/signing/signing-vectors.json (a verbatim copy of
// the reference vectors produced with the clouds' official SDKs), read once and typed.

import { readFileSync } from 'node:fs';
import type { AlibabaQuery } from '../../src/clouds/alibabacloud/sign.js';
import type { HuaweiQuery } from '../../src/clouds/huaweicloud/sign.js';
import { fixture } from './paths.js';

/** Wire is a request exactly as the SDK put it on the wire. */
export interface Wire {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** HuaweiVector is one SDK-HMAC-SHA256 vector. */
export interface HuaweiVector {
  id: string;
  input: { access_key: string; secret_key: string; security_token: string | null; clock_utc: string };
  signer_input: {
    method: string;
    endpoint: string;
    queryParams: HuaweiQuery;
    headers: Record<string, string>;
  };
  expected: {
    x_sdk_date: string;
    canonical_request: string;
    hashed_payload: string;
    signed_headers: string;
    string_to_sign: string;
    signature: string;
    authorization: string;
  };
  wire: Wire;
  published_example?: { signature: string; matches: boolean };
}

/** AlibabaVector is one ACS3-HMAC-SHA256 vector. */
export interface AlibabaVector {
  id: string;
  input: {
    access_key_id: string;
    access_key_secret: string;
    security_token: string | null;
    clock_utc: string;
    nonce: string;
  };
  signer_input: {
    method: string;
    pathname: string;
    query: AlibabaQuery;
    headers: Record<string, string>;
    hashedRequestPayload: string;
  };
  expected: {
    x_acs_date: string;
    x_acs_signature_nonce: string;
    x_acs_content_sha256: string;
    canonical_request: string;
    signed_headers: string;
    string_to_sign: string;
    signature: string;
    authorization: string;
  };
  wire: Wire;
  published_example?: { signature: string; matches: boolean };
  cross_checks?: { authorization: string; identical_authorization: boolean }[];
}

const all = JSON.parse(readFileSync(fixture('signing/signing-vectors.json'), 'utf8')) as {
  huawei: { vectors: HuaweiVector[] };
  alibaba: { vectors: AlibabaVector[] };
};

/** huaweiVectors and alibabaVectors are every vector of each cloud, in file order. */
export const huaweiVectors: readonly HuaweiVector[] = all.huawei.vectors;
export const alibabaVectors: readonly AlibabaVector[] = all.alibaba.vectors;
