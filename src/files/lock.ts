// A lock file that says who holds it: one JSON line (pid, host, start, what), published atomically,
// refused to everyone else while its holder runs, and taken over when its holder is a process of this
// host that is gone, safely when several processes try at once. It knows nothing of plans or clouds.

import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';

/** MAX_LOCK_BYTES is the largest lock file read; a holder's line never exceeds it (see acquireLock). */
export const MAX_LOCK_BYTES = 4096;

/** LockHolder is who holds a lock: a process (pid on host) since started (ISO 8601), doing what. */
export interface LockHolder {
  pid: number;
  host: string;
  started: string;
  /** what the holder is doing, for humans: "apply of plan offboard-alice, run 20261130T101500Z-3f9a". */
  what: string;
}

/** HeldLock is a lock this process holds until release(). */
export interface HeldLock {
  readonly path: string;
  readonly holder: LockHolder;
  /**
   * release removes the lock file if it still holds this holder's line, and leaves anything else there
   * alone; a second call does nothing, and it never throws (a lock left behind is taken over later).
   */
  release(): void;
}

/** LockAttempt is the lock, held, or who holds it: a running process, or one of another host. */
export type LockAttempt = { held: HeldLock } | { heldBy: LockHolder };

/**
 * LockError is a lock file that cannot be used: a symbolic link, not a regular file, too large, not a
 * holder's line (unreadable: a human must look, as nobody can tell whether its holder runs), or a file
 * system error. The message names the file; `path` holds it.
 */
export class LockError extends Error {
  override readonly name = 'LockError';
  readonly code = 'RESCIND_LOCK';
  readonly path: string;

  constructor(path: string, why: string, options?: { readonly cause?: unknown }) {
    super(`lock ${path}: ${why}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.path = path;
  }
}

// `what` is cut to this many characters, so that a holder's line, escaped, fits MAX_LOCK_BYTES.
const MAX_WHAT = 512;
// How often a lock is tried when others keep changing it, and how long to wait for a live takeover.
const MAX_ROUNDS = 200;
const PAUSE_MS = 5;
// Takeover markers of takeover markers: each level needs a process killed inside a takeover.
const MAX_DEPTH = 3;
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * acquireLock takes the lock file at path for this process, doing what, or says who holds it. The file
 * is published whole (written to a new file, then hard-linked to path, which fails when anything is
 * there), so a reader never sees it empty or half written. A lock whose holder is this host's pid and
 * that pid is not running (ESRCH) is stale and taken over; a lock of another host never is. A lock
 * file that cannot be read as a holder throws LockError naming it, whatever its age: rescind never
 * refreshes a held lock, so age tells nothing, and a human must remove it. Synchronous; throws
 * LockError for file system errors.
 *
 * Takeover never moves or deletes a live lock. A process that found a stale lock first publishes a
 * takeover marker named after that lock's content (`<path>.takeover-<digest>`), which only one process
 * at a time can hold; holding it, it removes the lock only if the lock is still that same content, then
 * tries to publish its own like anyone else, and removes the marker. Only the marker's holder can
 * remove that content, so two processes never both remove it, and the one who fails to publish its own
 * lock afterwards reports the winner. A marker whose holder died is itself stale, and taken over the
 * same way.
 */
export function acquireLock(path: string, what: string): LockAttempt {
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    what: clip(what),
  };
  const line = `${JSON.stringify(holder)}\n`;
  if (Buffer.byteLength(line) > MAX_LOCK_BYTES) {
    throw new LockError(path, `the holder's line would be more than ${MAX_LOCK_BYTES} bytes`);
  }
  const heldBy = take(path, line, 0);
  if (heldBy !== undefined) return { heldBy };
  let released = false;
  return {
    held: {
      path,
      holder,
      release() {
        if (released) return;
        released = true;
        try {
          removeIfHolding(path, line);
        } catch {
          // Never throws: a lock left behind names a process that is gone, and is taken over.
        }
      },
    },
  };
}

/**
 * readLockHolder is who holds the lock at path, for messages; undefined when there is no lock file or
 * it cannot be read as a holder. It never throws.
 */
export function readLockHolder(path: string): LockHolder | undefined {
  try {
    return readLock(path)?.holder;
  } catch {
    return undefined;
  }
}

// Publishes line at path; undefined once done, else the live holder of what is there.
function take(path: string, line: string, depth: number): LockHolder | undefined {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (publish(path, line)) return undefined;
    const seen = readLock(path);
    // Released in between: try again.
    if (seen === undefined) continue;
    if (!isStale(seen.holder)) return seen.holder;
    if (depth === MAX_DEPTH) {
      throw new LockError(
        path,
        `its holder is gone, and ${MAX_DEPTH} takeovers of it died midway: remove it`,
      );
    }
    const marker = `${path}.takeover-${createHash('sha256').update(seen.bytes).digest('hex').slice(0, 16)}`;
    if (take(marker, line, depth + 1) !== undefined) {
      // Another live process is taking it over right now: it will soon be that process's lock.
      pause(PAUSE_MS);
      continue;
    }
    try {
      // Only the marker's holder removes this content; anything else there now is left alone.
      if (readLock(path)?.bytes.equals(seen.bytes)) unlinkSync(path);
    } catch (e) {
      if (e instanceof LockError) throw e;
      if (codeOf(e) !== 'ENOENT') throw new LockError(path, `cannot remove it: ${reason(e)}`, { cause: e });
    } finally {
      removeIfHolding(marker, line);
    }
  }
  throw new LockError(path, `not taken after ${MAX_ROUNDS} tries: other processes keep changing it`);
}

