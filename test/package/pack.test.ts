// The package as npm publishes it: packed from the build (without the build scripts), installed from
// the tarball into an empty project and globally (npm --prefix; the dependencies from the registry),
// without a warning about install scripts, and used the way a user starts: the installed `rescind`
// prints its help, writes the starter files (with modelines that work for every teammate), validates
// the example plan and plans it on the built-in emulator; `import 'rescind'` loads the library. Every
// link that --help, init's files and the README give resolves in the installed package. What the
// tarball holds is checked too: the runtime's files and the docs, no test or workspace folder, no
// source map without its source. This needs the build (npm run build).

import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutProgress } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';

let tmp: string;
let project: string; // the empty project the tarball is installed into
let globalPrefix: string; // the prefix the tarball is installed into with npm install -g
let installed: string; // the installed package, in the project's node_modules
let installLog: string; // what npm said while installing into the project
let files: Set<string>; // the tarball's paths, relative to the package

// npm as a user runs it: without the npm_* variables of an `npm test` around this one (its prefix
// would send the install elsewhere), keeping where the registry and the cache are.
const npmEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !k.startsWith('npm_') || /^npm_config_(registry|cache|userconfig)$/i.test(k),
  ),
);

function npm(args: readonly string[], cwd: string): string {
  return npmWithLog(args, cwd).stdout;
}

