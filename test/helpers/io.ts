// An in-memory Io for running the CLI in-process: captured stdout and stderr.

import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';

/** Captured is the outcome of one CLI run. */
export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** runCli runs `rescind ...argv` in-process in cwd, without colours unless env asks. */
export async function runCli(
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: { write: (t) => out.push(t), isTTY: false },
    stderr: { write: (t) => err.push(t), isTTY: false },
    cwd,
    env,
  };
  const code = await run(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/**
 * withoutProgress is text (what a command wrote on stderr off a terminal) without plan's progress lines,
 * one per phase: what is left is what a test asserts.
 */
export function withoutProgress(text: string): string {
  return text.replace(/^rescind plan .*: (\d+ reads? in \d+ accounts?|reads done.*)\n/gm, '');
}
