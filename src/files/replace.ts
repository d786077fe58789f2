// Writing a file whole or not at all, never through what a folder already holds under that name: the
// text goes to a new temporary file beside it (created exclusively, so a planted file or link there is
// refused), is synced, and is renamed over the name, which replaces a link instead of following it.

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';

/**
 * createExclusive creates path with text and mode, failing when anything (a file, a planted link) is
 * already there: false then. The file is synced before it is closed.
 */
export function createExclusive(path: string, text: string, mode: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', mode);
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

/**
 * replaceFile writes text to path through a new temporary file beside it and a rename; false when the
 * temporary name is taken (a planted file: nothing is written).
 */
export function replaceFile(path: string, text: string, mode: number): boolean {
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  if (!createExclusive(tmp, text, mode)) return false;
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return true;
}
