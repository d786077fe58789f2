// Lock files: taken and released, refused while their holder runs or when they belong to another
// host, taken over when their holder is gone (by exactly one of several racing processes), and
// refused, naming the file, when they cannot be read. The racing processes run on dist/ (npm test
// builds it first).

import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireLock,
  type LockAttempt,
  LockError,
  type LockHolder,
  readLockHolder,
} from '../../src/files/lock.js';
import { repoRoot } from '../helpers/paths.js';

const child = join(repoRoot, 'test/engine/child.js');

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rescind-lock-'));
  file = join(dir, 'plan.lock');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// The pid of a process that has exited: nothing runs under it (until the pid is reused, much later).
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('no process');
  return pid;
}

function holderLine(holder: LockHolder): string {
  return `${JSON.stringify(holder)}\n`;
}

function held(attempt: LockAttempt) {
  if (!('held' in attempt)) throw new Error(`expected the lock, held by ${JSON.stringify(attempt.heldBy)}`);
  return attempt.held;
}

function thrown(run: () => unknown): LockError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(LockError);
    return e as LockError;
  }
  throw new Error('expected a LockError');
}

describe('acquireLock', () => {
  it('takes a free lock, writes its holder as one line with mode 0600, and releases it', () => {
    const lock = held(acquireLock(file, 'apply of plan offboard-alice'));
    expect(lock.holder).toEqual({
      pid: process.pid,
      host: hostname(),
      started: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      what: 'apply of plan offboard-alice',
    });
    expect(readFileSync(file, 'utf8')).toBe(holderLine(lock.holder));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readLockHolder(file)).toEqual(lock.holder);
    lock.release();
    expect(existsSync(file)).toBe(false);
    lock.release();
    // Only the lock itself is left behind while held, nothing once released.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a second acquire in the same process, naming the holder', () => {
    const lock = held(acquireLock(file, 'first'));
    expect(acquireLock(file, 'second')).toEqual({ heldBy: lock.holder });
    lock.release();
    held(acquireLock(file, 'third')).release();
  });

  it('takes over the lock of a process of this host that is gone', () => {
    const stale: LockHolder = {
      pid: deadPid(),
      host: hostname(),
      started: '2026-01-01T00:00:00.000Z',
      what: 'old',
    };
    writeFileSync(file, holderLine(stale));
    const lock = held(acquireLock(file, 'new'));
    expect(readLockHolder(file)).toEqual(lock.holder);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over a stale lock whose takeover marker was left by a process that died midway', () => {
    const line = holderLine({
      pid: deadPid(),
      host: hostname(),
      started: '2026-01-01T00:00:00.000Z',
      what: 'old',
    });
    writeFileSync(file, line);
    const digest = createHash('sha256').update(line).digest('hex').slice(0, 16);
    const marker = holderLine({
      pid: deadPid(),
      host: hostname(),
      started: '2026-01-01T00:00:01.000Z',
      what: 'x',
    });
    writeFileSync(`${file}.takeover-${digest}`, marker);
    held(acquireLock(file, 'new')).release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never takes over a lock of another host, even with a pid that is not running here', () => {
    const remote: LockHolder = {
      pid: deadPid(),
      host: `not-${hostname()}`,
      started: '2026-01-01T00:00:00Z',
      what: 'ci',
    };
    writeFileSync(file, holderLine(remote));
    expect(acquireLock(file, 'mine')).toEqual({ heldBy: remote });
    expect(readLockHolder(file)).toEqual(remote);
  });

  it('counts a running process of this host as holding, whoever runs it (EPERM)', () => {
    const init: LockHolder = { pid: 1, host: hostname(), started: '2026-01-01T00:00:00Z', what: 'init' };
    writeFileSync(file, holderLine(init));
    expect(acquireLock(file, 'mine')).toEqual({ heldBy: init });
  });

  it.each([
    ['garbage', 'not a lock\n'],
    ['an empty file', ''],
    ['a holder without what', '{"pid":12,"host":"h","started":"2026-01-01T00:00:00Z"}\n'],
    [
      'pid 0 (a process group to kill())',
      `{"pid":0,"host":"${hostname()}","started":"2026-01-01T00:00:00Z","what":""}`,
    ],
    ['a negative pid', `{"pid":-1,"host":"${hostname()}","started":"2026-01-01T00:00:00Z","what":""}`],
    ['a start that is not a time', `{"pid":12,"host":"h","started":"yesterday","what":""}`],
    [
      'more than 4 KiB',
      `{"pid":12,"host":"h","started":"2026-01-01T00:00:00Z","what":"${'w'.repeat(5000)}"}`,
    ],
  ])('refuses %s in the lock file, naming it, and leaves it there', (_, content) => {
    writeFileSync(file, content);
    const error = thrown(() => acquireLock(file, 'mine'));
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/remove it/);
    expect(error.path).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(readLockHolder(file)).toBeUndefined();
  });

  it('refuses a symbolic link or a folder at the lock path', () => {
    const target = join(dir, 'target');
    writeFileSync(
      target,
      holderLine({ pid: deadPid(), host: hostname(), started: '2026-01-01T00:00:00Z', what: '' }),
    );
    symlinkSync(target, file);
    expect(thrown(() => acquireLock(file, 'mine')).message).toMatch(/symbolic link/);
    rmSync(file);
    symlinkSync(join(dir, 'nowhere'), file);
    expect(thrown(() => acquireLock(file, 'mine')).message).toMatch(/symbolic link/);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('release leaves a lock that is no longer its own', () => {
    const lock = held(acquireLock(file, 'mine'));
    const other = holderLine({ pid: 1, host: hostname(), started: '2026-01-01T00:00:00Z', what: 'theirs' });
    writeFileSync(file, other);
    lock.release();
    expect(readFileSync(file, 'utf8')).toBe(other);
  });

  it('release never throws, even when the folder is gone', () => {
    const lock = held(acquireLock(file, 'mine'));
    rmSync(dir, { recursive: true });
    lock.release();
  });

  it('cuts a long what to 512 characters', () => {
    const lock = held(acquireLock(file, 'é'.repeat(2000)));
    expect(Array.from(lock.holder.what)).toHaveLength(512);
    expect(readLockHolder(file)).toEqual(lock.holder);
    lock.release();
  });

  it('readLockHolder says undefined when there is no lock', () => {
    expect(readLockHolder(file)).toBeUndefined();
  });
});

