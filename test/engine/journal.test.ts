// The run journal: records round-trip, concurrent appends share fsyncs and keep their order, a torn
// last line is dropped on read and cut on open, and hostile files (links, FIFOs, devices, huge or
// corrupt files) are refused naming the file. The crash and write-failure cases run a second process
// on dist/ (npm test builds it first).

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalError, MAX_LINE_BYTES, openJournal, readJournal, syncDir } from '../../src/engine/journal.js';
import { repoRoot } from '../helpers/paths.js';

const child = join(repoRoot, 'test/engine/child.js');

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rescind-journal-'));
  file = join(dir, 'journal.jsonl');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function thrown(run: () => unknown): JournalError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(JournalError);
    return e as JournalError;
  }
  throw new Error('expected a JournalError');
}

describe('openJournal and readJournal', () => {
  it('round-trips records, one line each, in a new file of mode 0600', async () => {
    const journal = openJournal(file);
    const records = [
      { seq: 1, event: 'start', nested: { list: [1, 'two', null] } },
      { seq: 2, text: 'line\nbreak, tab\t, "quotes", émoji 🔑, \u2028' },
      {},
    ];
    for (const record of records) await journal.append(record);
    await journal.close();
    expect(readJournal(file)).toEqual({ records, torn: false });
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(records.length + 1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('appends to an existing journal', async () => {
    const first = openJournal(file);
    await first.append({ seq: 1 });
    await first.close();
    const second = openJournal(file);
    await second.append({ seq: 2 });
    await second.close();
    expect(readJournal(file).records).toEqual([{ seq: 1 }, { seq: 2 }]);
  });

  it('writes 2,000 concurrent appends with far fewer fsyncs, in append order', async () => {
    const journal = openJournal(file);
    await Promise.all(Array.from({ length: 2000 }, (_, seq) => journal.append({ seq })));
    const burst = journal.syncs;
    // 50 workers, each awaiting its appends one by one: the shape of an executor's workers.
    await Promise.all(
      Array.from({ length: 50 }, async (_, worker) => {
        for (let i = 0; i < 40; i++) await journal.append({ worker, i });
      }),
    );
    const workers = journal.syncs - burst;
    await journal.close();
    expect(burst).toBeLessThanOrEqual(5);
    expect(workers).toBeLessThan(200);
    const { records, torn } = readJournal(file);
    expect(torn).toBe(false);
    expect(records.slice(0, 2000)).toEqual(Array.from({ length: 2000 }, (_, seq) => ({ seq })));
    const rest = records.slice(2000);
    expect(rest).toHaveLength(2000);
    for (let worker = 0; worker < 50; worker++) {
      expect(rest.filter((r) => r.worker === worker).map((r) => r.i)).toEqual([...Array(40).keys()]);
    }
  });

  it('close waits for queued appends; appends after close reject; close twice is fine', async () => {
    const journal = openJournal(file);
    const pending = [journal.append({ a: 1 }), journal.append({ a: 2 })];
    const closed = journal.close();
    await expect(journal.append({ a: 3 })).rejects.toThrow(/is closed/);
    await Promise.all(pending);
    await closed;
    await journal.close();
    expect(readJournal(file).records).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('refuses a record that is not one JSON object line, alone', async () => {
    const journal = openJournal(file);
    await expect(journal.append({ n: 1n })).rejects.toThrow(JournalError);
    await expect(journal.append({ toJSON: () => 'text' })).rejects.toThrow(
      /does not serialize to a JSON object/,
    );
    await expect(journal.append({ big: 'z'.repeat(MAX_LINE_BYTES) })).rejects.toThrow(/more than the/);
    await journal.append({ ok: true });
    await journal.close();
    expect(readJournal(file).records).toEqual([{ ok: true }]);
  });

  it('drops a torn last line on read, and cuts it on open so that the next record has its own line', async () => {
    writeFileSync(file, '{"seq":1}\n{"seq":2}\n{"se');
    expect(readJournal(file)).toEqual({ records: [{ seq: 1 }, { seq: 2 }], torn: true });
    const journal = openJournal(file);
    await journal.append({ seq: 3 });
    await journal.close();
    expect(readFileSync(file, 'utf8')).toBe('{"seq":1}\n{"seq":2}\n{"seq":3}\n');
    expect(readJournal(file)).toEqual({ records: [{ seq: 1 }, { seq: 2 }, { seq: 3 }], torn: false });
  });

  it('treats a last line without its newline as torn even when it parses (it was never acknowledged)', () => {
    writeFileSync(file, '{"seq":1}\n{"seq":2}');
    expect(readJournal(file)).toEqual({ records: [{ seq: 1 }], torn: true });
  });

  it('cuts a journal that is all torn line to empty', async () => {
    writeFileSync(file, '{"seq":');
    const journal = openJournal(file);
    await journal.append({ seq: 1 });
    await journal.close();
    expect(readFileSync(file, 'utf8')).toBe('{"seq":1}\n');
  });

  it('refuses, rather than truncates, a tail longer than any line', () => {
    writeFileSync(file, `{"seq":1}\n${'x'.repeat(MAX_LINE_BYTES + 1)}`);
    expect(thrown(() => openJournal(file)).message).toMatch(/without a newline/);
    expect(statSync(file).size).toBe(10 + MAX_LINE_BYTES + 1);
  });

  it.each([
    ['a line that is not JSON', '{"seq":1}\nnot json\n{"seq":3}\n', /line 2: not valid JSON$/],
    ['an array', '{"seq":1}\n{"seq":2}\n[3]\n', /line 3: not a JSON object$/],
    ['null', 'null\n', /line 1: not a JSON object$/],
    ['an empty line', '{"seq":1}\n\n{"seq":3}\n', /line 2: not valid JSON$/],
    ['bytes that are not UTF-8', '{"seq":1}\n{"s":"\xff"}\n', /line 2: not UTF-8$/],
  ])('refuses %s in the middle, naming the file and the line', (_, content, message) => {
    writeFileSync(file, Buffer.from(content, 'latin1'));
    const error = thrown(() => readJournal(file));
    expect(error.message).toContain(file);
    expect(error.message).toMatch(message);
    expect(error.line).toBeTypeOf('number');
  });

  it('never quotes the bad line (it could hold terminal escapes)', () => {
    writeFileSync(file, '\u001b]0;owned\u0007\n');
    expect(thrown(() => readJournal(file)).message).not.toContain('\u001b');
  });

  it('refuses a line longer than MAX_LINE_BYTES', () => {
    writeFileSync(file, `{"a":"${'x'.repeat(MAX_LINE_BYTES)}"}\n`);
    expect(thrown(() => readJournal(file)).message).toMatch(/line 1: \d+ bytes long/);
  });

  it('refuses a file larger than maxBytes', () => {
    writeFileSync(file, '{"seq":1}\n'.repeat(100));
    expect(readJournal(file, { maxBytes: 1000 }).records).toHaveLength(100);
    expect(thrown(() => readJournal(file, { maxBytes: 999 })).message).toMatch(/more than the 999 allowed/);
  });

  it('refuses a symbolic link at the journal path, to open or to read, and leaves its target alone', () => {
    const target = join(dir, 'target');
    writeFileSync(target, 'precious\n');
    symlinkSync(target, file);
    expect(thrown(() => openJournal(file)).message).toMatch(/symbolic link/);
    expect(thrown(() => readJournal(file)).message).toMatch(/symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });

  it('refuses a FIFO (without waiting for a writer), a device and a folder', () => {
    execFileSync('mkfifo', [file]);
    expect(thrown(() => readJournal(file)).message).toMatch(/a FIFO, not a regular file/);
    expect(thrown(() => openJournal(file)).message).toMatch(/a FIFO, not a regular file/);
    expect(thrown(() => readJournal('/dev/null')).message).toMatch(/a device, not a regular file/);
    expect(thrown(() => openJournal('/dev/null')).message).toMatch(/a device, not a regular file/);
    expect(thrown(() => readJournal(dir)).message).toMatch(/folder/);
    expect(thrown(() => openJournal(dir)).message).toMatch(/folder/);
  });

  it('names a journal, or a folder for one, that does not exist', () => {
    expect(thrown(() => readJournal(join(dir, 'none.jsonl'))).message).toMatch(
      /none\.jsonl: it does not exist/,
    );
    expect(thrown(() => openJournal(join(dir, 'run', 'j.jsonl'))).message).toMatch(
      /its folder does not exist/,
    );
  });

  it('syncs a folder', async () => {
    await syncDir(dir);
  });
});

describe('a second process', () => {
  beforeEach(() => {
    expect(
      existsSync(join(repoRoot, 'dist/engine/journal.js')),
      'dist/engine/journal.js: npm run build',
    ).toBe(true);
  });

  it('killed mid-append leaves a readable journal holding every append it saw resolve', async () => {
    const proc = spawn(process.execPath, [child, 'journal', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    await new Promise<void>((resolve) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.split('\n').length > 3000) resolve();
      });
    });
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.on('close', resolve));
    const acknowledged = out
      .split('\n')
      .filter((line) => line !== '')
      .map(Number);
    const { records } = readJournal(file);
    // Lines are written in append order, and appends were made in seq order.
    expect(records.map((r) => r.seq)).toEqual([...Array(records.length).keys()]);
    expect(records.length).toBeGreaterThan(Math.max(...acknowledged));
  });

  it('that cannot write rejects every waiting and later append, and close, with the error', () => {
    // ulimit -f 4: the file may not grow past 4 KiB (EFBIG; Node ignores SIGXFSZ).
    const out = execFileSync(
      'bash',
      ['-c', `ulimit -f 4 && exec "$0" "$1" fill "$2"`, process.execPath, child, file],
      {
        encoding: 'utf8',
      },
    );
    const { outcomes, closeError } = JSON.parse(out) as {
      outcomes: { seq: number; ok: boolean; error?: string; name?: string }[];
      closeError?: string;
    };
    const resolved = outcomes.filter((o) => o.ok).map((o) => o.seq);
    const rejected = outcomes.filter((o) => !o.ok);
    expect(resolved.length).toBeGreaterThan(0);
    expect(rejected.length).toBeGreaterThan(0);
    for (const o of rejected) {
      expect(o.name).toBe('JournalError');
      expect(o.error).toMatch(/cannot write: EFBIG/);
    }
    expect(closeError).toMatch(/cannot write: EFBIG/);
    // Every resolved append is in the file; the failed write may have left a torn line.
    const { records } = readJournal(file);
    const present = new Set(records.map((r) => r.seq));
    for (const seq of resolved) expect(present.has(seq)).toBe(true);
  });
});
