// Each credential source of each cloud, opened by a session against the emulator (seeded with
// test/fixtures/emulator/credentials.yaml): the account opens, its calls are signed with what the
// source obtained, and whoami finds who the credentials act as, from whichever API works for them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RescindConfig } from '../../src/config/config.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { whoami } from '../../src/providers/registry.js';
import { createSession } from '../../src/session/session.js';
import { identityService } from '../../src/vocabulary.js';
import { credentialsSeed } from '../helpers/credentials.js';
import { sourceCases } from '../helpers/sources.js';

let em: RunningEmulator;
const dirs: string[] = [];
beforeAll(async () => {
  em = await startEmulator({ state: credentialsSeed });
});
afterAll(async () => {
  await em.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('each source opens its account, and whoami names its caller', () => {
  for (const c of sourceCases) {
    it(c.name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rescind-sources-'));
      dirs.push(dir);
      const prepared = await c.prepare(em, dir);
      const name = c.cloud === 'huaweicloud' ? 'hw' : 'ali';
      const config: RescindConfig = {
        apiVersion: 'rescind/v1',
        kind: 'Config',
        accounts: {
          [name]: {
            cloud: c.cloud,
            region: c.cloud === 'huaweicloud' ? 'ap-southeast-1' : 'cn-hangzhou',
            endpoint: em.url,
            rateLimits: { default: 0 },
            ...(prepared.credentials === undefined ? {} : { credentials: prepared.credentials }),
          },
        },
      };
      const session = createSession({ cwd: dir, env: { HOME: dir, ...prepared.env }, config });
      try {
        const opened = await session.openAccounts({ [name]: [identityService[c.cloud]] });
        expect(opened.diagnostics).toEqual([]);
        const account = opened.accounts.get(name);
        if (account === undefined) throw new Error('not opened');
        const who = await whoami[c.cloud]({ account });
        expect(who.diagnostics).toEqual([]);
        expect(who.caller).toEqual(c.caller);
      } finally {
        await session.close();
      }
    });
  }
});
