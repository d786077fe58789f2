// A run's journal: an append-only file of JSON lines, one record per line, that survives a crash.
// Appends are group-committed (one write and one fsync for every append that arrived meanwhile) and
// resolve only once durable; reading drops a torn last line and refuses anything else it cannot trust.
// It knows nothing of plans or clouds: a record is any JSON object.

import {
  close as closeFd,
  closeSync,
  constants,
  fstatSync,
  fsync,
  ftruncateSync,
  openSync,
  readSync,
  type Stats,
  write,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** MAX_LINE_BYTES is the longest journal line, in bytes without its newline: longer records are refused. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** MAX_JOURNAL_BYTES is the largest journal readJournal reads unless told otherwise. */
export const MAX_JOURNAL_BYTES = 256 * 1024 * 1024;

const NEWLINE = 0x0a;
const CHUNK = 64 * 1024;
// Never through a symbolic link (the platforms without O_NOFOLLOW have no such links in practice);
// O_NONBLOCK: opening a FIFO must not wait for its other end (it is refused once open).
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * JournalError is a journal that cannot be opened, read or written. The message names the file and,
 * for a bad line, its 1-based number (also in `line`); it never quotes the file's content.
 */
export class JournalError extends Error {
  override readonly name = 'JournalError';
  readonly code = 'RESCIND_JOURNAL';
  readonly path: string;
  readonly line: number | undefined;

  constructor(path: string, line: number | undefined, why: string, options?: { readonly cause?: unknown }) {
    super(
      line === undefined ? `journal ${path}: ${why}` : `journal ${path}, line ${line}: ${why}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.path = path;
    this.line = line;
  }
}

/** JournalWriter appends records, one JSON object per line, to a journal file. */
export interface JournalWriter {
  readonly path: string;
  /** syncs is how many write+fsync rounds have completed (each serves every append queued meanwhile). */
  readonly syncs: number;
  /**
   * append queues one record; the promise resolves once the line is written AND fsync'd. The record is
   * serialized at once (later changes to it are not journaled); one that is not a plain JSON object on
   * one line of at most MAX_LINE_BYTES is refused alone. A failed write or fsync rejects every append
   * waiting for it and every later one with the same JournalError: a rejected record may or may not be
   * in the file, a resolved one is.
   */
  append(record: Readonly<Record<string, unknown>>): Promise<void>;
  /**
   * close waits for every queued append, then closes the file. Appends after close reject. It rejects
   * with the write failure, if appends failed, so that a caller who only awaits close still learns it.
   * A second call returns the first call's promise.
   */
  close(): Promise<void>;
}

/**
 * openJournal opens the journal at path for appending: created with mode 0600 when absent, appended
 * to when present, never through a symbolic link (O_NOFOLLOW), and never anything but a regular file.
 * When the file ends with a torn line (no newline: a run killed mid-write), it is first truncated to
 * its last newline, so the next record starts a line of its own; that fragment was never acknowledged
 * (appends resolve after their newline is synced) and readJournal drops it anyway. A fragment longer
 * than MAX_LINE_BYTES is no torn line of ours: it is refused, not truncated. Opening is synchronous
 * and throws JournalError; the first append also syncs the folder when the file was created.
 */
export function openJournal(path: string): JournalWriter {
  const { fd, created } = openForAppend(path);
  try {
    repairTail(path, fd);
  } catch (e) {
    closeSync(fd);
    throw e instanceof JournalError
      ? e
      : new JournalError(path, undefined, `cannot cut its torn last line: ${reason(e)}`, { cause: e });
  }

  interface Waiting {
    readonly line: string;
    readonly resolve: () => void;
    readonly reject: (e: Error) => void;
  }
  let queue: Waiting[] = [];
  let flushing = false;
  let failure: JournalError | undefined;
  let closing: Promise<void> | undefined;
  let drained: (() => void)[] = [];
  let syncs = 0;
  // A new file's name is durable once its folder is synced: done once, with the first fsync.
  let folderUnsynced = created;

  // One write and one fsync for everything queued, again and again until the queue is empty.
  const flush = async (): Promise<void> => {
    if (flushing) return;
    flushing = true;
    while (queue.length > 0 && failure === undefined) {
      const batch = queue;
      queue = [];
      try {
        await writeAll(fd, Buffer.from(batch.map((w) => w.line).join(''), 'utf8'));
        await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
        if (folderUnsynced) {
          await syncDir(dirname(path));
          folderUnsynced = false;
        }
        syncs++;
      } catch (e) {
        // After a failed fsync the kernel may have dropped the dirty pages: nothing later can be trusted.
        failure = new JournalError(path, undefined, `cannot write: ${reason(e)}`, { cause: e });
        for (const w of [...batch, ...queue]) w.reject(failure);
        queue = [];
        break;
      }
      for (const w of batch) w.resolve();
    }
    flushing = false;
    const waiters = drained;
    drained = [];
    for (const wake of waiters) wake();
  };

  return {
    path,
    get syncs() {
      return syncs;
    },
    append(record) {
      if (closing !== undefined) return Promise.reject(new JournalError(path, undefined, 'it is closed'));
      if (failure !== undefined) return Promise.reject(failure);
      let line: string;
      try {
        line = serialize(path, record);
      } catch (e) {
        return Promise.reject(e);
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ line, resolve, reject });
        void flush();
      });
    },
    close() {
      closing ??= (async () => {
        if (flushing || queue.length > 0) await new Promise<void>((wake) => drained.push(wake));
        await new Promise<void>((resolve, reject) => closeFd(fd, (e) => (e ? reject(e) : resolve())));
        if (failure !== undefined) throw failure;
      })();
      return closing;
    },
  };
}

/** JournalRead is a journal's records in file order; torn says a last line cut short was dropped. */
export interface JournalRead {
  records: Record<string, unknown>[];
  torn: boolean;
}

/**
 * readJournal reads every record of the journal at path. It throws JournalError when the path is a
 * symbolic link or not a regular file (a FIFO, a device), the file is larger than maxBytes
 * (MAX_JOURNAL_BYTES by default, counted as read), or a line is longer than MAX_LINE_BYTES, not UTF-8,
 * or not a JSON object. The one exception is the last line when it has no newline: a write cut short,
 * never acknowledged, so it is dropped (torn: true) even when it happens to parse, as openJournal
 * truncates it too.
 */
export function readJournal(path: string, options: { maxBytes?: number } = {}): JournalRead {
  const max = options.maxBytes ?? MAX_JOURNAL_BYTES;
  const fd = openExisting(path, constants.O_RDONLY);
  let bytes: Buffer;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new JournalError(path, undefined, notRegular(stats));
    if (stats.size > max) throw tooLarge(path, stats.size, max);
    bytes = readAll(path, fd, max);
  } catch (e) {
    if (e instanceof JournalError) throw e;
    throw new JournalError(path, undefined, `cannot read it: ${reason(e)}`, { cause: e });
  } finally {
    closeSync(fd);
  }

  const decoder = new TextDecoder('utf-8', { fatal: true });
  const records: Record<string, unknown>[] = [];
  let start = 0;
  let number = 1;
  for (;;) {
    const end = bytes.indexOf(NEWLINE, start);
    const last = end === -1;
    const length = (last ? bytes.length : end) - start;
    if (length > MAX_LINE_BYTES) {
      throw new JournalError(
        path,
        number,
        `${length} bytes long, more than the ${MAX_LINE_BYTES} a line holds`,
      );
    }
    if (last) return { records, torn: length > 0 };
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(bytes.subarray(start, end)));
    } catch (e) {
      // The parser's message would quote the line: a hostile file could put terminal escapes there.
      const what = e instanceof TypeError ? 'not UTF-8' : 'not valid JSON';
      throw new JournalError(path, number, what);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new JournalError(path, number, 'not a JSON object');
    }
    records.push(value as Record<string, unknown>);
    start = end + 1;
    number++;
  }
}

/**
 * syncDir fsyncs the folder at path, so that the files just created in it (or it, in its parent)
 * survive a power loss; a file's own fsync does not make its name durable.
 */
export async function syncDir(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// The file at path for appending, created exclusively when absent, so we know to sync its folder.
function openForAppend(path: string): { fd: number; created: boolean } {
  const flags = constants.O_RDWR | constants.O_APPEND | NOFOLLOW | NONBLOCK;
  let fd: number | undefined;
  let created = false;
  // Created, or else already there: a file removed in between is created on the next round.
  for (let round = 0; fd === undefined; round++) {
    try {
      fd = openSync(path, flags | constants.O_CREAT | constants.O_EXCL, 0o600);
      created = true;
    } catch (e) {
      if (codeOf(e) === 'ENOENT') {
        throw new JournalError(path, undefined, 'its folder does not exist', { cause: e });
      }
      if (codeOf(e) !== 'EEXIST' || round === 2) throw openError(path, e);
      try {
        fd = openSync(path, flags);
      } catch (e2) {
        if (codeOf(e2) !== 'ENOENT') throw openError(path, e2);
      }
    }
  }
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    throw new JournalError(path, undefined, notRegular(stats));
  }
  return { fd, created };
}

function openExisting(path: string, flags: number): number {
  try {
    return openSync(path, flags | NOFOLLOW | NONBLOCK);
  } catch (e) {
    throw openError(path, e);
  }
}

// Truncates a last line without its newline; refuses a fragment longer than any line we write.
function repairTail(path: string, fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const window = Math.min(size, MAX_LINE_BYTES + 1);
  const tail = Buffer.alloc(window);
  let read = 0;
  while (read < window) {
    const n = readSync(fd, tail, read, window - read, size - window + read);
    if (n === 0) break;
    read += n;
  }
  if (read !== window) throw new JournalError(path, undefined, 'it changed while it was opened');
  if (tail[window - 1] === NEWLINE) return;
  const newline = tail.lastIndexOf(NEWLINE);
  if (newline === -1 && size > MAX_LINE_BYTES) {
    throw new JournalError(
      path,
      undefined,
      `it ends with more than ${MAX_LINE_BYTES} bytes without a newline: not a line cut short, so not truncated`,
    );
  }
  ftruncateSync(fd, size - window + newline + 1);
}

function readAll(path: string, fd: number, max: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK);
    const n = readSync(fd, chunk, 0, CHUNK, null);
    if (n === 0) return Buffer.concat(chunks, total);
    total += n;
    // Counted as read: the file may grow after fstat.
    if (total > max) throw tooLarge(path, total, max);
    chunks.push(n === CHUNK ? chunk : chunk.subarray(0, n));
  }
}

function serialize(path: string, record: Readonly<Record<string, unknown>>): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(record) as string | undefined;
  } catch (e) {
    throw new JournalError(path, undefined, `record not appended: ${reason(e)}`, { cause: e });
  }
  // JSON escapes line breaks, but a toJSON() may turn the record into something else than an object.
  if (json === undefined || !json.startsWith('{') || /[\n\r]/.test(json)) {
    throw new JournalError(path, undefined, 'record not appended: it does not serialize to a JSON object');
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_LINE_BYTES) {
    throw new JournalError(
      path,
      undefined,
      `record not appended: ${bytes} bytes, more than the ${MAX_LINE_BYTES} a line holds`,
    );
  }
  return `${json}\n`;
}

// fs.write may write less than asked; O_APPEND puts each piece at the end, after the previous one.
async function writeAll(fd: number, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    offset += await new Promise<number>((resolve, reject) =>
      write(fd, buffer, offset, buffer.length - offset, null, (e, n) => (e ? reject(e) : resolve(n))),
    );
  }
}

function openError(path: string, e: unknown): JournalError {
  const code = codeOf(e);
  if (code === 'ELOOP' || code === 'EMLINK') {
    return new JournalError(path, undefined, 'it is a symbolic link; a journal is never used through one', {
      cause: e,
    });
  }
  if (code === 'ENOENT') return new JournalError(path, undefined, 'it does not exist', { cause: e });
  if (code === 'EISDIR') return new JournalError(path, undefined, 'it is a folder', { cause: e });
  return new JournalError(path, undefined, `cannot open it: ${reason(e)}`, { cause: e });
}

function notRegular(stats: Stats): string {
  const what = stats.isDirectory()
    ? 'a folder'
    : stats.isFIFO()
      ? 'a FIFO'
      : stats.isSocket()
        ? 'a socket'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : 'not a file';
  return `it is ${what}, not a regular file`;
}

function tooLarge(path: string, size: number, max: number): JournalError {
  return new JournalError(path, undefined, `it is ${size} bytes or more, more than the ${max} allowed`);
}

function codeOf(e: unknown): unknown {
  return e instanceof Error && 'code' in e ? e.code : undefined;
}

function reason(e: unknown): string {
  const code = codeOf(e);
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}
