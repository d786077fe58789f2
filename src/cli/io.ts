// The CLI's connection to the world, passed in so that commands run in-process
// in tests: output streams, the working directory, the environment, the terminal.

import { setFlagsFromString } from 'node:v8';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { MAX_FILE_BYTES } from '../document/text.js';
import type { HttpLogger } from '../http/log.js';
import { ansi, plain, type Style } from '../render/style.js';

/** Output is a text stream. */
export interface Output {
  write(text: string): void;
  /** isTTY is true when the stream is a terminal. */
  readonly isTTY?: boolean;
  /** color false turns colours off, whatever the environment says (--no-color). */
  readonly color?: boolean;
  /** quiet leaves out what is neither an error nor a result: progress and notes (--quiet). */
  readonly quiet?: boolean;
}

/** Io is everything a command may touch besides the filesystem and network. */
export interface Io {
  stdout: Output;
  stderr: Output;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** ask writes prompt to the terminal and reads one line; absent when there is no terminal to ask on. */
  ask?: (prompt: string) => Promise<string | undefined>;
  /** onInterrupt calls listener on each Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt?: (listener: () => void) => () => void;
  /** exitNow ends the process at once (a second Ctrl-C); absent in-process. */
  exitNow?: (code: number) => void;
  /**
   * largeRun tells the process that the command works on a large plan: V8 collects garbage sooner,
   * trading some CPU for a lower peak memory; absent in-process, where the heap is the host's.
   */
  largeRun?: () => void;
  /** readStdin reads standard input whole, up to maxBytes + 1 bytes (more means too large). */
  readStdin?: (maxBytes: number) => Promise<Uint8Array>;
  /** logger receives the HTTP layer's redacted debug lines of every session a command makes (--debug). */
  logger?: HttpLogger;
}

/**
 * stdinDocument reads standard input for the path `-`, named name in diagnostics; a diagnostic when
 * there is no standard input to read.
 */
export async function stdinDocument(
  io: Io,
  name: string,
): Promise<{ bytes: Uint8Array; name: string } | Diagnostic> {
  if (io.readStdin === undefined) {
    return {
      severity: 'error',
      code: 'file.unreadable',
      file: '-',
      message: 'there is no standard input to read',
    };
  }
  return { bytes: await io.readStdin(MAX_FILE_BYTES), name };
}

/** wantsColor follows --no-color, then FORCE_COLOR and NO_COLOR, then whether the stream is a terminal. */
export function wantsColor(out: Output, env: Io['env']): boolean {
  if (out.color === false) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (force === '0' || force === 'false') return false;
  return out.isTTY === true && env.TERM !== 'dumb';
}

/** styleFor is the style for text written to out. */
export function styleFor(out: Output, env: Io['env']): Style {
  return wantsColor(out, env) ? ansi : plain;
}

/** processIo is the Io of the running process. */
export function processIo(): Io {
  return {
    stdout: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY === true },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    cwd: process.cwd(),
    env: process.env,
    ...(process.stdin.isTTY === true && process.stderr.isTTY === true ? { ask: askOnTerminal } : {}),
    onInterrupt: (listener) => {
      process.on('SIGINT', listener);
      return () => void process.off('SIGINT', listener);
    },
    exitNow: (code) => process.exit(code),
    largeRun: collectSooner,
    readStdin: readProcessStdin,
  };
}

// Standard input, whole, but never more than maxBytes + 1 bytes: a larger input is refused by its size.
async function readProcessStdin(maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = chunk as Buffer;
    chunks.push(buf);
    size += buf.length;
    if (size > maxBytes) break;
  }
  return Buffer.concat(chunks).subarray(0, maxBytes + 1);
}

// One line from the terminal, the prompt on stderr (stdout may be a pipe for the results).
async function askOnTerminal(prompt: string): Promise<string | undefined> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question(prompt);
  } catch {
    return undefined;
  } finally {
    rl.close();
  }
}

// V8 collects its old generation again once it has grown by a factor of what survived the last
// collection: up to 4x with the large heap limit of a machine with gigabytes of memory, so that most of
// a large apply's peak RSS is garbage not yet collected. V8 reads the factor at each collection, so it
// may change while the process runs (as bin/rescind.js sets --liftoff-only). src/cli/commands/apply.ts
// says when it is asked for, and what 1.25x saves and costs.
function collectSooner(): void {
  setFlagsFromString('--heap-growing-percent=25');
}
