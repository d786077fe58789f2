// Reading a rescind file's bytes: the one place a file is opened for loading, so that
// every kind of file gets the same limits and the same diagnostics when it cannot be read.

import { readFileSync, statSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { MAX_FILE_BYTES, tooLarge } from './text.js';

/** ReadBytes is a file's bytes, or the diagnostic saying why they could not be read. */
export type ReadBytes = { bytes: Uint8Array } | { diagnostic: Diagnostic };

/**
 * readBytes reads the file at path, named file in diagnostics: `file.not-found` when it does not exist,
 * `file.too-large` above MAX_FILE_BYTES, `file.unreadable` with the system's code otherwise.
 */
export function readBytes(path: string, file: string): ReadBytes {
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) return { diagnostic: tooLarge(file, size) };
    return { bytes: readFileSync(path) };
  } catch (e) {
    const reason = e instanceof Error && 'code' in e ? String(e.code) : 'unknown error';
    if (reason === 'ENOENT') {
      return {
        diagnostic: { severity: 'error', code: 'file.not-found', file, message: `${file} does not exist` },
      };
    }
    return {
      diagnostic: {
        severity: 'error',
        code: 'file.unreadable',
        file,
        message: `cannot read ${file} (${reason})`,
      },
    };
  }
}
