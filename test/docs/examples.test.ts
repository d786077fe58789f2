// Keeps docs/ true: every YAML example parses, every full rescind document in one
// validates against the repository's config (or fails, when marked invalid), shown
// output and `rescind` sessions match what rescind prints, docs/diagnostics.md lists
// exactly the codes of src/diagnostics/codes.ts, and every relative link resolves.
//
// Markers, an HTML comment on the line before a fenced block:
//   <!-- invalid -->, <!-- invalid: CODE ... -->   the ```yaml block must fail (with exactly these codes)
//   <!-- same-as: PATH -->                        the ```yaml block holds the same data as PATH
//   <!-- output -->                               the ```text block is what validate prints for the yaml block above
//   <!-- run -->                                  the ```console block is run: `$ rescind ...` and `$ echo $?`

import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit.js';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import type { RescindConfig } from '../../src/config/config.js';
import { diagnosticCodes } from '../../src/diagnostics/codes.js';
import { type Diagnostic, sortDiagnostics } from '../../src/diagnostics/diagnostic.js';
import { MAX_DEPTH } from '../../src/document/depth.js';
import { loadYaml, MAX_EXPANDED_NODES } from '../../src/document/load.js';
import { MAX_FILE_BYTES } from '../../src/document/text.js';
import { formatDiagnostic } from '../../src/render/diagnostics/text.js';
import { type CheckContext, checkDocument } from '../../src/validate/check-document.js';
import { typeNames } from '../../src/vocabulary.js';
import { repoRoot } from '../helpers/paths.js';

const docsDir = join(repoRoot, 'docs');

/** Block is one fenced code block of a Markdown file. */
interface Block {
  /** line is the 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  /** marker is the HTML comment on the line before the fence, without <!-- and -->. */
  marker?: string;
}

/** Markdown is a Markdown file: its blocks, and its prose with code blocks and code spans removed. */
interface Markdown {
  file: string;
  text: string;
  blocks: Block[];
  prose: string;
}

function parseMarkdown(file: string, text: string): Markdown {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  const prose: string[] = [];
  let open: { fence: string; line: number; lang: string; marker?: string; body: string[] } | undefined;
  let previous = '';
  lines.forEach((line, i) => {
    if (open === undefined) {
      const m = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
      if (m) {
        const marker = /^\s*<!--\s*(.*?)\s*-->\s*$/.exec(previous)?.[1];
        open = {
          fence: m[1] ?? '```',
          line: i + 1,
          lang: m[2] ?? '',
          body: [],
          ...(marker ? { marker } : {}),
        };
        prose.push('');
      } else {
        prose.push(line.replace(/`[^`]*`/g, '``'));
      }
    } else if (line.trim().startsWith(open.fence) && line.trim().replace(/[`~]/g, '') === '') {
      const { fence: _fence, body, ...rest } = open;
      blocks.push({ ...rest, text: `${body.join('\n')}\n` });
      open = undefined;
      prose.push('');
    } else {
      open.body.push(line);
      prose.push('');
    }
    if (line.trim() !== '') previous = line;
  });
  if (open !== undefined) throw new Error(`${file}:${open.line}: code block is not closed`);
  return { file, text, blocks, prose: prose.join('\n') };
}

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(path));
    else if (entry.name.endsWith('.md')) out.push(path);
  }
  return out.sort();
}

// README.md is held to the same rules as docs/.
const docs: Markdown[] = [join(repoRoot, 'README.md'), ...markdownFiles(docsDir)].map((f) =>
  parseMarkdown(f, readFileSync(f, 'utf8')),
);
const shown = (file: string) => relative(repoRoot, file);

// The context that `rescind validate` uses in the repository root: its config and accounts.
function repositoryContext(): CheckContext {
  const file = 'rescind.config.yaml';
  const loaded = loadYaml(file, readFileSync(join(repoRoot, file), 'utf8'));
  if (loaded.source === undefined) throw new Error(`${file} does not load`);
  const policyExists = (p: string) => existsSync(resolve(repoRoot, p));
  const checked = checkDocument(loaded.source, { policyExists }, 'Config');
  if (!checked.valid) throw new Error(`${file} is not valid: ${checked.diagnostics.map((d) => d.message)}`);
  const config = loaded.source.data as RescindConfig;
  return { config: { file, accounts: config.accounts }, policyExists };
}

