// `rescind validate` as a library call: walk the paths, find the config, load and
// check every file, and return every diagnostic, sorted. No output, no exit codes.

import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CONFIG_FILE, loadConfig, policyPaths } from '../config/config.js';
import { type Diagnostic, hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { type LoadedDocument, loadDocument } from '../document/pipeline.js';
import type { DocumentKind } from '../schema/schemas.js';
import { type CheckContext, ruleBook } from './check-document.js';

/** ValidateOptions: where relative paths start, and the config to check accounts against. */
export interface ValidateOptions {
  cwd: string;
  /** config is the --config path; without it rescind.config.yaml in cwd is used when it exists. */
  config?: string | undefined;
}

/** ValidatedFile is one file that was checked. */
export interface ValidatedFile {
  file: string;
  kind?: DocumentKind;
  valid: boolean;
}

/** ValidateResult is every file checked and every diagnostic, sorted by file and position. */
export interface ValidateResult {
  valid: boolean;
  files: ValidatedFile[];
  diagnostics: Diagnostic[];
}

/** validatePaths validates files and directories (walked for *.yaml and *.yml). */
export async function validatePaths(
  paths: readonly string[],
  options: ValidateOptions,
): Promise<ValidateResult> {
  const { cwd } = options;
  const diagnostics: Diagnostic[] = [];
  const files: ValidatedFile[] = [];
  const done = new Set<string>();
  const record = (loaded: LoadedDocument) => {
    files.push({ file: loaded.file, valid: loaded.valid, ...(loaded.kind ? { kind: loaded.kind } : {}) });
    diagnostics.push(...loaded.diagnostics);
  };

  // The config first: plans are checked against its accounts, and it names policies.
  const ctx: CheckContext = {};
  const configName = options.config ?? (existsSync(resolve(cwd, CONFIG_FILE)) ? CONFIG_FILE : undefined);
  const policies: string[] = [];
  if (options.config !== undefined && !existsSync(resolve(cwd, options.config))) {
    diagnostics.push({
      severity: 'error',
      code: 'config.not-found',
      file: options.config,
      message: `config file ${options.config} does not exist`,
    });
  } else if (configName !== undefined) {
    const configPath = resolve(cwd, configName);
    const loaded = loadConfig(configPath, configName);
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
    const found = expand(cwd, arg);
    if ('diagnostic' in found) {
      diagnostics.push(found.diagnostic);
      continue;
    }
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

  const sorted = sortDiagnostics(diagnostics);
  return { valid: !hasErrors(sorted), files, diagnostics: sorted };
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

function expand(cwd: string, arg: string): { files: string[] } | { diagnostic: Diagnostic } {
  const abs = resolve(cwd, arg);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    return {
      diagnostic: { severity: 'error', code: 'file.not-found', file: arg, message: `${arg} does not exist` },
    };
  }
  if (!isDir) return { files: [arg] };
  const files: string[] = [];
  walk(abs, arg, files);
  if (files.length === 0) {
    return {
      diagnostic: {
        severity: 'error',
        code: 'file.not-found',
        file: arg,
        message: `no *.yaml or *.yml files in ${arg}`,
      },
    };
  }
  return { files };
}

// Depth-first, sorted by name; skips node_modules and hidden folders, follows no directory links.
function walk(abs: string, shown: string, out: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const childShown = join(shown, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      walk(join(abs, entry.name), childShown, out);
    } else if (YAML_FILE.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) {
      out.push(childShown);
    }
  }
}
