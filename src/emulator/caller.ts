// Who an account on the built-in emulator calls as: the first identity of the state that
// can sign for a cloud, and where that identity's resources are (its project, its domain).

import type { Cloud } from '../vocabulary.js';
import type { EmulatorState } from './state.js';

/** Caller is an identity that signs requests to the emulator, and the scope its calls need. */
export type Caller =
  | {
      cloud: 'huaweicloud';
      accessKey: string;
      secretKey: string;
      /** projectId is the project of the state's first KMS key, else of its first CCE cluster. */
      projectId?: string;
      domainId?: string;
    }
  | { cloud: 'alibabacloud'; accessKeyId: string; accessKeySecret: string };

/** callerOf is the first identity of state with an access key for cloud; undefined when there is none. */
export function callerOf(state: EmulatorState, cloud: Cloud): Caller | undefined {
  for (const identity of state.identities) {
    if (identity.cloud !== cloud) continue;
    if (identity.cloud === 'alibabacloud') {
      return {
        cloud: 'alibabacloud',
        accessKeyId: identity.accessKeyId,
        accessKeySecret: identity.accessKeySecret,
      };
    }
    if (identity.accessKey === undefined || identity.secretKey === undefined) continue;
    const projectId =
      state.huaweicloud?.kms?.keys?.[0]?.project_id ?? state.huaweicloud?.cce?.clusters?.[0]?.project_id;
    return {
      cloud: 'huaweicloud',
      accessKey: identity.accessKey,
      secretKey: identity.secretKey,
      ...(projectId === undefined ? {} : { projectId }),
      ...(identity.domainId === undefined ? {} : { domainId: identity.domainId }),
    };
  }
  return undefined;
}