const FULL_DOCUMENT = /^apiVersion:\s*["']?rescind\/v1["']?\s*$/m;
const COMMENTS_ONLY = /^(\s*(#[^\n]*)?\n)*$/;

/** validateText is what `rescind validate` reports for text saved as file, sorted as the CLI sorts. */
function validateText(file: string, text: string, ctx: CheckContext): Diagnostic[] {
  const loaded = loadYaml(file, text);
  const checked = loaded.source ? checkDocument(loaded.source, ctx).diagnostics : [];
  return sortDiagnostics([...loaded.diagnostics, ...checked]);
}

function errorCodes(diagnostics: readonly Diagnostic[]): string[] {
  return [...new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))].sort();
}

function summarise(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => formatDiagnostic(d)).join('; ');
}

const DIAGNOSTIC_LINE = /^(\S+?)(?::\d+:\d+)?: (?:error|warning) [a-z]+\.[a-z-]+: /;

/**
 * checkYamlBlocks returns the problems of the yaml, text and marker blocks of one file:
 * full documents must validate (or fail as marked), fragments must parse, output must match.
 */
function checkYamlBlocks(md: Markdown, ctx: CheckContext): string[] {
  const problems: string[] = [];
  let last: { block: Block; at: string } | undefined;
  for (const block of md.blocks) {
    const at = `${shown(md.file)}:${block.line}`;
    const marker = block.marker ?? '';
    const invalid = /^invalid(?::\s*(.*))?$/.exec(marker);
    if (block.lang === 'yaml' || block.lang === 'yml') {
      last = { block, at };
      if (COMMENTS_ONLY.test(block.text)) continue;
      const full = FULL_DOCUMENT.test(block.text);
      // A Huawei account without projectId or domainId is valid: validate says, as a warning, that a
      // plan will look them up (account.lookup).
      const diagnostics = (
        full ? validateText('example.yaml', block.text, ctx) : loadYaml('x.yaml', block.text).diagnostics
      ).filter((d) => d.code !== 'account.lookup');
      const errors = errorCodes(diagnostics);
      if (invalid) {
        if (errors.length === 0) problems.push(`${at}: block is marked invalid but has no error`);
        const expected = (invalid[1] ?? '').split(/[\s,]+/).filter((c) => c !== '');
        if (expected.length > 0 && expected.sort().join(' ') !== errors.join(' ')) {
          problems.push(`${at}: expected errors ${expected.join(' ')}, got ${errors.join(' ') || 'none'}`);
        }
      } else if (diagnostics.length > 0) {
        const what = full ? 'example does not validate' : 'fragment is not valid YAML';
        problems.push(`${at}: ${what}: ${summarise(diagnostics)}`);
      }
      const same = /^same-as:\s*(\S+)$/.exec(marker);
      if (same?.[1] !== undefined) {
        const path = join(repoRoot, same[1]);
        const mine = loadYaml('block.yaml', block.text).source?.data;
        const theirs = existsSync(path)
          ? loadYaml(same[1], readFileSync(path, 'utf8')).source?.data
          : undefined;
        if (theirs === undefined) problems.push(`${at}: same-as ${same[1]}: the file does not load`);
        else if (JSON.stringify(mine) !== JSON.stringify(theirs))
          problems.push(`${at}: the block differs from ${same[1]}; copy the file's content again`);
      }
    } else if (marker === 'output') {
      if (last === undefined) {
        problems.push(`${at}: output block without a yaml block before it`);
        continue;
      }
      problems.push(...checkOutput(at, block.text, last.block.text, ctx));
    } else if (invalid || marker.startsWith('same-as')) {
      problems.push(`${at}: marker "${marker}" belongs before a yaml block`);
    }
  }
  return problems;
}

