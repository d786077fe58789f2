// Writing a file whole or not at all, never through what a folder already holds under that name: the
// text goes to a new temporary file beside it (created exclusively, so a planted file or link there is
// refused), is synced, and is renamed over the name, which replaces a link instead of following it.

import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';

/**
 * Content is what a file is written with: a text; its pieces in order (a large saved plan, a target at
 * a time, so that its whole text is never in memory at once); or a copy of the bytes of the file at
 * `copyOf`, made only when they hash to `sha256` (the SHA-256 of the bytes once read and checked), and
 * `otherwise` when they do not (the file changed since, or cannot be read).
 */
export type Content =
  | string
  | { readonly pieces: Iterable<string> }
  | { readonly copyOf: string; readonly sha256: string; readonly otherwise: Content };

/** TooLarge is thrown when content is over the size a write allows; bytes is the content's whole size. */
export class TooLarge extends Error {
  readonly bytes: number;
  constructor(bytes: number) {
    super(`${bytes} bytes`);
    this.bytes = bytes;
  }
}

/**
 * createExclusive creates path with content and mode, failing when anything (a file, a planted link) is
 * already there: false then. The file is synced before it is closed. Content over maxBytes throws
 * TooLarge, and leaves no file.
 */
export function createExclusive(path: string, content: Content, mode: number, maxBytes = Infinity): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', mode);
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeContent(fd, content, maxBytes);
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
 * replaceFile writes content to path through a new temporary file beside it and a rename; false when the
 * temporary name is taken (a planted file: nothing is written). Content over maxBytes throws TooLarge.
 */
export function replaceFile(path: string, content: Content, mode: number, maxBytes = Infinity): boolean {
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  if (!createExclusive(tmp, content, mode, maxBytes)) return false;
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return true;
}

/**
 * inBatches gathers pieces of a text into strings of at least chars characters (the last one shorter),
 * so that a text given a line or a target at a time is written in a few large writes.
 */
export function* inBatches(pieces: Iterable<string>, chars: number): Generator<string> {
  let gathered = '';
  for (const piece of pieces) {
    gathered += piece;
    if (gathered.length >= chars) {
      yield gathered;
      gathered = '';
    }
  }
  if (gathered !== '') yield gathered;
}

// Pieces are gathered to about this many characters before each write.
const WRITE_CHARS = 1 << 20;

// Writes content to fd (new and empty), counting its bytes; past maxBytes nothing more is written, and
// the rest is only counted, for TooLarge to say the whole size.
function writeContent(fd: number, content: Content, maxBytes: number): void {
  if (typeof content !== 'string' && 'copyOf' in content) {
    if (copyChecked(fd, content.copyOf, content.sha256, maxBytes)) return;
    ftruncateSync(fd, 0);
    writeContent(fd, content.otherwise, maxBytes);
    return;
  }
  let bytes = 0;
  const write = (text: string): void => {
    if (bytes > maxBytes) {
      bytes += Buffer.byteLength(text);
      return;
    }
    const buffer = Buffer.from(text);
    const start = bytes;
    bytes += buffer.length;
    if (bytes > maxBytes) return;
    for (let at = 0; at < buffer.length; ) at += writeSync(fd, buffer, at, buffer.length - at, start + at);
  };
  if (typeof content === 'string') write(content);
  else for (const batch of inBatches(content.pieces, WRITE_CHARS)) write(batch);
  if (bytes > maxBytes) throw new TooLarge(bytes);
}

// A copy is made this many bytes at a time.
const COPY_BYTES = 1 << 20;
// O_NONBLOCK: a FIFO put in the file's place must not hold the copy (it is refused once open).
const COPY_FROM_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

// Copies the bytes of the file at from to fd, from its start, hashing them as they go: true when they
// hash to sha256 and are at most maxBytes. False when they do not, or the file cannot be read, with what
// was copied left for the caller to cut; a failed write throws.
function copyChecked(fd: number, from: string, sha256: string, maxBytes: number): boolean {
  let source: number;
  try {
    source = openSync(from, COPY_FROM_FLAGS);
  } catch {
    return false;
  }
  try {
    if (!fstatSync(source).isFile()) return false;
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(COPY_BYTES);
    let bytes = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(source, chunk, 0, chunk.length, null);
      } catch {
        return false;
      }
      if (n === 0) return hash.digest('hex') === sha256;
      if (bytes + n > maxBytes) return false;
      hash.update(chunk.subarray(0, n));
      for (let at = 0; at < n; ) at += writeSync(fd, chunk, at, n - at, bytes + at);
      bytes += n;
    }
  } finally {
    closeSync(source);
  }
}
