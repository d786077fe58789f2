// rescind completion bash|zsh|fish: a shell completion script, generated from the commands' own specs,
// so that it always offers the options and values the parser accepts.

import { type CommandSpec, GLOBAL_OPTIONS, type OptionSpec, type Parsed } from '../args.js';
import { COMMANDS } from '../command-list.js';
import { EXIT } from '../exit.js';
import type { Io } from '../io.js';
import { spec as applySpec } from './apply.js';
import { spec as emulatorSpec } from './emulator.js';
import { spec as initSpec } from './init.js';
import { spec as planSpec } from './plan.js';
import { spec as showSpec } from './show.js';
import { spec as validateSpec } from './validate.js';

/** spec is the command line of completion. */
export const spec: CommandSpec = {
  name: 'completion',
  usage: 'rescind completion bash|zsh|fish',
  summary: 'Print a completion script for a shell: commands, options and their allowed values.',
  examples: [
    'rescind completion bash > ~/.local/share/bash-completion/completions/rescind',
    'rescind completion fish > ~/.config/fish/completions/rescind.fish',
  ],
  options: {},
  minPositionals: 1,
  maxPositionals: 1,
};

/** run prints the script for argv's shell. */
export async function run(args: Parsed, io: Io): Promise<number> {
  const shell = args.positionals[0];
  const specs = [validateSpec, planSpec, showSpec, applySpec, emulatorSpec, initSpec, spec];
  if (shell === 'bash') io.stdout.write(bash(specs));
  else if (shell === 'zsh') io.stdout.write(zsh(specs));
  else if (shell === 'fish') io.stdout.write(fish(specs));
  else {
    io.stderr.write(
      `rescind completion: the shell must be bash, zsh or fish, not ${JSON.stringify(shell)}\n`,
    );
    return EXIT.error;
  }
  return EXIT.ok;
}

// A command's one-line summary, a whole phrase, as `rescind --help` lists it (the spec's summary is a
// paragraph: its first line stops mid-sentence).
function summaryOf(s: CommandSpec): string {
  return Object.hasOwn(COMMANDS, s.name) ? COMMANDS[s.name as keyof typeof COMMANDS] : s.name;
}

// A command's options and the global ones, which every command takes.
function optionsOf(s: CommandSpec): Readonly<Record<string, OptionSpec>> {
  return { ...s.options, ...GLOBAL_OPTIONS };
}

// The words an option's value can be: its choices, files, or nothing to offer.
function valuesOf(o: CommandSpec['options'][string]): string[] | 'file' | undefined {
  if (o.choices !== undefined) return [...o.choices];
  if (o.value === 'FILE' || o.value === 'PLAN.json') return 'file';
  return undefined;
}

function bash(specs: readonly CommandSpec[]): string {
  const lines = [
    '# rescind completion for bash: source it, or put it in your bash-completion folder.',
    '_rescind() {',
    '  local cur prev cmd i',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template.
    '  cur="${COMP_WORDS[COMP_CWORD]}"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template.
    '  prev="${COMP_WORDS[COMP_CWORD-1]}"',
    // The command is the first word that is not an option: global options may come before it.
    '  cmd=""',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template.
    '    if [[ "${COMP_WORDS[i]}" != -* ]]; then cmd="${COMP_WORDS[i]}"; break; fi',
    '  done',
    '  if [ -z "$cmd" ]; then',
    `    COMPREPLY=($(compgen -W "${specs.map((s) => s.name).join(' ')} --help --version ${Object.keys(
      GLOBAL_OPTIONS,
    )
      .map((n) => `--${n}`)
      .join(' ')}" -- "$cur"))`,
    '    return',
    '  fi',
    '  case "$cmd" in',
  ];
  for (const s of specs) {
    lines.push(`    ${s.name})`);
    lines.push('      case "$prev" in');
    for (const [name, o] of Object.entries(optionsOf(s))) {
      if (o.type !== 'string') continue;
      const values = valuesOf(o);
      if (values === 'file') lines.push(`        --${name}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`);
      else if (values !== undefined)
        lines.push(`        --${name}) COMPREPLY=($(compgen -W "${values.join(' ')}" -- "$cur")); return ;;`);
      else lines.push(`        --${name}) return ;;`);
    }
    lines.push('      esac');
    const flags = [...Object.keys(optionsOf(s)).map((n) => `--${n}`), '--help'].join(' ');
    if (s.name === 'completion') {
      lines.push(`      COMPREPLY=($(compgen -W "bash zsh fish ${flags}" -- "$cur"))`);
    } else {
      lines.push(
        `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${flags}" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi`,
      );
    }
    lines.push('      ;;');
  }
  lines.push('  esac', '}', 'complete -o filenames -F _rescind rescind', '');
  return lines.join('\n');
}

function zsh(specs: readonly CommandSpec[]): string {
  const quote = (s: string) => s.replace(/'/g, "'\\''").replace(/[[\]:]/g, (c) => `\\${c}`);
  const lines = [
    '#compdef rescind',
    '# rescind completion for zsh: put it in a folder of your $fpath as _rescind.',
    '_rescind() {',
    '  local -a commands',
    '  commands=(',
    ...specs.map((s) => `    '${s.name}:${quote(summaryOf(s))}'`),
    '  )',
    '  if (( CURRENT == 2 )); then',
    "    _describe 'command' commands",
    '    return',
    '  fi',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh parameter expansion, not a template.
    '  case "${words[2]}" in',
  ];
  for (const s of specs) {
    const args = Object.entries(optionsOf(s)).map(([name, o]) => {
      const values = valuesOf(o);
      const value =
        o.type === 'boolean'
          ? ''
          : values === 'file'
            ? ':file:_files'
            : values !== undefined
              ? `:value:(${values.join(' ')})`
              : ':value:';
      return `'${o.multiple ? '*' : ''}--${name}[${quote(o.description)}]${value}'`;
    });
    const rest = s.name === 'completion' ? "'1:shell:(bash zsh fish)'" : "'*:file:_files'";
    lines.push(`    ${s.name}) _arguments ${[...args, "'--help[show the help]'", rest].join(' ')} ;;`);
  }
  lines.push('  esac', '}', '_rescind "$@"', '');
  return lines.join('\n');
}

function fish(specs: readonly CommandSpec[]): string {
  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const names = specs.map((s) => s.name).join(' ');
  const lines = [
    '# rescind completion for fish: put it in ~/.config/fish/completions/rescind.fish.',
    'complete -c rescind -f',
    ...specs.map(
      (s) =>
        `complete -c rescind -n 'not __fish_seen_subcommand_from ${names}' -a ${s.name} -d ${quote(summaryOf(s))}`,
    ),
  ];
  for (const s of specs) {
    const when = `-n '__fish_seen_subcommand_from ${s.name}'`;
    for (const [name, o] of Object.entries(optionsOf(s))) {
      const values = valuesOf(o);
      const value =
        o.type === 'boolean'
          ? ''
          : values === 'file'
            ? ' -rF'
            : values !== undefined
              ? ` -xa ${quote(values.join(' '))}`
              : ' -x';
      lines.push(`complete -c rescind ${when} -l ${name}${value} -d ${quote(o.description)}`);
    }
    if (s.name === 'completion') lines.push(`complete -c rescind ${when} -xa 'bash zsh fish'`);
    else if (s.name !== 'init' && s.name !== 'emulator') lines.push(`complete -c rescind ${when} -F`);
  }
  lines.push('');
  return lines.join('\n');
}
