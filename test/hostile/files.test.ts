// Hostile files, by class, at every place rescind reads a file: what is not a regular file (devices,
// FIFOs, sockets, folders, links to them) is refused by name and never read; floods of diagnostics
// are listed up to the per-file cap and counted in full; paths that cannot be read are errors, never
// skipped; and no library prints to the terminal. Times are measured by `npm run bench`, not here.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocument } from '../../src/document/pipeline.js';
import { startEmulator } from '../../src/emulator/server.js';
import { createSession } from '../../src/session/session.js';
import { validatePaths } from '../../src/validate/validate.js';
import { runCli } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';

let dir: string;
let socketServer: Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rescind-hostile-'));
  execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(join(dir, 'socket.yaml'), resolve));
  mkdirSync(join(dir, 'folder.yaml'));
  symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
  symlinkSync(join(dir, 'fifo.yaml'), join(dir, 'link-to-fifo.yaml'));
  symlinkSync(join(dir, 'folder.yaml'), join(dir, 'link-to-folder.yaml'));
});

afterAll(async () => {
  await new Promise<void>((resolve) => socketServer.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

// Every kind of path that is not a regular file, and what rescind must call it.
const notFiles: [string, string][] = [
  ['/dev/zero', 'a character device'],
  ['/dev/null', 'a character device'],
  ['fifo.yaml', 'a named pipe (FIFO)'],
  ['socket.yaml', 'a socket'],
  ['zero.yaml', 'a character device'],
  ['link-to-fifo.yaml', 'a named pipe (FIFO)'],
  ['link-to-folder.yaml', 'a folder'],
];

describe('what is not a regular file is refused by name, wherever a file is read', () => {
  it.each(notFiles)('loadDocument refuses %s as %s', (path, what) => {
    const loaded = loadDocument(path.startsWith('/') ? path : join(dir, path), path);
    expect(loaded.valid).toBe(false);
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'file.not-regular',
        file: path,
        message: `${path} is ${what}, not a regular file`,
      },
    ]);
  });

  // A link to a folder given as a path is a folder to walk: only the others are files to refuse.
  it.each(notFiles.filter(([p]) => p !== 'link-to-folder.yaml'))(
    'rescind validate %s: exit 1, one located error',
    async (path, what) => {
      const result = await runCli(['validate', path], dir);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        `${path}: error file.not-regular: ${path} is ${what}, not a regular file`,
      );
    },
  );

  it('rescind validate of a folder reports the *.yaml entries that are not files', async () => {
    const result = await runCli(['validate', '.'], dir);
    expect(result.code).toBe(1);
    for (const name of [
      'fifo.yaml',
      'socket.yaml',
      'zero.yaml',
      'link-to-fifo.yaml',
      'link-to-folder.yaml',
    ]) {
      expect(result.stdout).toContain(`${name}: error file.not-regular:`);
    }
  });

  it.each(notFiles)('--config %s is refused', async (path) => {
    const result = await runCli(['validate', '--config', path, '/dev/null'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${path}: error file.not-regular:`);
    const session = createSession({ cwd: dir, env: {}, config: path });
    expect(session.config().diagnostics).toMatchObject([{ code: 'file.not-regular', file: path }]);
  });

  it.each(notFiles)('emulator --state %s is refused', async (path) => {
    const result = await runCli(['emulator', '--state', path], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error file.not-regular:');
  });

  it.each(notFiles.filter(([p]) => !p.startsWith('/dev/')))(
    'emulator --persist %s is refused',
    async (path) => {
      const error = await startEmulator({ persist: join(dir, path) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RESCIND_EMULATOR_STATE' });
    },
  );
});

describe('floods of diagnostics', () => {
  const plan = (body: string) => `apiVersion: rescind/v1\nkind: RevocationPlan\n${body}`;
  const floods: [string, string, number][] = [
    ['160,000 duplicate keys', plan('a: 1\n'.repeat(160_000)), 159_999],
    [
      '40,000 unknown top-level keys',
      plan(Array.from({ length: 40_000 }, (_, i) => `k${i}: 1\n`).join('')),
      40_001,
    ],
    [
      '8,000 revocations of an unknown type',
      plan(
        `metadata: {name: n, reason: r}\nspec:\n  revocations:\n${Array.from(
          { length: 8000 },
          (_, i) =>
            `    - {id: r${i}, type: huaweicloud.kms.grants, account: a, target: {keyId: k, grantId: g}}\n`,
        ).join('')}`,
      ),
      8000,
    ],
    [
      '9,999 aliases of one list',
      plan(
        `metadata: {name: n, reason: r}\nx: &l [1, 2]\n${Array.from({ length: 9999 }, (_, i) => `y${i}: *l\n`).join('')}`,
      ),
      10_001,
    ],
  ];

  it.each(floods)('%s: the first 100 listed, every one counted, no crash', async (_, text, errors) => {
    const file = join(dir, 'flood.yaml');
    writeFileSync(file, text);
    const result = await validatePaths([file], { cwd: dir });
    expect(result.valid).toBe(false);
    expect(result.errorCount).toBe(errors);
    expect(result.diagnostics).toHaveLength(100);
    expect(result.files).toMatchObject([{ omitted: errors - 100 }]);
    const cli = await runCli(['validate', 'flood.yaml'], dir);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(
      `flood.yaml: and ${errors - 100} more problems (--max-diagnostics 0 shows every one)`,
    );
    expect(cli.stdout).toContain(`Found ${errors} errors in 1 of 1 file.`);
  });

  it('--max-diagnostics 0 lists every one, and the exit status is the same whatever the cap', async () => {
    writeFileSync(join(dir, 'few.yaml'), plan(Array.from({ length: 150 }, (_, i) => `k${i}: 1\n`).join('')));
    const all = await runCli(['validate', '--max-diagnostics', '0', 'few.yaml'], dir);
    const capped = await runCli(['validate', '--max-diagnostics', '3', 'few.yaml'], dir);
    expect(all.stdout.split('\n').filter((l) => l.includes('error schema.')).length).toBe(151);
    expect(capped.stdout.split('\n').filter((l) => l.includes('error schema.')).length).toBe(3);
    expect([all.code, capped.code]).toEqual([1, 1]);
  });

  it('a file too large for the full parser still gets its first problem, located', async () => {
    writeFileSync(join(dir, 'huge.yaml'), plan('a: 1\n'.repeat(1_000_000)));
    const result = await validatePaths(['huge.yaml'], { cwd: dir });
    expect(result.diagnostics).toMatchObject([
      { code: 'yaml.duplicate-key', range: { file: 'huge.yaml', start: { line: 4, column: 1 } } },
    ]);
  });
});

describe('paths that cannot be read are errors', () => {
  it('a path through a symbolic-link loop, or too long, is unreadable, not "valid"', async () => {
    symlinkSync('loop', join(dir, 'loop'));
    const long = 'x'.repeat(300);
    const result = await validatePaths(['loop/plan.yaml', 'loop', long], { cwd: dir });
    expect(result.valid).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['file.unreadable', 'cannot read loop (ELOOP)'],
      ['file.unreadable', 'cannot read loop/plan.yaml (ELOOP)'],
      ['file.unreadable', `cannot read ${long} (ENAMETOOLONG)`],
    ]);
  });

  it('a folder deeper than a path can name is reported, and the run is not valid', async () => {
    const top = join(dir, 'deep');
    mkdirSync(top);
    copyFileSync(join(repoRoot, 'plans/policies/baseline.yaml'), join(top, 'ok.yaml'));
    // 18 folders of 250 characters: the path passes PATH_MAX (4096) on the way down.
    const name = 'd'.repeat(250);
    execFileSync('bash', ['-c', `cd "${top}" && for i in $(seq 18); do mkdir ${name} && cd ${name}; done`]);
    const result = await validatePaths(['deep'], { cwd: dir });
    execFileSync('rm', ['-rf', top]);
    expect(result.valid).toBe(false);
    expect(result.files.map((f) => f.file)).toEqual([join('deep', 'ok.yaml')]);
    expect(result.diagnostics).toMatchObject([
      { code: 'file.unreadable', message: expect.stringMatching(/\(ENAMETOOLONG\)$/) },
    ]);
  });
});

describe('nothing but rescind reaches the terminal', () => {
  it('a list or mapping as a key is a diagnostic, not a warning of the YAML library', async () => {
    writeFileSync(join(dir, 'keys.yaml'), 'apiVersion: rescind/v1\nkind: Policy\n? [a, b]\n: 1\n{c: d}: 2\n');
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    const writes: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const result = await runCli(['validate', 'keys.yaml'], dir);
      await new Promise((resolve) => setImmediate(resolve));
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('keys.yaml:3:3: error yaml.complex-key: a key must be a single value');
      expect(result.stdout).toContain('keys.yaml:5:1: error yaml.complex-key:');
    } finally {
      process.stderr.write = write;
      process.off('warning', onWarning);
    }
    expect(writes).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe('what a file quotes cannot break, forge or hide a diagnostic line', () => {
  it.each([
    [
      'a line separator in a key',
      'apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata: {name: x, reason: y, "x\\u2028error: forged": 1}\nspec: {revocations: []}\n',
      '\\u2028',
    ],
    ['a carriage return quoted by the YAML parser', 'a: >\r error apply.locked: forged line\n', '\\r'],
    [
      'a right-to-left override in a key',
      'apiVersion: rescind/v1\nkind: RevocationPlan\nmetadata: {name: x, reason: y, "a\\u202eb": 1}\nspec: {revocations: []}\n',
      '\\u202e',
    ],
  ])('%s is shown escaped, in every format', async (_, text, escaped) => {
    writeFileSync(join(dir, 'quoted.yaml'), text);
    for (const format of ['text', 'json', 'sarif']) {
      const out = (await runCli(['validate', '--format', format, 'quoted.yaml'], dir)).stdout;
      // No raw line break but the format's own, no other control or bidirectional character.
      expect(out.replace(/\n/g, '')).not.toMatch(
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for exactly these.
        /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/,
      );
      expect(format === 'text' ? out : JSON.parse(out) && out).toContain(
        format === 'text' ? escaped : escaped.replace('\\', '\\\\'),
      );
    }
  });
});
