// The parts of undici rescind's HTTP layer uses, loaded from their own modules. undici's index loads
// everything it has (fetch, WebSocket, caches, mocks): 70-100 ms of every command's start, against
// about 30 ms for these. The index also gives every dispatcher its request() and stream() methods
// (`Object.assign(Dispatcher.prototype, api)`, undici 7 index.js), so this does the same, as it does.
// undici has no exports map; test/http/undici.test.ts checks that each part is what the index exports
// and that dispatchers have the index's methods, so an upgrade that moves a file fails the suite.

import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const load = createRequire(import.meta.url);

const Dispatcher = load('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher;
Object.assign(Dispatcher.prototype, load('undici/lib/api/index.js') as object);

export const Agent = load('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export const Pool = load('undici/lib/dispatcher/pool.js') as typeof Undici.Pool;
/** proxyAgentClass is undici's ProxyAgent, loaded on first use: only a run through a proxy needs it. */
export function proxyAgentClass(): typeof Undici.ProxyAgent {
  return load('undici/lib/dispatcher/proxy-agent.js') as typeof Undici.ProxyAgent;
}
export const errors = load('undici/lib/core/errors.js') as typeof Undici.errors;
export type Agent = Undici.Agent;
export type Pool = Undici.Pool;
export type ProxyAgent = Undici.ProxyAgent;