// The diagnostic lines of an output block must be what validate prints for the yaml block;
// a summary line must count the errors; `$ ` lines are the command and are not compared.
function checkOutput(at: string, output: string, yaml: string, ctx: CheckContext): string[] {
  const lines = output.trimEnd().split('\n');
  const shownLines = lines.filter((l) => DIAGNOSTIC_LINE.test(l));
  const file = DIAGNOSTIC_LINE.exec(shownLines[0] ?? '')?.[1] ?? 'example.yaml';
  const diagnostics = validateText(file, yaml, ctx);
  const actual = diagnostics.map((d) => formatDiagnostic(d));
  const problems: string[] = [];
  if (actual.join('\n') !== shownLines.join('\n')) {
    problems.push(`${at}: output differs; rescind prints:\n${actual.join('\n')}`);
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  for (const line of lines) {
    if (DIAGNOSTIC_LINE.test(line) || line.startsWith('$ ')) continue;
    const found = /^Found (\d+) errors? /.exec(line);
    if (found) {
      if (Number(found[1]) !== errors) problems.push(`${at}: summary says ${found[1]} errors, not ${errors}`);
    } else if (!/^\d+ files? valid/.test(line)) {
      problems.push(`${at}: unexpected output line ${JSON.stringify(line)}`);
    }
  }
  return problems;
}

/** captureIo is an Io in the repository root, without colours, that collects stdout and stderr in order. */
function captureIo(): { io: Io; output: () => string } {
  const chunks: string[] = [];
  const sink = {
    write: (t: string) => {
      chunks.push(t);
    },
    isTTY: false,
  };
  return { io: { stdout: sink, stderr: sink, cwd: sessionRoot(), env: {} }, output: () => chunks.join('') };
}

// Sessions run in a copy of the files the docs name (the config, plans/, test/fixtures/), so that
// the built-in emulator starts from the demo seed, whatever a local `rescind apply` changed in the
// repository's own .rescind/.
let copied: string | undefined;
function sessionRoot(): string {
  if (copied !== undefined) return copied;
  const dir = mkdtempSync(join(tmpdir(), 'rescind-docs-'));
  for (const path of ['rescind.config.yaml', 'plans', 'test/fixtures']) {
    cpSync(join(repoRoot, path), join(dir, path), { recursive: true });
  }
  copied = dir;
  return dir;
}
afterAll(() => {
  if (copied !== undefined) rmSync(copied, { recursive: true, force: true });
});

/** runSession runs the `$ rescind ...` and `$ echo $?` lines of a console block in a copy of the repository. */
async function runSession(at: string, text: string): Promise<string[]> {
  const problems: string[] = [];
  const steps: { command: string; expected: string[] }[] = [];
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2).trim(), expected: [] });
    else if (steps.length === 0) problems.push(`${at}: output before the first command: ${line}`);
    else steps[steps.length - 1]?.expected.push(line);
  }
  let status: number | undefined;
  for (const { command, expected } of steps) {
    let actual: string;
    if (command === 'echo $?') {
      if (status === undefined) {
        problems.push(`${at}: echo $? before any rescind command`);
        continue;
      }
      actual = String(status);
    } else if (/^rescind( [^\s'"`|<>&;$\\]+)*$/.test(command)) {
      const { io, output } = captureIo();
      status = await run(command.split(' ').slice(1), io);
      actual = output().trimEnd();
    } else {
      problems.push(`${at}: cannot run ${JSON.stringify(command)}; only "rescind ARGS" and "echo $?"`);
      continue;
    }
    if (!matchLines(expected, actual.split('\n'))) {
      problems.push(`${at}: "$ ${command}" prints:\n${actual}\n(the block shows:\n${expected.join('\n')})`);
    }
  }
  return problems;
}

// Lines match exactly, except that a line "..." in expected stands for any lines.
function matchLines(expected: readonly string[], actual: readonly string[]): boolean {
  const [head, ...rest] = expected;
  if (head === undefined) return actual.length === 0;
  if (head.trim() === '...') {
    for (let skip = 0; skip <= actual.length; skip++) if (matchLines(rest, actual.slice(skip))) return true;
    return false;
  }
  return actual[0] === head && matchLines(rest, actual.slice(1));
}

/** slug is GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

function anchors(md: Markdown): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of md.prose.split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    // Code spans were emptied in prose; take the heading from the original text instead.
    const original = md.text.split('\n').find((l) => l.replace(/`[^`]*`/g, '``') === line) ?? line;
    const base = slug(/^#{1,6}\s+(.*?)\s*#*\s*$/.exec(original)?.[1] ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** checkLinks returns the relative links of a file that point at nothing. */
function checkLinks(md: Markdown, read: (path: string) => Markdown | undefined): string[] {
  const problems: string[] = [];
  const targets: string[] = [];
  for (const m of md.prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1] ?? '');
  for (const m of md.prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) targets.push(m[1] ?? '');
  for (const m of md.prose.matchAll(/<a\s[^>]*href="([^"]+)"/g)) targets.push(m[1] ?? '');
  for (const target of targets) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
    const [path = '', fragment] = target.split('#');
    const abs = path === '' ? md.file : resolve(dirname(md.file), decodeURI(path));
    if (!existsSync(abs)) {
      problems.push(`${shown(md.file)}: link ${target} points at ${shown(abs)}, which does not exist`);
      continue;
    }
    if (fragment !== undefined && abs.endsWith('.md')) {
      const linked = read(abs);
      if (linked === undefined || !anchors(linked).has(fragment))
        problems.push(`${shown(md.file)}: link ${target}: no heading #${fragment} in ${shown(abs)}`);
    }
  }
  return problems;
}

