// What the benchmarks share: the median of samples, and running node in a child process.

import { spawn } from 'node:child_process';

/** median is the middle of values (the upper one of an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** runNode runs node with args in cwd; resolves with its output when it exits 0, else rejects with its stderr. */
export function runNode(args, cwd, env) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    proc.stdout.on('data', (b) => out.push(b));
    proc.stderr.on('data', (b) => err.push(b));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`node ${args.join(' ')} exited ${code}:\n${stderr.slice(0, 4000)}`));
    });
  });
}
