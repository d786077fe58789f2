// Keeping the emulator's state in a --persist file across runs, safely: one emulator per
// file (a lock file naming its holder; a dead holder's lock is taken over), never writing
// through a symbolic link, each save a new file with a random name created exclusively and
// then renamed over the old one, and never a file too large to be loaded again.

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { MAX_FILE_BYTES } from '../document/text.js';
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

interface Holder {
  pid: number;
  host: string;
  started: string;
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
  const lock = `${file}.lock`;
  const me: Holder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  if (!createExclusive(lock, `${JSON.stringify(me)}\n`)) {
    const holder = readHolder(lock);
    if (holder !== undefined && isRunning(holder)) {
      throw persistError(
        file,
        `another emulator is using it (pid ${holder.pid} on ${holder.host}, since ${holder.started}); stop it, or keep the state in another file`,
      );
    }
    // The holder is gone (killed, or crashed): take its lock over.
    rmSync(lock, { force: true });
    if (!createExclusive(lock, `${JSON.stringify(me)}\n`)) {
      throw persistError(file, 'another emulator took it at the same moment');
    }
  }
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
      if (readHolder(lock)?.pid === me.pid) rmSync(lock, { force: true });
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

function readHolder(lock: string): Holder | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(lock, 'utf8').slice(0, 4096));
    if (value === null || typeof value !== 'object') return undefined;
    const { pid, host, started } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof host !== 'string' || typeof started !== 'string') return undefined;
    return { pid, host, started };
  } catch {
    return undefined;
  }
}

// A holder on another host cannot be checked: it counts as running.
function isRunning(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return e instanceof Error && 'code' in e && e.code === 'EPERM';
  }
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
