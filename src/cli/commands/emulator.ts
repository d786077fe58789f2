// rescind emulator: run the local cloud emulator until SIGINT or SIGTERM. The first
// line printed is the URL; a seed that is not valid is reported like a plan, exit 1.

import { resolve } from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnostic } from '../../render/diagnostics/text.js';
import { createSession, type RunningEmulator } from '../../session/session.js';
import { type CommandSpec, type Parsed, UsageError } from '../args.js';
import { docsLink } from '../docs-link.js';
import { type Io, styleFor } from '../io.js';

/** spec is the command line of emulator. */
export const spec: CommandSpec = {
  name: 'emulator',
  usage:
    'rescind emulator [--port N] [--state FILE] [--persist FILE] [--latency-ms N] [--jitter-ms N]\n' +
    '                 [--error-rate P] [--throttle-rps N] [--drop-rate P] [--seed N]\n' +
    '                 [--credential-ttl-seconds N] [--oidc-issuer URL]\n' +
    '       rescind emulator --show-builtin | --reset-builtin',
  summary:
    'Run the local cloud emulator: Huawei Cloud CCE, CCM, KMS and IAM, Alibaba Cloud ESA, ACK and STS,\n' +
    'both ECS metadata services and an OIDC issuer, on one port of 127.0.0.1, with real request signing\n' +
    `and seeded fault injection. Runs until interrupted (Ctrl-C, SIGTERM). More: ${docsLink('emulator.md')}`,
  options: {
    port: {
      type: 'string',
      integer: { min: 0, max: 65535 },
      default: '0',
      value: 'N',
      description: 'port (0: any free port)',
    },
    state: {
      type: 'string',
      value: 'FILE',
      description: 'seed file (kind EmulatorState); default: the demo seed',
    },
    persist: {
      type: 'string',
      value: 'FILE',
      description: 'keep the state in FILE across runs (loaded when present)',
    },
    'latency-ms': {
      type: 'string',
      integer: { min: 0, max: 600000 },
      value: 'N',
      description: 'latency added to every answer',
    },
    'jitter-ms': {
      type: 'string',
      integer: { min: 0, max: 600000 },
      value: 'N',
      description: 'random extra latency, up to N ms',
    },
    'error-rate': {
      type: 'string',
      value: 'P',
      description: 'fraction (0 to 1) of requests answered with a 5xx',
    },
    'throttle-rps': {
      type: 'string',
      value: 'N',
      description: "requests per second per API above which the cloud's throttling answer comes",
    },
    'drop-rate': {
      type: 'string',
      value: 'P',
      description: 'fraction (0 to 1) of connections dropped without an answer',
    },
    seed: {
      type: 'string',
      integer: { min: 0, max: 4294967295 },
      value: 'N',
      description: 'seed of the fault injection PRNG (default: 1)',
    },
    'credential-ttl-seconds': {
      type: 'string',
      integer: { min: 1, max: 86400 },
      value: 'N',
      description:
        'lifetime of every temporary credential and token it issues (default: what each request asks)',
    },
    'oidc-issuer': {
      type: 'string',
      value: 'URL',
      description: "the iss of the OIDC tokens it mints (default: the seed's, else its own URL)",
    },
    'show-builtin': {
      type: 'boolean',
      description: "print the built-in emulator's state of this folder (secrets redacted) and exit",
    },
    'reset-builtin': {
      type: 'boolean',
      description:
        "forget the built-in emulator's state of this folder: the next run starts from the demo seed",
    },
  },
  examples: [
    'rescind emulator --latency-ms 50 --throttle-rps 20   # a slow, throttling cloud on 127.0.0.1',
    'rescind emulator --reset-builtin                # forget what the built-in emulator revoked here',
  ],
  maxPositionals: 0,
};

/** EmulatorSignals lets tests stop the command without sending a real signal. */
export interface EmulatorSignals {
  /** wait resolves when the command should stop. */
  wait(): Promise<void>;
}

const processSignals: EmulatorSignals = {
  wait: () =>
    new Promise((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }),
};

