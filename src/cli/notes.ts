// What a command says on stderr besides its result: which config it uses when it found one elsewhere
// than the current folder; and where a command looks for the config from.

import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CONFIG_FILE } from '../config/config.js';
import { visibleText } from '../diagnostics/diagnostic.js';
import type { ConfigResult } from '../session/types.js';
import type { Io } from './io.js';

/**
 * searchFrom is the folder a command looks for the config from: the folder of the file it works on (a
 * plan, a saved plan), a folder it is given, else the current one.
 */
export function searchFrom(cwd: string, path: string | undefined): string {
  if (path === undefined || path === '-') return '.';
  try {
    if (statSync(resolve(cwd, path)).isDirectory()) return path;
  } catch {
    // Not there: its folder, for the config; the file's own problem is said when it is read.
  }
  return dirname(path);
}

/**
 * noteConfig says which config is used when it is not the current folder's rescind.config.yaml found by
 * name: one found in a folder above, or named by RESCIND_CONFIG. Quiet (--quiet) says nothing.
 */
export function noteConfig(io: Io, config: ConfigResult): void {
  if (io.stderr.quiet === true || config.file === undefined) return;
  if (config.how === 'named' || (config.how === 'found' && config.file === CONFIG_FILE)) return;
  if (config.how === undefined) return;
  const why = config.how === 'env' ? ', named by RESCIND_CONFIG' : '';
  io.stderr.write(`rescind: using the config ${visibleText(config.file)}${why}\n`);
}
