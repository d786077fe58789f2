// rescind completion bash|zsh|fish: a shell completion script, generated from the commands' own specs,
// so that it always offers the options and values the parser accepts.

import { type CommandSpec, GLOBAL_OPTIONS, type OptionSpec, type Parsed } from '../args.js';
import { COMMANDS } from '../command-list.js';
import { EXIT } from '../exit.js';
import type { Io } from '../io.js';
import { spec as applySpec } from './apply.js';
import { spec as discoverSpec } from './discover.js';
import { spec as emulatorSpec } from './emulator.js';
import { spec as initSpec } from './init.js';
import { spec as planSpec } from './plan.js';
import { spec as runsSpec } from './runs.js';
import { spec as showSpec } from './show.js';
import { spec as validateSpec } from './validate.js';

/** spec is the command line of completion. */
export const spec: CommandSpec = {
  name: 'completion',
  usage: 'rescind completion bash|zsh|fish',
  summary:
    'Print a completion script for a shell: commands, options and their allowed values, and the run\n' +
    'ids of .rescind/runs/ for show and apply --resume (from rescind runs --ids).',
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
  const specs = [
    validateSpec,
    planSpec,
    showSpec,
    applySpec,
    discoverSpec,
    runsSpec,
    emulatorSpec,
    initSpec,
    spec,
  ];
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
    } else if (s.name === 'show' || s.name === 'apply') {
      // A saved plan, or a run id (for apply, after --resume), from `rescind runs --ids`.
      const ids = `COMPREPLY+=($(compgen -W "$("\${COMP_WORDS[0]}" runs --ids 2>/dev/null)" -- "$cur"))`;
      lines.push(
        `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${flags}" -- "$cur")); return; fi`,
        '      COMPREPLY=($(compgen -f -- "$cur"))',
        s.name === 'show'
          ? `      ${ids}`
          : `      if [[ " \${COMP_WORDS[*]} " == *" --resume "* ]]; then ${ids}; fi`,
      );
    } else if (s.maxPositionals === 0) {
      lines.push(`      COMPREPLY=($(compgen -W "${flags}" -- "$cur"))`);
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
    '_rescind_runs() {',
    '  local -a ids',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh parameter expansion, not a template.
    '  ids=(${(f)"$(${words[1]} runs --ids 2>/dev/null)"})',
    "  _describe 'run' ids",
    '}',
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
    const rest =
      s.name === 'completion'
        ? "'1:shell:(bash zsh fish)'"
        : s.name === 'show'
          ? "'*:saved plan or run:{_rescind_runs; _files}'"
          : s.name === 'apply'
            ? // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh parameter expansion, not a template.
              "'*:plan or run:{(( ${words[(I)--resume]} )) && _rescind_runs; _files}'"
            : s.maxPositionals === 0
              ? undefined
              : "'*:file:_files'";
    const all = [...args, "'--help[show the help]'", ...(rest === undefined ? [] : [rest])];
    lines.push(`    ${s.name}) _arguments ${all.join(' ')} ;;`);
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
    else if (s.name !== 'init' && s.name !== 'emulator' && s.name !== 'runs')
      lines.push(`complete -c rescind ${when} -F`);
    // Run ids for show, and for apply after --resume.
    const runsWhen =
      s.name === 'show'
        ? when
        : s.name === 'apply'
          ? `-n '__fish_seen_subcommand_from apply; and __fish_contains_opt resume'`
          : '';
    if (runsWhen !== '')
      lines.push(`complete -c rescind ${runsWhen} -a '(rescind runs --ids 2>/dev/null)' -d 'run'`);
  }
  lines.push('');
  return lines.join('\n');
}
