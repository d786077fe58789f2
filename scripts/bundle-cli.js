#!/usr/bin/env node
// Build step: bundle the CLI (dist/cli/main.js and every module of rescind it imports) into a few files
// of dist/cli-bundle/, so that a command starts by loading a handful of chunks, not one module per
// source file: Node 20 resolves, reads, compiles and links each ES module on every start, with no
// compile cache. What a command loads on demand (the session's dynamic imports: apply, plan, discover,
// the emulator) stays a chunk of its own, loaded only by the commands that use it. Packages stay
// outside (node_modules), and the bundle sits one folder below dist/ like dist/cli/, so that the paths
// its modules name from their own place (../../schemas/, ../schema/validators/, the emulator's seed) still lead where they did.
// bin/rescind.js runs it; the library (dist/index.js) is not bundled. Run after tsc (npm run build).

import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = new URL('../dist/cli-bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [new URL('../dist/cli/main.js', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'silent',
});
const problems = [...result.errors, ...result.warnings];
if (problems.length > 0) {
  for (const p of problems)
    console.error(`bundle-cli: ${p.text}${p.location ? ` (${p.location.file}:${p.location.line})` : ''}`);
  process.exit(1);
}
