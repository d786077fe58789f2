// The commands of the CLI and each one's one-line summary: what `rescind --help` lists and what the
// shell completions describe a command with. main.ts loads each command by these names.

/** COMMANDS are the commands' summaries, whole phrases, in the order `rescind --help` lists them. */
export const COMMANDS = {
  validate: 'check plans, configs and policies against their schemas',
  plan: 'show what a plan would revoke, from live state (nothing is revoked)',
  show: 'print a saved plan, or the report of a run',
  apply: 'revoke what a plan says, verify every target, journal every step',
  discover: 'find what a principal holds in every account, and write it as a plan (read-only)',
  runs: 'list the runs of apply, newest first, and how each ended',
  emulator: 'run the local cloud emulator',
  init: 'write a starter config and an example plan (never overwrites)',
  completion: 'print a completion script for bash, zsh or fish',
} as const;

/** CommandName is the name of a command. */
export type CommandName = keyof typeof COMMANDS;