// Writes line to a new file, then links it to path: true once published, false when path exists.
function publish(path: string, line: string): boolean {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  } catch (e) {
    throw new LockError(path, `cannot create ${temporary}: ${reason(e)}`, { cause: e });
  }
  try {
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // link() is the atomic, exclusive step: it never follows or replaces anything at path.
    linkSync(temporary, path);
    return true;
  } catch (e) {
    if (codeOf(e) === 'EEXIST') return false;
    throw new LockError(path, `cannot create it: ${reason(e)}`, { cause: e });
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // A leftover temporary file is harmless; the lock itself is what counts.
    }
  }
}

// Check, then remove: safe, since only a takeover replaces a holder's file, and its holder is alive.
function removeIfHolding(path: string, line: string): void {
  if (readLock(path)?.bytes.equals(Buffer.from(line)) === true) unlinkSync(path);
}

interface SeenLock {
  readonly bytes: Buffer;
  readonly holder: LockHolder;
}

// The lock file at path, undefined when there is none; LockError when it is not a holder's line.
function readLock(path: string): SeenLock | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (e) {
    const code = codeOf(e);
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP' || code === 'EMLINK') {
      throw new LockError(path, 'it is a symbolic link, not a lock: remove it', { cause: e });
    }
    throw new LockError(path, `cannot read it: ${reason(e)}`, { cause: e });
  }
  let bytes: Buffer;
  try {
    if (!fstatSync(fd).isFile())
      throw new LockError(path, 'it is not a regular file, so not a lock: remove it');
    const buffer = Buffer.alloc(MAX_LOCK_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_LOCK_BYTES) {
        throw new LockError(path, `it is more than ${MAX_LOCK_BYTES} bytes, so not a lock: remove it`);
      }
    }
    bytes = buffer.subarray(0, length);
  } catch (e) {
    if (e instanceof LockError) throw e;
    throw new LockError(path, `cannot read it: ${reason(e)}`, { cause: e });
  } finally {
    closeSync(fd);
  }
  const holder = parseHolder(bytes);
  if (holder === undefined) {
    throw new LockError(
      path,
      'it does not name its holder, so nobody can tell whether a run still uses it: if none does, remove it',
    );
  }
  return { bytes, holder };
}

function parseHolder(bytes: Buffer): LockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { pid, host, started, what } = value as Record<string, unknown>;
  // pid 0 and negative pids address process groups in kill(): never a holder.
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid < 1 || pid > 0x7fffffff) return undefined;
  if (typeof host !== 'string' || host === '' || typeof what !== 'string') return undefined;
  if (typeof started !== 'string' || Number.isNaN(Date.parse(started))) return undefined;
  return { pid, host, started, what };
}

// Stale: a process of this host that is gone. A reused pid counts as running (refused, never taken).
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (e) {
    // EPERM: running, as another user.
    return codeOf(e) === 'ESRCH';
  }
}

function clip(what: string): string {
  const points = Array.from(what);
  return points.length <= MAX_WHAT ? what : `${points.slice(0, MAX_WHAT - 1).join('')}…`;
}

// Sleeps the thread: acquireLock is synchronous, and a takeover by another process takes microseconds.
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function codeOf(e: unknown): unknown {
  return e instanceof Error && 'code' in e ? e.code : undefined;
}

function reason(e: unknown): string {
  const code = codeOf(e);
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}