const CODE_PREFIXES = new Set(Object.keys(diagnosticCodes).map((c) => c.split('.')[0]));
const CODE_LIKE = /^([a-z]+)\.[a-z]+(?:-[a-z]+)*$/;
const FILE_LIKE = /\.(md|json|ya?ml|ts|js)$/;

/** codeTable returns the rows `| \`code\` | meaning | ... |` of a file's tables. */
function codeTable(md: Markdown): { code: string; meaning: string }[] {
  const rows: { code: string; meaning: string }[] = [];
  for (const line of md.text.split('\n')) {
    const m = /^\|\s*`([^`]+)`\s*\|([^|]*)\|/.exec(line);
    if (m?.[1] !== undefined && CODE_LIKE.test(m[1]) && CODE_PREFIXES.has(m[1].split('.')[0]))
      rows.push({ code: m[1], meaning: (m[2] ?? '').trim() });
  }
  return rows;
}

/** checkCodeTable compares the code rows of docs/diagnostics.md with diagnosticCodes. */
function checkCodeTable(md: Markdown, codes: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const rows = codeTable(md);
  const listed = new Set<string>();
  for (const { code, meaning } of rows) {
    if (listed.has(code)) problems.push(`${code} is listed twice`);
    listed.add(code);
    const description = codes[code];
    if (description === undefined)
      problems.push(`${code} is not a diagnostic code of src/diagnostics/codes.ts`);
    else if (meaning !== description) problems.push(`${code}: meaning should read "${description}"`);
  }
  for (const code of Object.keys(codes)) if (!listed.has(code)) problems.push(`${code} is missing`);
  return problems;
}

/** checkCodeMentions returns code-like names in a file's prose and output that are not codes. */
function checkCodeMentions(md: Markdown, codes: Readonly<Record<string, string>>): string[] {
  const names: string[] = [];
  for (const m of md.text.matchAll(/`([^`\n]+)`/g)) names.push(m[1] ?? '');
  for (const m of md.text.matchAll(/: (?:error|warning) ([a-z]+\.[a-z-]+):/g)) names.push(m[1] ?? '');
  return names
    .filter((n) => CODE_LIKE.test(n) && !FILE_LIKE.test(n) && CODE_PREFIXES.has(n.split('.')[0]))
    .filter((n) => !Object.hasOwn(codes, n))
    .map((n) => `${shown(md.file)}: \`${n}\` looks like a diagnostic code but is none`);
}

const byFile = new Map(docs.map((d) => [resolve(d.file), d]));
const readDoc = (abs: string): Markdown | undefined =>
  byFile.get(resolve(abs)) ?? (existsSync(abs) ? parseMarkdown(abs, readFileSync(abs, 'utf8')) : undefined);
const docNamed = (name: string): Markdown => {
  const found = byFile.get(join(docsDir, name));
  if (found === undefined) throw new Error(`docs/${name} is missing`);
  return found;
};

