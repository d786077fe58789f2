// The rescind CLI: find the command, load it lazily, run it, return its exit code.
// process.exit is never called; main() sets process.exitCode for bin/rescind.js.

import { suggest } from '../diagnostics/suggest.js';
import { VERSION } from '../version.js';
import { parseCommand, renderHelp, UsageError } from './args.js';
import { COMMANDS as commands } from './command-list.js';
import { EXIT } from './exit.js';
import { type Io, processIo } from './io.js';

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: rescind COMMAND [OPTIONS] [ARGS]',
    '',
    'Declarative, reviewable, provable credential revocation.',
    '',
    'Commands:',
    ...rows,
    '',
    "Run 'rescind COMMAND --help' for a command's options.",
    '',
  ].join('\n');
}

/** run runs the CLI with argv (without node and script) and returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(usage());
    return EXIT.error;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return EXIT.ok;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write(`rescind ${VERSION}\n`);
    return EXIT.ok;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (entry === undefined) {
    const near = suggest(name, Object.keys(commands));
    const hint = near ? `; did you mean ${JSON.stringify(near)}?` : '';
    io.stderr.write(
      `rescind: unknown command ${JSON.stringify(name)}${hint}\nRun 'rescind --help' for the commands.\n`,
    );
    return EXIT.error;
  }
  try {
    const command = await entry.load();
    const args = parseCommand(command.spec, rest);
    if (args.help) {
      io.stdout.write(renderHelp(command.spec));
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`rescind ${name}: ${e.message}\nRun 'rescind ${name} --help' for usage.\n`);
      return EXIT.error;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(
      `rescind: internal error: ${message}\nThis is a bug in rescind; please report it with the command you ran.\n`,
    );
    if (io.env.RESCIND_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT.error;
  }
}

/** main runs the CLI for the current process and sets its exit code. */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), processIo());
}