describe('processes racing for a stale lock', () => {
  beforeEach(() => {
    expect(existsSync(join(repoRoot, 'dist/files/lock.js')), 'dist/files/lock.js: npm run build').toBe(true);
  });

  type Child = ChildProcessByStdio<Writable, Readable, null>;

  function lines(proc: Child): AsyncIterator<string> {
    let buffered = '';
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    proc.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      queue.push(...parts);
      wake?.();
    });
    return {
      async next() {
        while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        return { value: queue.shift() as string, done: false };
      },
    };
  }

  it.each([1, 2, 3])('exactly one of 8 takes it (round %i)', async () => {
    writeFileSync(
      file,
      holderLine({ pid: deadPid(), host: hostname(), started: '2026-01-01T00:00:00.000Z', what: 'dead' }),
    );
    const procs: Child[] = Array.from({ length: 8 }, () =>
      spawn(process.execPath, [child, 'lock', file], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const outputs = procs.map(lines);
    // All ready (the module loaded), then all go at once.
    for (const out of outputs) expect((await out.next()).value).toBe('ready');
    for (const proc of procs) proc.stdin.write('go\n');
    const results = await Promise.all(
      outputs.map(async (out) => JSON.parse((await out.next()).value) as Record<string, LockHolder>),
    );
    // Every child still runs and holds what it got: two winners would both be here.
    const winners = results.filter((r) => r.held !== undefined);
    expect(winners).toHaveLength(1);
    const winner = winners[0]?.held;
    for (const r of results) {
      expect(r.error).toBeUndefined();
      if (r.heldBy !== undefined) expect(r.heldBy).toEqual(winner);
    }
    expect(readLockHolder(file)).toEqual(winner);
    for (const proc of procs) proc.stdin.end();
    await Promise.all(procs.map((proc) => new Promise((resolve) => proc.on('close', resolve))));
    expect(readdirSync(dir)).toEqual([]);
  });
});
