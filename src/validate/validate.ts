// `rescind validate` as a library call: walk the paths, find the config, load and
// check every file, and return the diagnostics, sorted: the first maxPerFile of each file,
// and how many more there were. No output, no exit codes.

import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CONFIG_FILE, loadConfig, policyPaths } from '../config/config.js';
import { type Diagnostic, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { type LoadedDocument, loadDocument, loadDocumentBytes } from '../document/pipeline.js';
import type { DocumentKind } from '../schema/schemas.js';
import { type CheckContext, ruleBook } from './check-document.js';

/** ValidateOptions: where relative paths start, and the config to check accounts against. */
export interface ValidateOptions {
  cwd: string;
  /** config is the config's path (--config, or the one found); without it no account is checked. */
  config?: string | undefined;
  /**
   * noConfig says why no config was found: a plan's accounts are then not checked, and a warning says
   * so once (a plan naming an account no config defines is not valid, whatever validate says alone).
   */
  noConfig?: string | undefined;
  /** maxPerFile keeps the first diagnostics of each file, in position order; 0 keeps all. Default 100. */
  maxPerFile?: number | undefined;
  /** stdin is what the path `-` stands for: standard input as read, and the name diagnostics give it. */
  stdin?: StdinDocument | undefined;
}

/** StdinDocument is a document read from standard input, and the file name to locate its problems in. */
export interface StdinDocument {
  bytes: Uint8Array;
  name: string;
}

/** DEFAULT_MAX_PER_FILE is how many diagnostics of one file are kept, the way compilers stop listing. */
export const DEFAULT_MAX_PER_FILE = 100;

/** ValidatedFile is one file that was checked; omitted counts its diagnostics beyond maxPerFile. */
export interface ValidatedFile {
  file: string;
  kind?: DocumentKind;
  valid: boolean;
  omitted: number;
}

/**
 * ValidateResult is every file checked and the diagnostics kept, sorted by file and position;
 * errorCount and warningCount count every diagnostic, the omitted ones too.
 */
export interface ValidateResult {
  valid: boolean;
  files: ValidatedFile[];
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
}

/** validatePaths validates files and directories (walked for *.yaml and *.yml). */
export async function validatePaths(
  paths: readonly string[],
  options: ValidateOptions,
): Promise<ValidateResult> {
  const { cwd } = options;
  const max = options.maxPerFile ?? DEFAULT_MAX_PER_FILE;
  const diagnostics: Diagnostic[] = [];
  const files: ValidatedFile[] = [];
  const done = new Set<string>();
  let errorCount = 0;
  let warningCount = 0;
  const record = (loaded: LoadedDocument) => {
    // loaded.diagnostics are sorted: the first ones are the first in the file.
    const kept = max > 0 && loaded.diagnostics.length > max ? max : loaded.diagnostics.length;
    for (const [i, d] of loaded.diagnostics.entries()) {
      if (d.severity === 'error') errorCount++;
      else warningCount++;
      if (i < kept) diagnostics.push(d);
    }
    files.push({
      file: loaded.file,
      valid: loaded.valid,
      omitted: loaded.diagnostics.length - kept,
      ...(loaded.kind ? { kind: loaded.kind } : {}),
    });
  };
  const problem = (d: Diagnostic) => {
    if (d.severity === 'error') errorCount++;
    else warningCount++;
    diagnostics.push(d);
  };

  // The config first: plans are checked against its accounts, and it names policies.
  const ctx: CheckContext = {};
  const configName =
    options.config ??
    (options.noConfig === undefined && existsSync(resolve(cwd, CONFIG_FILE)) ? CONFIG_FILE : undefined);
  const policies: string[] = [];
  if (options.config !== undefined && !existsSync(resolve(cwd, options.config))) {
    problem({
      severity: 'error',
      code: 'config.not-found',
      file: options.config,
      message: `config file ${options.config} does not exist`,
    });
  } else if (configName !== undefined) {
    const configPath = resolve(cwd, configName);
    const loaded = loadConfig(configPath, configName, { lookups: true });
    done.add(configPath);
    record(loaded);
    if (loaded.config !== undefined) {
      ctx.config = { file: configName, accounts: loaded.config.accounts };
      for (const abs of policyPaths(loaded.config, configPath)) {
        if (existsSync(abs)) policies.push(relative(cwd, abs) || abs);
      }
    }
  }

  for (const arg of paths) {
    if (arg === '-' && options.stdin !== undefined) {
      record(
        loadDocumentBytes(options.stdin.bytes, options.stdin.name, {
          rules: ruleBook({ ...ctx, policyExists: (p) => existsSync(resolve(cwd, p)) }),
        }),
      );
      continue;
    }
    const found = expand(cwd, arg);
    for (const d of found.diagnostics) problem(d);
    for (const file of found.files) {
      const abs = resolve(cwd, file);
      if (done.has(abs)) continue;
      done.add(abs);
      record(loadFile(cwd, file, ctx));
    }
  }
  for (const file of policies) {
    const abs = resolve(cwd, file);
    if (done.has(abs)) continue;
    done.add(abs);
    record(loadFile(cwd, file, ctx, 'Policy'));
  }

  // A valid plan whose accounts nobody checked is not known to be valid: said once, as a warning.
  if (options.noConfig !== undefined && files.some((f) => f.kind === 'RevocationPlan' && f.valid)) {
    const why = options.noConfig;
    problem({
      severity: 'warning',
      code: 'config.none',
      file: CONFIG_FILE,
      message: `${why.replace(/; pass --config FILE$/, '')}: the accounts the plans name were not checked; pass --config FILE to check them`,
    });
  }
  return {
    valid: errorCount === 0,
    files,
    diagnostics: sortDiagnostics(diagnostics),
    errorCount,
    warningCount,
  };
}

/** loadFile reads, parses and checks one file; expected restricts it to one kind. */
function loadFile(cwd: string, file: string, ctx: CheckContext, expected?: DocumentKind): LoadedDocument {
  const abs = resolve(cwd, file);
  // A config's policy paths are relative to the config file.
  const policyExists = (p: string) => existsSync(resolve(dirname(abs), p));
  return loadDocument(abs, file, {
    ...(expected === undefined ? {} : { kinds: [expected] }),
    rules: ruleBook({ ...ctx, policyExists }),
  });
}

const YAML_FILE = /\.ya?ml$/i;

interface Expanded {
  files: string[];
  diagnostics: Diagnostic[];
}

// A path to its files: itself, or the *.yaml and *.yml files under a folder. A path or a folder that
// cannot be read is an error, never skipped: a run that skipped one would call the rest valid.
function expand(cwd: string, arg: string): Expanded {
  const abs = resolve(cwd, arg);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (e) {
    return { files: [], diagnostics: [unreadable(arg, e, 'does not exist')] };
  }
  if (!isDir) return { files: [arg], diagnostics: [] };
  const found: Expanded = { files: [], diagnostics: [] };
  walk(abs, arg, found);
  if (found.files.length === 0 && found.diagnostics.length === 0) {
    found.diagnostics.push({
      severity: 'error',
      code: 'file.not-found',
      file: arg,
      message: `no *.yaml or *.yml files in ${arg}`,
    });
  }
  return found;
}

// Depth-first, sorted by name; skips node_modules and hidden folders, follows no folder links. A *.yaml
// entry that is not a regular file (a FIFO, a device, a link to a folder) is listed, so that reading it
// reports what it is.
function walk(abs: string, shown: string, out: Expanded): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    out.diagnostics.push(unreadable(shown, e, 'does not exist'));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const childShown = join(shown, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      walk(join(abs, entry.name), childShown, out);
    } else if (YAML_FILE.test(entry.name)) {
      out.files.push(childShown);
    }
  }
}

// A path that stat or readdir refused: not found (ENOENT, or a parent that is a file), or unreadable
// with the system's code (EACCES, ENAMETOOLONG, ELOOP, ...).
function unreadable(shown: string, e: unknown, missing: string): Diagnostic {
  const reason = e instanceof Error && 'code' in e ? String(e.code) : 'unknown error';
  if (reason === 'ENOENT' || reason === 'ENOTDIR') {
    return { severity: 'error', code: 'file.not-found', file: shown, message: `${shown} ${missing}` };
  }
  return {
    severity: 'error',
    code: 'file.unreadable',
    file: shown,
    message: `cannot read ${shown} (${reason})`,
  };
}