/** run starts the emulator, prints its URL and runs until signals says to stop; 0 then, 1 for a bad seed. */
export async function run(args: Parsed, io: Io, signals: EmulatorSignals = processSignals): Promise<number> {
  const v = args.values;
  const text = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const whole = (name: string) => (text(name) === undefined ? undefined : Number(text(name)));
  const fraction = (name: string, max: number) => {
    const t = text(name);
    if (t === undefined) return undefined;
    const n = Number(t);
    if (!/^[0-9]*\.?[0-9]+$/.test(t) || !(n >= 0 && n <= max)) {
      throw new UsageError(`--${name} must be a number from 0 to ${max}, not ${JSON.stringify(t)}`);
    }
    return n;
  };
  const faults = {
    latencyMs: whole('latency-ms'),
    jitterMs: whole('jitter-ms'),
    errorRate: fraction('error-rate', 1),
    throttleRps: fraction('throttle-rps', 1_000_000),
    dropRate: fraction('drop-rate', 1),
    seed: whole('seed'),
  };
  const { EmulatorStateError } = await import('../../emulator/seed.js');
  if (v['show-builtin'] === true || v['reset-builtin'] === true) {
    const { resetBuiltin, showBuiltin } = await import('../../session/builtin.js');
    // The built-in state of the folder that keeps .rescind/: the config's, found from here.
    const root = createSession({ cwd: io.cwd, env: io.env }).root();
    try {
      if (v['reset-builtin'] === true) {
        const forgot = resetBuiltin(root);
        io.stdout.write(
          forgot
            ? 'rescind emulator: forgot the built-in state of this folder; the next run starts from the demo seed\n'
            : 'rescind emulator: no built-in state in this folder; runs start from the demo seed\n',
        );
        return 0;
      }
      const shown = showBuiltin(root);
      io.stdout.write(
        shown.state === undefined
          ? `rescind emulator: no ${shown.file} yet; the built-in emulator starts from the demo seed\n`
          : `${JSON.stringify(shown.state, null, 2)}\n`,
      );
      return 0;
    } catch (e) {
      if (!(e instanceof EmulatorStateError)) throw e;
      const style = styleFor(io.stderr, io.env);
      for (const d of e.diagnostics) io.stderr.write(`${formatDiagnostic(d, style)}\n`);
      return 1;
    }
  }
  const options = Object.fromEntries(Object.entries(faults).filter(([, value]) => value !== undefined));
  const issuer = text('oidc-issuer');
  if (issuer !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(issuer)) {
    throw new UsageError(
      `--oidc-issuer must be an http(s) URL without query or fragment, not ${JSON.stringify(issuer)}`,
    );
  }
  const ttl = whole('credential-ttl-seconds');
  const state = text('state');
  const persist = text('persist');
  const session = createSession({
    cwd: io.cwd,
    env: io.env,
    ...(io.logger === undefined ? {} : { logger: io.logger }),
  });
  let emulator: RunningEmulator;
  try {
    emulator = await session.startEmulator({
      ...options,
      port: whole('port') ?? 0,
      ...(ttl !== undefined ? { credentialTtlSeconds: ttl } : {}),
      ...(issuer !== undefined ? { oidcIssuer: issuer } : {}),
      ...(state !== undefined ? { state: pathFor(io, state) } : {}),
      ...(persist !== undefined ? { persist: pathFor(io, persist) } : {}),
    });
  } catch (e) {
    if (e instanceof EmulatorStateError) {
      const style = styleFor(io.stderr, io.env);
      // Name the files as the command line did, not by their absolute paths.
      const shown = new Map<string, string>();
      if (state !== undefined) shown.set(resolve(io.cwd, state), state);
      if (persist !== undefined) shown.set(resolve(io.cwd, persist), persist);
      for (const d of e.diagnostics) io.stderr.write(`${formatDiagnostic(renamed(d, shown), style)}\n`);
      return 1;
    }
    if (e instanceof Error && 'code' in e && e.code === 'EADDRINUSE') {
      io.stderr.write(`rescind emulator: port ${text('port') ?? ''} is in use\n`);
      return 1;
    }
    throw e;
  }
  io.stdout.write(`rescind emulator listening on ${emulator.url}\n`);
  await signals.wait();
  await session.close();
  return 0;
}

// A path relative to io.cwd, kept as given when that is the process's own directory (diagnostics name it so).
function pathFor(io: Io, path: string): string {
  return resolve(io.cwd, path) === resolve(path) ? path : resolve(io.cwd, path);
}

function renamed(d: Diagnostic, shown: ReadonlyMap<string, string>): Diagnostic {
  const name = (file: string) => shown.get(file) ?? file;
  return {
    ...d,
    ...(d.file !== undefined ? { file: name(d.file) } : {}),
    ...(d.range !== undefined ? { range: { ...d.range, file: name(d.range.file) } } : {}),
  };
}
