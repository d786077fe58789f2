// Loading a seed (a file, or data) through the document pipeline with the seed rules, and
// the state a previous run persisted (persist.ts writes it).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checkData, loadDocument, type RuleBook } from '../document/pipeline.js';
import { checkEmulatorState } from './seed-rules.js';
import type { EmulatorState } from './state.js';

/** demoSeedPath is the demo seed that `rescind emulator` serves without --state. */
export const demoSeedPath = fileURLToPath(
  new URL('../../plans/examples/emulator-seed.yaml', import.meta.url),
);

/** EmulatorStateError is a seed that cannot be served; diagnostics say why and where. */
export class EmulatorStateError extends Error {
  override readonly name = 'EmulatorStateError';
  readonly code = 'RESCIND_EMULATOR_STATE';
  readonly diagnostics: readonly Diagnostic[];

  constructor(message: string, diagnostics: readonly Diagnostic[], options?: { cause?: unknown }) {
    super(message, options);
    this.diagnostics = diagnostics;
  }
}

/** SeedResult is a seed's state, when it is valid, and its diagnostics. */
export interface SeedResult {
  state?: EmulatorState;
  diagnostics: Diagnostic[];
}

/** seedRules are the rules of kind EmulatorState beyond its schema (seed-rules.ts). */
export const seedRules: RuleBook = {
  EmulatorState: { check: (data) => checkEmulatorState(data as EmulatorState) },
};

/** readSeedFile reads, parses and checks a seed file (YAML or JSON); diagnostics are located in file. */
export function readSeedFile(file: string, maxBytes?: number): SeedResult {
  const loaded = loadDocument(file, file, {
    kinds: ['EmulatorState'],
    rules: seedRules,
    // A persisted state (the only one given a larger cap) is the emulator's own JSON.
    ...(maxBytes === undefined ? {} : { maxBytes, json: true }),
  });
  return loaded.valid ? { state: loaded.data as EmulatorState, diagnostics: loaded.diagnostics } : loaded;
}

/** checkSeedData checks a seed given as data (not a file); diagnostics carry JSON paths, no ranges. */
export function checkSeedData(data: unknown): SeedResult {
  const checked = checkData(data, { kinds: ['EmulatorState'], rules: seedRules });
  return checked.valid ? { state: data as EmulatorState, diagnostics: checked.diagnostics } : checked;
}

/** loadSeed turns the state option of startEmulator into a state, or throws EmulatorStateError. */
export function loadSeed(seed: string | EmulatorState | undefined): EmulatorState {
  if (seed === undefined || typeof seed === 'string') {
    const file = seed ?? demoSeedPath;
    const result = readSeedFile(file);
    if (result.state === undefined) {
      throw new EmulatorStateError(`emulator state ${file} is not valid`, result.diagnostics);
    }
    return result.state;
  }
  const result = checkSeedData(structuredClone(seed));
  if (result.state === undefined)
    throw new EmulatorStateError('emulator state is not valid', result.diagnostics);
  return result.state;
}

/**
 * loadPersisted reads the state saved by a previous run, if file exists (undefined when it does not),
 * up to maxBytes: what the emulator writes is larger than a seed it read.
 */
export function loadPersisted(file: string, maxBytes: number): EmulatorState | undefined {
  if (!existsSync(file)) return undefined;
  const result = readSeedFile(file, maxBytes);
  if (result.state === undefined) {
    throw new EmulatorStateError(`persisted emulator state ${file} is not valid`, result.diagnostics);
  }
  return result.state;
}
