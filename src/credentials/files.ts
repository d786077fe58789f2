// The files credential sources read: OIDC token files and the clouds' profile files. Each is read
// through the one bounded reader (src/document/read.ts): a regular file only (a FIFO is refused without
// waiting for a writer), a size cap, UTF-8; a problem is a message naming the file, never its content.

import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { readBytes } from '../document/read.js';
import type { SourceContext } from './types.js';

/** MAX_TOKEN_FILE_BYTES caps an OIDC token file: Alibaba STS takes a token of at most 20,000 characters. */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** MAX_PROFILE_FILE_BYTES caps a profile file (`~/.aliyun/config.json`, `~/.huaweicloud/credentials`). */
export const MAX_PROFILE_FILE_BYTES = 1024 * 1024;

/** TextFile is a file's text, or why it could not be read (a message naming the file). */
export type TextFile = { text: string } | { error: string };

/**
 * readTextFile reads a UTF-8 file of at most maxBytes: `the OIDC token file F does not exist`, `… is a
 * named pipe (FIFO), not a regular file`, `… is larger than …`, `… is not UTF-8 text`.
 */
export function readTextFile(path: string, what: string, maxBytes: number): TextFile {
  const read = readBytes(path, path, { maxBytes });
  if ('diagnostic' in read) {
    const d = read.diagnostic;
    if (d.code === 'file.too-large') {
      return { error: `the ${what} ${path} is larger than the ${maxBytes / 1024} KiB rescind reads` };
    }
    return { error: `the ${what} ${d.message}` };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(read.bytes) };
  } catch {
    return { error: `the ${what} ${path} is not UTF-8 text` };
  }
}

/**
 * filePath resolves a path a config or a variable gives: `~/` is the home folder, a relative path is
 * relative to the config's folder (a variable's, to the working directory: base).
 */
export function filePath(path: string, ctx: Pick<SourceContext, 'home'>, base: string): string {
  if (path === '~' || path.startsWith('~/')) return join(ctx.home ?? homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(base, path);
}
