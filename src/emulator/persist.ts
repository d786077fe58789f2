// Keeping the emulator's state in a --persist file across runs, safely: one emulator per
// file (the lock of src/files/lock.ts, naming its holder; a dead holder's lock is taken over
// without ever removing a live one), never writing
// through a symbolic link, each save a new file with a random name created exclusively and
// then renamed over the old one, and never a file too large to be loaded again.

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { MAX_FILE_BYTES } from '../document/text.js';
import { acquireLock, type LockAttempt, LockError } from '../files/lock.js';
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
      const tmp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
      if (!createExclusive(tmp, text)) throw persistError(file, `the temporary file ${tmp} exists`);
      try {
        renameSync(tmp, file);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw e;
      }
    },
    release() {
      if (released) return;
      released = true;
      held.release();
    },
  };
}

// Creates path with text, failing when anything (a file, a planted link) is already there; mode 0600,
// since the state holds the seed's secret keys. False when the path exists.
function createExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(path);
    throw e;
  }
  closeSync(fd);
  return true;
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
