// The emulator's authentication: the two clouds' verifiers, and the request and answer types
// (request.ts). Canonicalisation lives in the signers (src/clouds/*/sign.ts).

export { checkAlibabaHeaders, NonceCache, verifyAlibabaRequest } from './alibabacloud.js';
export { checkHuaweiHeaders, verifyHuaweiRequest } from './huaweicloud.js';
export type { AuthOutcome, SignedRequest } from './request.js';
