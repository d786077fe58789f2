// The emulator's authentication: the two clouds' verifiers, and the request and answer types
// (request.ts). Canonicalisation lives in the signers (src/providers/*/sign.ts).

export { NonceCache, verifyAlibabaRequest } from './alibabacloud.js';
export { verifyHuaweiRequest } from './huaweicloud.js';
export type { AuthOutcome, SignedRequest } from './request.js';
