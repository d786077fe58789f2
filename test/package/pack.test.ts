// The package as npm publishes it: packed from the build (without the build scripts), installed from
// the tarball into an empty project (its dependencies from the registry), and used the way a user
// starts: the installed `rescind` prints its help, writes the starter files, validates the example plan
// and plans it on the built-in emulator; `import 'rescind'` loads the library. What the tarball holds
// is checked too: the runtime's files, no test or workspace folder, no source map without its source.
// This needs the build (npm run build).

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
import { repoRoot } from '../helpers/paths.js';

let tmp: string;
let project: string; // the empty project the tarball is installed into
let files: Set<string>; // the tarball's paths, relative to the package

// npm as a user runs it: without the npm_* variables of an `npm test` around this one (its prefix
// would send the install elsewhere), keeping where the registry and the cache are.
const npmEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !k.startsWith('npm_') || /^npm_config_(registry|cache|userconfig)$/i.test(k),
  ),
);

function npm(args: readonly string[], cwd: string): string {
  const result = spawnSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return result.stdout;
}

// The installed bin, as its shebang starts it, with no cloud credentials in the environment.
function rescind(args: readonly string[], cwd: string) {
  const result = spawnSync(join(project, 'node_modules/.bin/rescind'), args, {
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
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', join(tmp, packed.filename)], project);
}, 120_000);

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
      'dist/schema/validators.js',
      'dist/schemas/plan.schema.json',
      'plans/examples/emulator-seed.yaml',
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

describe('the installed package', () => {
  it('rescind --help lists the commands', () => {
    const out = rescind(['--help'], project);
    expect(out.code).toBe(0);
    for (const command of ['validate', 'plan', 'show', 'apply', 'emulator', 'init', 'completion'])
      expect(out.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
  });

  it('rescind init, then validate and plan of the example on the built-in emulator', () => {
    const work = join(tmp, 'work');
    mkdirSync(work);
    const init = rescind(['init'], work);
    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toBe(
      'wrote rescind.config.yaml\nwrote plans/example.yaml\n\nNext: rescind plan plans/example.yaml\n',
    );
    // The modeline names the schema bundle of the installed package, relative to the plan.
    const plan = readFileSync(join(work, 'plans/example.yaml'), 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(plan)?.[1];
    expect(modeline).toBe('../../project/node_modules/rescind/dist/schemas/plan.schema.json');
    expect(existsSync(join(work, 'plans', modeline ?? ''))).toBe(true);

    const validate = rescind(['validate', 'plans/example.yaml'], work);
    expect(validate).toMatchObject({ code: 0, stderr: '' });
    expect(validate.stdout).toMatch(/^\d+ files valid\.$/m);

    // Exit 0: a plan was made and no policy denies it (docs/cli.md#exit-status).
    const planned = rescind(['plan', 'plans/example.yaml'], work);
    expect(planned).toMatchObject({ code: 0, stderr: '' });
    expect(planned.stdout).toMatch(/^rescind plan example \(SEC-1\)$/m);
    expect(planned.stdout).toMatch(/^ {2}kms-grants \(huaweicloud\.kms\.grant on hw-prod\): \d+ targets$/m);
    expect(planned.stdout).toMatch(
      /^ {2}esa-certificates \(alibabacloud\.esa\.client-certificate on ali-prod\): \d+ targets$/m,
    );
    expect(planned.stdout).toMatch(/^- revoke: hw-prod\/kms\/0d0466b0-e727-4d9c-b35d-f84bb474a37f\/grant\//m);
    expect(planned.stdout).toMatch(/^- revoke: ali-prod\/esa\/1234567890123\/client-certificate\//m);
    expect(planned.stdout).toMatch(/^Plan: [1-9]\d* to revoke, /m);
  });

  it("import 'rescind' loads the library, and its schemas resolve through the exports", () => {
    writeFileSync(
      join(project, 'probe.mjs'),
      `const rescind = await import('rescind');
console.log(JSON.stringify({
  version: rescind.VERSION,
  validatePaths: typeof rescind.validatePaths,
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
    expect(probe.validatePaths).toBe('function');
    for (const url of [probe.schema, probe.manifest]) {
      const path = fileURLToPath(url ?? '');
      expect(path.startsWith(join(project, 'node_modules/rescind/'))).toBe(true);
      expect(existsSync(path)).toBe(true);
    }
  });
});
