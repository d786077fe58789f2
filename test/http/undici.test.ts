// src/http/undici.ts loads the parts of undici rescind uses from their own files, to spare the start-up
// what its index costs: each must be the very object the index exports, and a dispatcher must have the
// methods the index gives it. This test loads the parts in a fresh process, without the index.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as index from 'undici';
import { expect, it } from 'vitest';
import * as parts from '../../src/http/undici.js';

it("undici's Agent, Pool, ProxyAgent and errors, loaded from their own modules, are the index's", () => {
  expect(parts.Agent).toBe(index.Agent);
  expect(parts.Pool).toBe(index.Pool);
  expect(parts.proxyAgentClass()).toBe(index.ProxyAgent);
  expect(parts.errors).toBe(index.errors);
});

it('gives dispatchers the methods the index gives them, without the index', () => {
  const built = fileURLToPath(new URL('../../dist/http/undici.js', import.meta.url));
  const script = `import('${built}').then((u) => {
    const agent = new u.Agent();
    const names = ['request', 'stream', 'pipeline', 'connect', 'upgrade'].filter((m) => typeof agent[m] !== 'function');
    const indexLoaded = Object.keys(require.cache).some((f) => f.endsWith('/undici/index.js'));
    console.log(JSON.stringify({ missing: names, indexLoaded }));
    return agent.close();
  })`;
  const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  expect(JSON.parse(out.stdout)).toEqual({ missing: [], indexLoaded: false });
});
