// Which config a command uses when none is named: rescind.config.yaml in the folder of the file it
// works on, or in a folder above it up to the repository's root (the first folder with a .git), then
// the file RESCIND_CONFIG names. The folder of the config found is where .rescind/ (runs, locks, the
// built-in emulator's state) is kept, so that two shells in two folders of a repository share them.

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE } from './config.js';

/** CONFIG_ENV names the environment variable of the config used when no folder up holds one. */
export const CONFIG_ENV = 'RESCIND_CONFIG';

/** MAX_FOLDERS bounds the walk up: no path has more folders than this. */
const MAX_FOLDERS = 4096;

/** FoundConfig is the config to use (absolute), how it was found, and the folders searched. */
export interface FoundConfig {
  /** path is absent when no config was found. */
  path?: string;
  /** how: named (--config), found (in start or a folder above it), env (RESCIND_CONFIG). */
  how?: 'named' | 'found' | 'env';
  /** searched are the folders looked in, nearest first. */
  searched: string[];
}

/**
 * discoverConfig finds the config: named (relative to cwd) when given; else rescind.config.yaml in start
 * (a folder, relative to cwd) or above it, up to and including the first folder that holds `.git`, or
 * the filesystem's root; else the file env.RESCIND_CONFIG names (relative to cwd). A named file, or the
 * variable's, is returned whether or not it exists: the caller says it does not.
 */
export function discoverConfig(
  cwd: string,
  start: string,
  env: Readonly<Record<string, string | undefined>>,
  named?: string,
): FoundConfig {
  if (named !== undefined) return { path: resolve(cwd, named), how: 'named', searched: [] };
  const searched: string[] = [];
  let dir = resolve(cwd, start);
  for (let i = 0; i < MAX_FOLDERS; i++) {
    searched.push(dir);
    const candidate = join(dir, CONFIG_FILE);
    if (isFile(candidate)) return { path: candidate, how: 'found', searched };
    if (existsSync(join(dir, '.git'))) break;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const fromEnv = env[CONFIG_ENV]?.trim();
  if (fromEnv !== undefined && fromEnv !== '') {
    return { path: resolve(cwd, fromEnv), how: 'env', searched };
  }
  return { searched };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
