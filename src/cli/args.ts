// Command-line parsing on node:util parseArgs, with the errors people need:
// unknown options with a suggestion, values outside a fixed set, missing values.

import { parseArgs } from 'node:util';
import { suggest } from '../diagnostics/suggest.js';
import { docsLink } from './docs-link.js';

/** OptionSpec describes one --option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** choices restricts a string option to these values. */
  choices?: readonly string[];
  /** integer requires a string option to be a whole number in [min, max]. */
  integer?: { min: number; max: number };
  /** multiple lets a string option be given several times; its value is then a list. */
  multiple?: boolean;
  default?: string | boolean;
  value?: string;
  description: string;
}

/** CommandSpec is what a command accepts, for parsing and for --help. */
export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** examples are command lines shown by --help, each with what it does after a `#`. */
  examples?: readonly string[];
  /** env names the environment variables the command reads, for --help. */
  env?: readonly string[];
  /** minPositionals is how many positional arguments the command needs. */
  minPositionals?: number;
  maxPositionals?: number;
}

/** UsageError is a mistake in the command line; the CLI prints it with a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'RESCIND_USAGE';
}

/** Parsed is the result of parsing: option values by name, and positionals. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
}

/**
 * GLOBAL_OPTIONS are the options of every command, given before the command's name or after it:
 * `rescind --debug plan FILE` and `rescind plan --debug FILE` are the same.
 */
export const GLOBAL_OPTIONS: Readonly<Record<'debug' | 'quiet' | 'no-color', OptionSpec>> = {
  debug: {
    type: 'boolean',
    description: 'log each HTTP attempt and its outcome on stderr, secrets redacted (also RESCIND_LOG=debug)',
  },
  quiet: {
    type: 'boolean',
    description: 'no progress and no notes on stderr; errors and results still print',
  },
  'no-color': { type: 'boolean', description: 'no colours, whatever FORCE_COLOR says (also NO_COLOR)' },
};

/** GlobalFlags are the global options as given on a command line. */
export interface GlobalFlags {
  debug: boolean;
  quiet: boolean;
  noColor: boolean;
}

/** globalFlags are the global options among a command's parsed values. */
export function globalFlags(values: Parsed['values']): GlobalFlags {
  return { debug: values.debug === true, quiet: values.quiet === true, noColor: values['no-color'] === true };
}

/** parseCommand parses argv against spec (and the global options), or throws UsageError. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries({ ...GLOBAL_OPTIONS, ...spec.options })) {
    options[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(explain(e, Object.keys(options)));
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help === true) return { values, positionals: parsed.positionals, help: true };
  for (const [name, o] of Object.entries(spec.options)) {
    const v = values[name];
    if (v === undefined && o.default !== undefined) values[name] = o.default;
    if (typeof v !== 'string') continue;
    if (o.choices && !o.choices.includes(v)) {
      const near = suggest(v, o.choices);
      const hint = near ? `; did you mean ${near}?` : '';
      throw new UsageError(
        `--${name} must be one of ${o.choices.join(', ')}, not ${JSON.stringify(v)}${hint}`,
      );
    }
    if (o.integer) {
      const n = Number(v);
      if (!/^-?\d+$/.test(v) || n < o.integer.min || n > o.integer.max) {
        throw new UsageError(
          `--${name} must be a whole number from ${o.integer.min} to ${o.integer.max}, not ${JSON.stringify(v)}`,
        );
      }
    }
  }
  const count = parsed.positionals.length;
  if (spec.minPositionals !== undefined && count < spec.minPositionals) {
    throw new UsageError(`missing arguments; usage: ${spec.usage}`);
  }
  if (spec.maxPositionals !== undefined && count > spec.maxPositionals) {
    throw new UsageError(`too many arguments; usage: ${spec.usage}`);
  }
  return { values, positionals: parsed.positionals, help: false };
}

function explain(e: unknown, names: string[]): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = e instanceof Error && 'code' in e ? String(e.code) : '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1] ?? '';
    const near = suggest(option.replace(/^-+/, ''), names);
    return `unknown option ${option}${near ? `; did you mean --${near}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /--([a-z-]+)/.exec(message)?.[1];
    return option ? `--${option} needs a value` : message;
  }
  return message.split('\n')[0] ?? message;
}

/** renderHelp is the --help text of a command. */
export function renderHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}${o.multiple ? ' ...' : ''}`;
    const allowed =
      o.choices !== undefined
        ? `; one of ${o.choices.join(', ')}`
        : o.integer !== undefined
          ? `; ${o.integer.min} to ${o.integer.max}`
          : '';
    const fallback = o.default !== undefined && o.default !== false ? `; default ${String(o.default)}` : '';
    return [flag, `${o.description}${allowed}${fallback}`];
  });
  rows.push(['-h, --help', 'show this help']);
  const globals = Object.entries(GLOBAL_OPTIONS).map(([name, o]) => [`--${name}`, o.description]);
  const width = Math.max(...[...rows, ...globals].map(([f]) => (f ?? '').length));
  const table = (list: (string | undefined)[][]) =>
    list.map(([f, d]) => `  ${(f ?? '').padEnd(width)}  ${d}`).join('\n');
  const sections = [
    `Usage: ${spec.usage}`,
    spec.summary,
    `Options:\n${table(rows)}`,
    `Global options:\n${table(globals)}`,
  ];
  const env = [...(spec.env ?? []), ...COMMON_ENV];
  sections.push(`Environment:\n${env.map((e) => `  ${e}`).join('\n')}`);
  if (spec.examples !== undefined && spec.examples.length > 0) {
    sections.push(`Examples:\n${spec.examples.map((e) => `  ${e}`).join('\n')}`);
  }
  return `${sections.join('\n\n')}\n`;
}

// What every command reads of the environment.
const COMMON_ENV = [
  `NO_COLOR, FORCE_COLOR, TERM   colours of text output (${docsLink('cli.md#environment')})`,
  'RESCIND_LOG   debug: the same as --debug',
];

/** CREDENTIALS_ENV names the credentials' variables, for the commands that call a cloud. */
export const CREDENTIALS_ENV: readonly string[] = [
  `HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN   Huawei Cloud credentials (${docsLink('config.md#credentials')})`,
  'ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN   Alibaba Cloud credentials',
  "RESCIND_CONFIG   the config, when no rescind.config.yaml is found from the plan's folder up to the repository root",
];

/** configOption is `--config FILE`, as every command that reads accounts takes it. */
export const configOption: OptionSpec = {
  type: 'string',
  value: 'FILE',
  description: "the config with the accounts (default: rescind.config.yaml in the plan's folder or above)",
};

/** policyOption is `--policy FILE`, repeatable, for the commands that plan. */
export function policyOption(description: string): OptionSpec {
  return { type: 'string', multiple: true, value: 'FILE', description };
}

/** stdinOption is `--stdin-filepath NAME`: the name the file `-` (standard input) is given in diagnostics. */
export const stdinOption: OptionSpec = {
  type: 'string',
  value: 'NAME',
  description: 'the file name to locate problems of - (standard input) in; default <stdin>',
};
