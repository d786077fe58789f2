// Reading a rescind file's bytes: the one place a file is opened for loading, so that
// every kind of file gets the same limits and the same diagnostics when it cannot be read.
// Only a regular file is read (a link to one is followed): a device never ends, and a FIFO
// waits for a writer. The size cap counts the bytes actually read, not what stat says (0 for
// a device, and a file may grow while it is read).

import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { MAX_FILE_BYTES, tooLarge } from './text.js';

/** ReadBytes is a file's bytes, or the diagnostic saying why they could not be read. */
export type ReadBytes = { bytes: Uint8Array } | { diagnostic: Diagnostic };

/** ReadOptions: the most bytes accepted; MAX_FILE_BYTES by default. */
export interface ReadOptions {
  readonly maxBytes?: number;
  /** head reads only the file's first head bytes (fewer when it is shorter), whatever its size. */
  readonly head?: number;
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer (it is refused once open).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK = 64 * 1024;

/**
 * readBytes reads the regular file at path, named file in diagnostics, up to maxBytes:
 * `file.not-found` when it does not exist, `file.not-regular` naming what it is instead,
 * `file.too-large` past the cap (counted as read), `file.unreadable` with the system's code otherwise.
 */
export function readBytes(path: string, file: string, options: ReadOptions = {}): ReadBytes {
  const max = options.maxBytes ?? MAX_FILE_BYTES;
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    // A socket cannot be opened (ENXIO), nor some folders: say what the path is, when it is something.
    let stats: Stats | undefined;
    try {
      stats = statSync(path);
    } catch {
      stats = undefined;
    }
    if (stats !== undefined && !stats.isFile()) return { diagnostic: notRegular(file, stats) };
    return { diagnostic: systemError(file, e) };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { diagnostic: notRegular(file, stats) };
    const head = options.head;
    if (head === undefined && stats.size > max) return { diagnostic: tooLarge(file, stats.size, max) };
    // One buffer of the size stat says (and a byte more, to see the file grow while it is read), read
    // into in place: a 55 MB saved plan read in 64 KiB pieces and joined took twice its size, and the
    // pieces stayed in the allocator's heap after they were freed. A file longer than it said goes on
    // in pieces.
    const first = Buffer.allocUnsafe(Math.min(head ?? stats.size, stats.size, max) + 1);
    let total = 0;
    for (;;) {
      const n = readSync(fd, first, total, first.length - total, null);
      if (n === 0) break;
      total += n;
      if (total === first.length) break;
    }
    const chunks: Buffer[] = [first.subarray(0, total)];
    if (total === first.length) {
      for (;;) {
        if (head !== undefined && total >= head) break;
        if (total > max) return { diagnostic: tooLarge(file, total, max) };
        const chunk = Buffer.allocUnsafe(CHUNK);
        const n = readSync(fd, chunk, 0, CHUNK, null);
        if (n === 0) break;
        total += n;
        chunks.push(n === CHUNK ? chunk : chunk.subarray(0, n));
      }
    }
    if (total > max && head === undefined) return { diagnostic: tooLarge(file, total, max) };
    const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
    return { bytes: head !== undefined && total > head ? bytes.subarray(0, head) : bytes };
  } catch (e) {
    return { diagnostic: systemError(file, e) };
  } finally {
    closeSync(fd);
  }
}

function notRegular(file: string, stats: Stats): Diagnostic {
  return {
    severity: 'error',
    code: 'file.not-regular',
    file,
    message: `${file} is ${typeOf(stats)}, not a regular file`,
  };
}

function typeOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

function systemError(file: string, e: unknown): Diagnostic {
  const reason = e instanceof Error && 'code' in e ? String(e.code) : 'unknown error';
  if (reason === 'ENOENT') {
    return { severity: 'error', code: 'file.not-found', file, message: `${file} does not exist` };
  }
  return { severity: 'error', code: 'file.unreadable', file, message: `cannot read ${file} (${reason})` };
}
