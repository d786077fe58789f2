// Keeping the emulator's state in a --persist file across runs, safely: one emulator per file (the
// lock of src/files/lock.ts, naming its holder; a dead holder's lock is taken over without ever
// removing a live one), each save written whole through src/files/replace.ts (a new file created
// exclusively, then renamed over the old one, never written through a symbolic link), and never a
// file too large to be loaded again.

import { lstatSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { MAX_FILE_BYTES } from '../document/text.js';
import { acquireLock, type LockAttempt, LockError } from '../files/lock.js';
import { replaceFile } from '../files/replace.js';
import { EmulatorStateError } from './seed.js';
import type { EmulatorState } from './state.js';

/**
 * PERSIST_MAX_BYTES is the largest persist file the emulator writes or reads: four times a seed's cap,
 * so that any seed it accepts, written as JSON, loads again.
 */
export const PERSIST_MAX_BYTES = 4 * MAX_FILE_BYTES;

/** Persist is a --persist file held by this emulator until release(). */
export interface Persist {
  readonly file: string;
  /** save writes state: to a new file, then renamed over the old one. Throws EmulatorStateError when too large. */
  save(state: EmulatorState): void;
  /** release gives the file back to the next emulator; a second call does nothing. */
  release(): void;
}

/**
 * holdPersist takes the --persist file for this process, or throws EmulatorStateError (code
 * emulator.persist) when its folder does not exist, it is a symbolic link or not a file, or another
 * emulator that is still running holds it.
 */
export function holdPersist(file: string): Persist {
  const folder = dirname(file);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw persistError(file, `the folder ${folder} does not exist`);
  try {
    const stats = lstatSync(file);
    if (stats.isSymbolicLink()) throw persistError(file, 'it is a symbolic link; name the file itself');
    if (!stats.isFile()) throw persistError(file, 'it is not a regular file');
  } catch (e) {
    if (e instanceof EmulatorStateError) throw e;
    // Not there yet: the first save creates it.
  }
  let attempt: LockAttempt;
  try {
    attempt = acquireLock(`${file}.lock`, `emulator keeping its state in ${file}`);
  } catch (e) {
    if (e instanceof LockError) throw persistError(file, e.message);
    throw e;
  }
  if ('heldBy' in attempt) {
    const h = attempt.heldBy;
    throw persistError(
      file,
      `another emulator is using it (pid ${h.pid} on ${h.host}, since ${h.started}); stop it, or keep the state in another file`,
    );
  }
  const { held } = attempt;
  let released = false;
  return {
    file,
    save(state) {
      const text = `${JSON.stringify(state)}\n`;
      const size = Buffer.byteLength(text);
      if (size > PERSIST_MAX_BYTES) {
        throw persistError(
          file,
          `the state is ${size} bytes, more than the ${PERSIST_MAX_BYTES} a persist file holds`,
        );
      }
      // Mode 0600: the state holds the seed's secret keys.
      if (!replaceFile(file, text, 0o600)) throw persistError(file, 'its temporary file exists');
    },
    release() {
      if (released) return;
      released = true;
      held.release();
    },
  };
}

function persistError(file: string, why: string): EmulatorStateError {
  const diagnostic: Diagnostic = {
    severity: 'error',
    code: 'emulator.persist',
    file,
    message: `cannot keep the emulator's state in ${file}: ${why}`,
  };
  return new EmulatorStateError(diagnostic.message, [diagnostic]);
}
