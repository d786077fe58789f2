// The built-in emulator's state of a folder (.rescind/emulator-state.json): what `emulator: builtin`
// accounts revoked so far, kept between runs so that an example applied once shows `already revoked`
// next time. Seen with `rescind emulator --show-builtin`, forgotten with `--reset-builtin`.

import { existsSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { holdPersist, PERSIST_MAX_BYTES } from '../emulator/persist.js';
import { loadPersisted } from '../emulator/seed.js';
import type { EmulatorState } from '../emulator/state.js';
import { BUILTIN_INSTANCE_FILE, BUILTIN_STATE_FILE } from './session.js';

/** BuiltinState is the built-in emulator's state file of a folder, and its state when there is one. */
export interface BuiltinState {
  file: string;
  /** state is the state with every secret (secret keys, tokens) replaced; absent before the first run. */
  state?: EmulatorState;
}

/** showBuiltin reads the built-in emulator's state of cwd; throws EmulatorStateError when it is not valid. */
export function showBuiltin(cwd: string): BuiltinState {
  const state = loadPersisted(resolve(cwd, BUILTIN_STATE_FILE), PERSIST_MAX_BYTES);
  return state === undefined
    ? { file: BUILTIN_STATE_FILE }
    : { file: BUILTIN_STATE_FILE, state: redacted(state) };
}

/**
 * resetBuiltin forgets the built-in emulator's state of cwd, so that the next run starts from the demo
 * seed; it holds the state's lock meanwhile, so a command using it now is never pulled from under
 * (EmulatorStateError names it). True when there was a state to forget.
 */
export function resetBuiltin(cwd: string): boolean {
  const file = resolve(cwd, BUILTIN_STATE_FILE);
  if (!existsSync(dirname(file))) return false;
  const held = holdPersist(file);
  try {
    const existed = loadPersisted(file, PERSIST_MAX_BYTES) !== undefined;
    rmSync(file, { force: true });
    rmSync(resolve(cwd, BUILTIN_INSTANCE_FILE), { force: true });
    return existed;
  } finally {
    held.release();
  }
}

function redacted(state: EmulatorState): EmulatorState {
  return {
    ...state,
    identities: state.identities.map((i) => {
      const copy: Record<string, unknown> = { ...i };
      for (const secret of ['secretKey', 'token', 'accessKeySecret'])
        if (secret in copy) copy[secret] = '(redacted)';
      return copy as unknown as typeof i;
    }),
  };
}
