// The commands of the CLI: each one's name, its one-line summary (what `rescind --help` and the shell
// completions show) and how to load it. A command's module is imported only when it runs.

import type { CommandSpec, Parsed } from './args.js';
import type { Io } from './io.js';

/** CommandModule is what a command file exports: its spec, and what it does with the parsed arguments. */
export interface CommandModule {
  spec: CommandSpec;
  run(args: Parsed, io: Io): Promise<number>;
}

/** CommandEntry is a command as the list holds it: a whole phrase of a summary, and its loader. */
export interface CommandEntry {
  summary: string;
  load(): Promise<CommandModule>;
}

/** COMMANDS are the commands, in the order `rescind --help` lists them. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  validate: {
    summary: 'check plans, configs and policies against their schemas',
    load: () => import('./commands/validate.js'),
  },
  plan: {
    summary: 'show what a plan would revoke, from live state (nothing is revoked)',
    load: () => import('./commands/plan.js'),
  },
  show: { summary: 'print a saved plan, or the report of a run', load: () => import('./commands/show.js') },
  apply: {
    summary: 'revoke what a plan says, verify every target, journal every step',
    load: () => import('./commands/apply.js'),
  },
  emulator: { summary: 'run the local cloud emulator', load: () => import('./commands/emulator.js') },
  init: {
    summary: 'write a starter config and an example plan (never overwrites)',
    load: () => import('./commands/init.js'),
  },
  completion: {
    summary: 'print a completion script for bash, zsh or fish',
    load: () => import('./commands/completion.js'),
  },
};
