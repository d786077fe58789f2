// The rescind CLI: find the command, load it lazily, run it, return its exit code. The global options
// (--debug, --quiet, --no-color) are read here, before or after the command's name, and reach the
// command through its Io and its sessions. process.exit is never called; main() sets process.exitCode.

import { type Diagnostic, visibleText } from '../diagnostics/diagnostic.js';
import { suggest } from '../diagnostics/suggest.js';
import type { HttpLogger } from '../http/log.js';
import { renderErrorJson } from '../render/diagnostics/error-report.js';
import { VERSION } from '../version.js';
import {
  type CommandSpec,
  GLOBAL_OPTIONS,
  type GlobalFlags,
  globalFlags,
  type Parsed,
  parseCommand,
  renderHelp,
  UsageError,
} from './args.js';
import { COMMANDS, type CommandName } from './command-list.js';
import { EXIT } from './exit.js';
import { type Io, type Output, processIo } from './io.js';

/** CommandModule is what a command file exports: its spec, and what it does with the parsed arguments. */
interface CommandModule {
  spec: CommandSpec;
  run(args: Parsed, io: Io): Promise<number>;
}

// Each command's module, imported only when it runs.
const commands: Readonly<Record<CommandName, () => Promise<CommandModule>>> = {
  validate: () => import('./commands/validate.js'),
  plan: () => import('./commands/plan.js'),
  show: () => import('./commands/show.js'),
  apply: () => import('./commands/apply.js'),
  discover: () => import('./commands/discover.js'),
  runs: () => import('./commands/runs.js'),
  emulator: () => import('./commands/emulator.js'),
  init: () => import('./commands/init.js'),
  completion: () => import('./commands/completion.js'),
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length), ...flagNames.map((f) => f.length));
  const rows = Object.entries(COMMANDS).map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`);
  const globals = Object.entries(GLOBAL_OPTIONS).map(
    ([name, o]) => `  ${`--${name}`.padEnd(width)}  ${o.description}`,
  );
  return [
    'Usage: rescind [--debug] [--quiet] [--no-color] COMMAND [OPTIONS] [ARGS]',
    '       rescind -v|--version [--format text|json]',
    '',
    'Declarative, reviewable, provable credential revocation.',
    '',
    'Commands:',
    ...rows,
    '',
    'Global options, before or after the command:',
    ...globals,
    '',
    "Run 'rescind COMMAND --help' for a command's options.",
    '',
  ].join('\n');
}

const flagNames = Object.keys(GLOBAL_OPTIONS).map((name) => `--${name}`);

/** Leading is what comes before the command's name: global options, --help, --version and its --format. */
interface Leading {
  flags: GlobalFlags;
  help: boolean;
  version: boolean;
  format?: string;
  rest: string[];
}

// The options before the command's name, up to the first word that is not one.
function leading(argv: readonly string[]): Leading {
  const out: Leading = {
    flags: { debug: false, quiet: false, noColor: false },
    help: false,
    version: false,
    rest: [],
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg === '--debug') out.flags.debug = true;
    else if (arg === '--quiet') out.flags.quiet = true;
    else if (arg === '--no-color') out.flags.noColor = true;
    else if (arg === '-h' || arg === '--help') out.help = true;
    else if (arg === '-v' || arg === '--version') out.version = true;
    else if (arg.startsWith('--format=')) out.format = arg.slice('--format='.length);
    else if (arg === '--format') {
      const value = argv[++i];
      if (value === undefined) throw new UsageError('--format needs a value');
      out.format = value;
    } else {
      const near = suggest(arg.replace(/^-+/, ''), ['debug', 'quiet', 'no-color', 'help', 'version']);
      throw new UsageError(`unknown option ${arg}${near ? `; did you mean --${near}?` : ''}`);
    }
  }
  out.rest = argv.slice(i);
  return out;
}

/** run runs the CLI with argv (without node and script) and returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const json = asksForJson(argv);
  let lead: Leading;
  try {
    lead = leading(argv);
  } catch (e) {
    return usageError(io, json, null, (e as Error).message);
  }
  const [name, ...rest] = lead.rest;
  if (lead.help || name === 'help') {
    io.stdout.write(usage());
    return EXIT.ok;
  }
  if (lead.version || name === 'version') return version(lead, name === 'version' ? rest : lead.rest, io);
  if (lead.format !== undefined) {
    return usageError(
      io,
      json,
      null,
      '--format is an option of a command or of --version, not before a command',
    );
  }
  if (name === undefined) {
    io.stderr.write(usage());
    return EXIT.error;
  }
  const load = Object.hasOwn(commands, name) ? commands[name as CommandName] : undefined;
  if (load === undefined) {
    const near = suggest(name, Object.keys(commands));
    const hint = near ? `; did you mean ${JSON.stringify(near)}?` : '';
    return usageError(io, json, null, `unknown command ${JSON.stringify(name)}${hint}`);
  }
  let flags = lead.flags;
  try {
    const command = await load();
    const args = parseCommand(command.spec, rest);
    if (args.help) {
      io.stdout.write(renderHelp(command.spec));
      return EXIT.ok;
    }
    flags = either(lead.flags, globalFlags(args.values));
    if (io.env.RESCIND_LOG === 'debug') flags = { ...flags, debug: true };
    const logger = flags.debug ? debugLogger(io.stderr) : undefined;
    const watched = commandIo(logger === undefined ? io : { ...io, logger }, flags);
    const code = await command.run(args, watched.io);
    // Asked for JSON, a failed command always leaves a JSON document on stdout: one that said why on
    // stderr alone gets an error report without diagnostics.
    if (args.values.format === 'json' && code !== EXIT.ok && !watched.wrote()) {
      io.stdout.write(renderErrorJson(name, code, []));
    }
    return code;
  } catch (e) {
    if (e instanceof UsageError) return usageError(io, json, name, e.message);
    const message = e instanceof Error ? e.message : String(e);
    if (json) {
      const d: Diagnostic = {
        severity: 'error',
        code: 'cli.internal',
        message: `internal error: ${message}`,
      };
      io.stdout.write(renderErrorJson(name, EXIT.error, [d]));
    } else {
      io.stderr.write(
        `rescind: internal error: ${visibleText(message)}\nThis is a bug in rescind; please report it with the command you ran.\n`,
      );
    }
    const stack = (io.env.RESCIND_DEBUG || flags.debug) && e instanceof Error ? e.stack : undefined;
    if (stack !== undefined) io.stderr.write(`${stack}\n`);
    return EXIT.error;
  }
}

// Whether the command line asks for JSON (--format json, or --format=json), wherever: a mistake in it is
// then reported as JSON too.
function asksForJson(argv: readonly string[]): boolean {
  return argv.some((arg, i) => arg === '--format=json' || (arg === '--format' && argv[i + 1] === 'json'));
}

// A mistake in the command line, of command (null: before one, or none that exists): with json, an
// error report on stdout (code cli.usage); otherwise the message on stderr and where to find the usage.
function usageError(io: Io, json: boolean, command: string | null, message: string): number {
  if (json) {
    io.stdout.write(
      renderErrorJson(command, EXIT.error, [{ severity: 'error', code: 'cli.usage', message }]),
    );
  } else if (command === null) {
    io.stderr.write(`rescind: ${message}\nRun 'rescind --help' for usage.\n`);
  } else {
    io.stderr.write(`rescind ${command}: ${message}\nRun 'rescind ${command} --help' for usage.\n`);
  }
  return EXIT.error;
}

// rescind --version (or -v, or version), as text or, with --format json, a document of kind Version
// (schemas/version.schema.json).
function version(lead: Leading, rest: readonly string[], io: Io): number {
  let format = lead.format;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else if (arg === '--format') format = rest[++i];
    else {
      io.stderr.write(
        `rescind --version: unexpected ${JSON.stringify(arg)}\nRun 'rescind --help' for usage.\n`,
      );
      return EXIT.error;
    }
  }
  if (format === 'json') {
    const doc = {
      apiVersion: 'rescind/v1',
      kind: 'Version',
      formatVersion: '1',
      version: VERSION,
      node: process.version,
    };
    io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else if (format === undefined || format === 'text') {
    io.stdout.write(`rescind ${VERSION}\n`);
  } else {
    io.stderr.write(
      `rescind --version: --format must be one of text, json, not ${JSON.stringify(format)}\nRun 'rescind --help' for usage.\n`,
    );
    return EXIT.error;
  }
  return EXIT.ok;
}

function either(a: GlobalFlags, b: GlobalFlags): GlobalFlags {
  return { debug: a.debug || b.debug, quiet: a.quiet || b.quiet, noColor: a.noColor || b.noColor };
}

// The Io a command runs with: its streams marked colourless (--no-color) and stderr quiet (--quiet),
// and whether it wrote to stdout.
function commandIo(io: Io, flags: GlobalFlags): { io: Io; wrote: () => boolean } {
  let wrote = false;
  const mark = (out: Output, quiet: boolean, onWrite: () => void): Output => ({
    write: (text) => {
      onWrite();
      out.write(text);
    },
    ...(out.isTTY === undefined ? {} : { isTTY: out.isTTY }),
    ...(flags.noColor ? { color: false } : out.color === undefined ? {} : { color: out.color }),
    ...(quiet ? { quiet: true } : {}),
  });
  const stdout = mark(io.stdout, false, () => {
    wrote = true;
  });
  const stderr = flags.noColor || flags.quiet ? mark(io.stderr, flags.quiet, () => {}) : io.stderr;
  return { io: { ...io, stdout, stderr }, wrote: () => wrote };
}

// --debug: the HTTP log's lines (redacted by the HTTP layer) on stderr, each one line starting `debug: `.
// On a terminal each first clears the line, where a progress bar may be drawn.
function debugLogger(err: Output): HttpLogger {
  const clear = err.isTTY === true ? '\r\x1b[K' : '';
  return (line) => err.write(`${clear}debug: ${visibleText(line)}\n`);
}

/** main runs the CLI for the current process and sets its exit code. */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), processIo());
}
