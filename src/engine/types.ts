// What the engine knows of revocation types: each type's provider, and how each cloud says who an
// account is. The registry's by default; a test hands the planner and the executor types of its own
// (a scripted revocation type, no network), so that their decisions are tested alone.

import { providerOf, whoami } from '../providers/registry.js';
import type { AnyRevocationType, ProviderRequest, WhoamiResponse } from '../providers/types.js';
import type { Cloud, TypeName } from '../vocabulary.js';

/** Types is how the engine finds a type's provider, and each cloud's identity read. */
export interface Types {
  providerOf(type: TypeName): AnyRevocationType;
  readonly whoami: Readonly<Record<Cloud, (req: ProviderRequest) => Promise<WhoamiResponse>>>;
}

/** registryTypes are the types of the registry (src/providers/registry.ts). */
export const registryTypes: Types = { providerOf, whoami };