function npmWithLog(args: readonly string[], cwd: string): { stdout: string; stderr: string } {
  const result = spawnSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

// The installed bin (the project's, or with global, the global one), as its shebang starts it, with no
// cloud credentials in the environment.
function rescind(args: readonly string[], cwd: string, { global = false } = {}) {
  const bin = global ? join(globalPrefix, 'bin/rescind') : join(project, 'node_modules/.bin/rescind');
  const result = spawnSync(bin, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`, HOME: tmp, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  // The real path: the CLI sees its own files through it (macOS's /var is /private/var).
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'rescind-pack-')));
  const [packed] = JSON.parse(
    npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], repoRoot),
  ) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (packed === undefined) throw new Error('npm pack wrote no tarball');
  files = new Set(packed.files.map((f) => f.path));
  project = join(tmp, 'project');
  mkdirSync(project);
  npm(['init', '-y'], project);
  const tarball = join(tmp, packed.filename);
  const install = npmWithLog(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
  installLog = `${install.stdout}${install.stderr}`;
  installed = join(project, 'node_modules/rescind');
  globalPrefix = join(tmp, 'global');
  npm(
    ['install', '--global', '--prefix', globalPrefix, '--no-audit', '--no-fund', '--prefer-offline', tarball],
    tmp,
  );
}, 240_000);

afterAll(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('holds the runtime, the schemas, the action scripts, LICENSE and README, and no test, bench or workspace folder', () => {
    const schemas = readdirSync(join(repoRoot, 'schemas'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .map((f) => `schemas/${f.split('\\').join('/')}`);
    expect(schemas).toContain('schemas/types/huaweicloud.kms.grant.schema.json');
    for (const file of [
      'LICENSE',
      'README.md',
      'package.json',
      'bin/rescind.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/cli-bundle/main.js',
      'dist/schema/validators/RevocationPlan.cjs',
      'dist/schema/validators/SavedPlan.cjs',
      'dist/schemas/plan.schema.json',
      'plans/examples/emulator-seed.yaml',
      'plans/examples/offboard-alice.yaml',
      // The docs that --help, init's files and the README link to.
      'docs/cli.md',
      'docs/config.md',
      'docs/types/huaweicloud.kms.grant.md',
      // The GitLab example runs the action's scripts from the installed package.
      'action/plan.sh',
      'action/apply.sh',
      'action/drift.sh',
      'action/comment.sh',
      ...schemas,
    ])
      expect(files, file).toContain(file);
    const stray = [...files].filter((f) => /^(test|bench|soak|\.rescind|node_modules)\//.test(f));
    expect(stray).toEqual([]);
  });

  it('installs without a warning about install scripts: it has none', () => {
    expect(installLog).not.toMatch(/install-scripts|prepare/);
    const { scripts = {} } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(Object.keys(scripts)).not.toContain(script);
  });

  it('has no source map whose sources are not in it', () => {
    const dangling: string[] = [];
    for (const map of [...files].filter((f) => f.endsWith('.map'))) {
      const { sources, sourceRoot = '' } = JSON.parse(
        readFileSync(join(project, 'node_modules/rescind', map), 'utf8'),
      ) as { sources: string[]; sourceRoot?: string };
      for (const source of sources) {
        const path = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
        if (!files.has(path)) dangling.push(`${map}: ${source}`);
      }
    }
    expect(dangling).toEqual([]);
  });
});

const COMMANDS = ['validate', 'plan', 'show', 'apply', 'runs', 'emulator', 'init', 'completion'];

// The modeline's schema of a file rescind init wrote.
function modeline(file: string): string {
  return /^# yaml-language-server: \$schema=(\S+)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
}

// Why a link to path (and anchor, `#...`) does not resolve: no such file, or no such heading in it.
function problemOf(path: string, anchor: string | undefined): string | undefined {
  if (!existsSync(path)) return 'no such file in the package';
  if (anchor === undefined || !path.endsWith('.md')) return undefined;
  const headings = [...readFileSync(path, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1] ?? ''));
  return headings.includes(anchor.slice(1)) ? undefined : `no heading ${anchor}`;
}

// A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens.
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('the installed package', () => {
  it('rescind --help lists the commands', () => {
    const out = rescind(['--help'], project);
    expect(out.code).toBe(0);
    for (const command of COMMANDS) expect(out.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
  });

  it('rescind init in the project, then validate and plan of the example on the built-in emulator', () => {
    const init = rescind(['init'], project);
    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toBe(
      'wrote rescind.config.yaml\nwrote plans/example.yaml\n\nNext: rescind plan plans/example.yaml\n',
    );
    // The modeline names the schema bundle of the project's own install, relative to the plan: the same
    // path in every teammate's checkout once npm ci has run.
    expect(modeline(join(project, 'plans/example.yaml'))).toBe(
      '../node_modules/rescind/dist/schemas/plan.schema.json',
    );
    expect(modeline(join(project, 'rescind.config.yaml'))).toBe(
      'node_modules/rescind/dist/schemas/config.schema.json',
    );
    expect(existsSync(join(project, 'plans', modeline(join(project, 'plans/example.yaml'))))).toBe(true);

    const validate = rescind(['validate', 'plans/example.yaml'], project);
    expect(validate).toMatchObject({ code: 0, stderr: '' });
    expect(validate.stdout).toMatch(/^\d+ files valid\.$/m);

    // Exit 0: a plan was made and no policy denies it (docs/cli.md#exit-status).
    const planned = rescind(['plan', 'plans/example.yaml'], project);
    expect(planned.code).toBe(0);
    expect(withoutProgress(planned.stderr)).toBe('');
    expect(planned.stdout).toMatch(/^rescind plan example \(SEC-1\)$/m);
    expect(planned.stdout).toMatch(/^ {2}kms-grants \(huaweicloud\.kms\.grant on hw-prod\): \d+ targets$/m);
    expect(planned.stdout).toMatch(
      /^ {2}esa-certificates \(alibabacloud\.esa\.client-certificate on ali-prod\): \d+ targets$/m,
    );
    expect(planned.stdout).toMatch(/^- revoke: hw-prod\/kms\/0d0466b0-e727-4d9c-b35d-f84bb474a37f\/grant\//m);
    expect(planned.stdout).toMatch(/^- revoke: ali-prod\/esa\/1234567890123\/client-certificate\//m);
    expect(planned.stdout).toMatch(/^Plan: [1-9]\d* to revoke, /m);
  });

  it.each([
    ['the global install', true],
    ["another project's install", false],
  ])('rescind init from %s names the published schemas, never a path on this machine', (_, global) => {
    const work = mkdtempSync(join(tmp, 'work-'));
    expect(rescind(['init'], work, { global })).toMatchObject({ code: 0, stderr: '' });
    for (const [file, schema] of [
      ['plans/example.yaml', 'plan.schema.json'],
      ['rescind.config.yaml', 'config.schema.json'],
    ] as const) {
      const url = modeline(join(work, file));
      expect(url).toBe(`https://rescind.dev/schemas/v1/${schema}`);
      // The URL is the $id of the schema the package ships.
      const shipped = JSON.parse(readFileSync(join(installed, 'schemas', schema), 'utf8')) as { $id: string };
      expect(shipped.$id).toBe(url);
    }
    expect(rescind(['validate', 'plans/example.yaml'], work, { global })).toMatchObject({
      code: 0,
      stderr: '',
    });
    expect(rescind(['plan', 'plans/example.yaml'], work, { global }).stdout).toMatch(
      /^Plan: [1-9]\d* to revoke, /m,
    );
  });

  it("every link that --help, init's files and the README give resolves in the installed package", () => {
    const work = mkdtempSync(join(tmp, 'links-'));
    expect(rescind(['init'], work).code).toBe(0);
    const printed = [
      rescind(['--help'], work).stdout,
      ...COMMANDS.map((c) => rescind([c, '--help'], work).stdout),
      readFileSync(join(work, 'rescind.config.yaml'), 'utf8'),
      readFileSync(join(work, 'plans/example.yaml'), 'utf8'),
    ].join('\n');
    // No bare path into docs/: it would name a file of the user's folder.
    expect(printed.match(/(?<![\w/])docs\/[\w./-]+/g) ?? []).toEqual([]);
    const links = [
      ...printed.matchAll(/https:\/\/github\.com\/rescind-dev\/rescind\/blob\/main\/([^\s)#]+)(#[\w-]+)?/g),
    ];
    expect(links.length).toBeGreaterThan(3);
    const broken = links
      .map(([link, path = '', anchor]) => ({ link, problem: problemOf(join(installed, path), anchor) }))
      .filter((l) => l.problem !== undefined);
    expect(broken).toEqual([]);

    const readme = readFileSync(join(installed, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '');
    const relative = [...readme.matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1] ?? '')
      .filter((target) => !/^[a-z]+:/.test(target));
    expect(relative.length).toBeGreaterThan(10);
    const unresolved = relative
      .map((target) => {
        const [path = '', anchor] = target.split('#');
        return {
          target,
          problem: problemOf(join(installed, path), anchor === undefined ? undefined : `#${anchor}`),
        };
      })
      .filter((l) => l.problem !== undefined);
    expect(unresolved).toEqual([]);
  });

  it("import 'rescind' loads the library, and its schemas resolve through the exports", () => {
    writeFileSync(
      join(project, 'probe.mjs'),
      `const rescind = await import('rescind');
console.log(JSON.stringify({
  version: rescind.VERSION,
  createSession: typeof rescind.createSession,
  schema: import.meta.resolve('rescind/schemas/plan.schema.json'),
  manifest: import.meta.resolve('rescind/package.json'),
}));
`,
    );
    const result = spawnSync(process.execPath, ['probe.mjs'], { cwd: project, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const probe = JSON.parse(result.stdout) as Record<string, string>;
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(probe.version).toBe(version);
    expect(probe.createSession).toBe('function');
    for (const url of [probe.schema, probe.manifest]) {
      const path = fileURLToPath(url ?? '');
      expect(path.startsWith(join(project, 'node_modules/rescind/'))).toBe(true);
      expect(existsSync(path)).toBe(true);
    }
  });
});