describe('docs/ examples', () => {
  const ctx = repositoryContext();

  it('finds the docs', () => {
    expect(docs.map((d) => shown(d.file))).toEqual(
      expect.arrayContaining(['docs/plan-format.md', 'docs/diagnostics.md', 'docs/cli.md']),
    );
  });

  it.each(docs.map((d) => [shown(d.file), d] as const))('%s: yaml examples validate as marked', (_, md) => {
    expect(checkYamlBlocks(md, ctx)).toEqual([]);
  });

  it.each(docs.map((d) => [shown(d.file), d] as const))(
    '%s: rescind sessions print what is shown',
    async (_, md) => {
      const problems: string[] = [];
      for (const block of md.blocks) {
        if (block.marker === 'run')
          problems.push(...(await runSession(`${shown(md.file)}:${block.line}`, block.text)));
        else if (block.lang === 'console')
          problems.push(`${shown(md.file)}:${block.line}: console block without <!-- run -->`);
      }
      expect(problems).toEqual([]);
    },
  );

  it.each(typeNames.map((t) => [t]))('docs/types/%s.md has a valid plan of its type', (type) => {
    const md = docNamed(`types/${type}.md`);
    const plans = md.blocks.filter(
      (b) =>
        b.lang === 'yaml' &&
        b.marker === undefined &&
        FULL_DOCUMENT.test(b.text) &&
        new RegExp(`^\\s*type: ${type.replaceAll('.', '\\.')}\\s*$`, 'm').test(b.text),
    );
    expect(plans.length).toBeGreaterThan(0);
    for (const b of plans) expect(validateText('example.yaml', b.text, ctx)).toEqual([]);
  });

  it('docs/types/ documents only revocation types that exist', () => {
    const pages = readdirSync(join(docsDir, 'types')).map((f) => f.replace(/\.md$/, ''));
    expect(pages.sort()).toEqual([...typeNames].sort());
  });
});

describe('docs/diagnostics.md', () => {
  it('lists every diagnostic code once, with its meaning from codes.ts, and no other', () => {
    expect(checkCodeTable(docNamed('diagnostics.md'), diagnosticCodes)).toEqual([]);
  });

  it.each(docs.map((d) => [shown(d.file), d] as const))('%s names no code that does not exist', (_, md) => {
    expect(checkCodeMentions(md, diagnosticCodes)).toEqual([]);
  });
});

describe('docs/ facts', () => {
  it("README's benchmark headlines are the ones docs/benchmarks.md's data renders", async () => {
    // Written by `npm run bench` (bench/report.js); after editing either, `npm run bench -- --rewrite`.
    const report = join(repoRoot, 'bench/report.js');
    const { readmeBlock } = (await import(report)) as { readmeBlock: () => string };
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toContain(readmeBlock());
  });

  it('plan-format.md states the loader limits of src/document', () => {
    const text = docNamed('plan-format.md').text;
    expect(text).toContain(`${MAX_FILE_BYTES / (1024 * 1024)} MiB`);
    expect(text).toContain(`at most ${MAX_DEPTH} deep`);
    expect(text).toContain(`at most ${MAX_EXPANDED_NODES.toLocaleString('en-US')} values`);
  });

  it('cli.md lists exactly the exit codes of EXIT', () => {
    const md = docNamed('cli.md');
    const section = md.text.slice(md.text.indexOf('## Exit status'));
    const listed = [...section.matchAll(/^\|\s*(\d+)\s*\|\s*(\w+)\s*\|/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(listed).toEqual(Object.entries(EXIT).map(([name, code]) => [code, name]));
  });

  it('cli.md describes every field of the JSON output', async () => {
    const { io, output } = captureIo();
    const file = 'test/fixtures/validate/invalid/api-version-wrong.yaml';
    await run(['validate', '--format', 'json', file], io);
    const keys = new Set<string>();
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v !== null && typeof v === 'object')
        for (const [k, child] of Object.entries(v)) {
          keys.add(k);
          collect(child);
        }
    };
    collect(JSON.parse(output()));
    const text = docNamed('cli.md').text;
    const missing = [...keys].filter((k) => !text.includes(`| \`${k}\` |`) && !text.includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });
});

describe('docs/ links', () => {
  it.each(docs.map((d) => [shown(d.file), d] as const))('%s links only to files that exist', (_, md) => {
    expect(checkLinks(md, readDoc)).toEqual([]);
  });

  it('every docs/ page and heading that a source comment cites exists', () => {
    const sources = [...sourceFiles(join(repoRoot, 'src')), ...sourceFiles(join(repoRoot, 'test'))];
    const cited: string[] = [];
    for (const file of sources) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bdocs\/([a-z0-9/.-]+\.md)(?:#([a-z0-9-]+))?/g)) {
        const page = readDoc(join(docsDir, m[1] ?? ''));
        if (page === undefined) cited.push(`${shown(file)}: docs/${m[1]} does not exist`);
        else if (m[2] !== undefined && !anchors(page).has(m[2]))
          cited.push(`${shown(file)}: docs/${m[1]} has no heading #${m[2]}`);
      }
    }
    expect(cited).toEqual([]);
  });
});

// The .ts files under dir, fixtures left out.
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.includes('fixtures'))
    .map((f) => join(dir, f));
}

// The checks above must be able to fail: each is fed a small document with the mistake it catches.
describe('the checks themselves', () => {
  const ctx = repositoryContext();
  const fake = (text: string) => parseMarkdown(join(docsDir, 'fake.md'), text);
  const plan = (account: string) =>
    [
      '```yaml',
      'apiVersion: rescind/v1',
      'kind: RevocationPlan',
      'metadata: {name: p, reason: r}',
      'spec:',
      '  revocations:',
      `    - {id: a, type: huaweicloud.ccm.subordinate-ca, account: ${account}, target: {caId: 6434f74f-2d13-4e6a-89eb-93ee313f1a43}}`,
      '```',
    ].join('\n');

  it('a full document with an error and no marker is reported', () => {
    expect(checkYamlBlocks(fake(plan('hw-prd')), ctx)).toEqual([
      expect.stringContaining('plan.unknown-account'),
    ]);
    expect(checkYamlBlocks(fake(plan('hw-prod')), ctx)).toEqual([]);
  });

  it('a block marked invalid must fail, with the codes it names', () => {
    expect(checkYamlBlocks(fake(`<!-- invalid -->\n${plan('hw-prod')}`), ctx)).toEqual([
      expect.stringContaining('has no error'),
    ]);
    expect(checkYamlBlocks(fake(`<!-- invalid: schema.pattern -->\n${plan('hw-prd')}`), ctx)).toEqual([
      expect.stringContaining('expected errors schema.pattern, got plan.unknown-account'),
    ]);
    expect(checkYamlBlocks(fake(`<!-- invalid: plan.unknown-account -->\n${plan('hw-prd')}`), ctx)).toEqual(
      [],
    );
  });

  it('a fragment that is not YAML is reported', () => {
    expect(checkYamlBlocks(fake('```yaml\ntarget: {caId: [\n```'), ctx)).toHaveLength(1);
  });

  it('output that differs from what rescind prints is reported', () => {
    const output = '<!-- output -->\n```text\nexample.yaml:7:62: error plan.unknown-account: wrong\n```';
    expect(checkYamlBlocks(fake(`<!-- invalid -->\n${plan('hw-prd')}\n${output}`), ctx)).toEqual([
      expect.stringContaining('output differs'),
    ]);
  });

  it('a session whose output differs is reported', async () => {
    expect(await runSession('s', '$ rescind --version\nrescind 0.0.0-not-this')).toHaveLength(1);
    expect(await runSession('s', '$ rescind nope\n...\n$ echo $?\n0')).toHaveLength(1);
    expect(await runSession('s', '$ rescind nope\n...\n$ echo $?\n1')).toEqual([]);
    expect(await runSession('s', '$ ls\n')).toHaveLength(1);
  });

  it('a missing code, an unknown code and a changed meaning are reported', () => {
    const codes = { 'file.empty': 'the file holds no document', 'file.encoding': 'not UTF-8' };
    const table = '| Code | Meaning |\n|---|---|\n| `file.empty` | no document |\n| `file.bogus` | x |\n';
    expect(checkCodeTable(fake(table), codes).sort()).toEqual([
      'file.bogus is not a diagnostic code of src/diagnostics/codes.ts',
      'file.empty: meaning should read "the file holds no document"',
      'file.encoding is missing',
    ]);
    expect(checkCodeMentions(fake('see `file.bogus`, `plan.schema.json`'), codes)).toHaveLength(1);
  });

  it('a link to a missing file or heading is reported', () => {
    const md = fake(
      '[a](cli.md) [b](nope.md) [c](cli.md#exit-status) [d](cli.md#nope) [e](https://x.invalid/)',
    );
    expect(checkLinks(md, readDoc)).toEqual([
      expect.stringContaining('nope.md'),
      expect.stringContaining('no heading #nope'),
    ]);
  });

  it('slugs headings as GitHub does', () => {
    expect(slug('YAML rules and limits')).toBe('yaml-rules-and-limits');
    expect(slug('`huaweicloud.kms.grant`')).toBe('huaweicloudkmsgrant');
    expect(slug('rescind validate')).toBe('rescind-validate');
  });
});
