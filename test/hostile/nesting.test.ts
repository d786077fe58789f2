// Nesting, by class, at every place rescind reads JSON or YAML: a file of each kind and a cloud's
// answer nested far past MAX_DEPTH are refused where they pass it, as a diagnostic, never as a stack
// overflow in whatever reads the data afterwards (schemas, fingerprints, renderers, the executor).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { huaweiDialect } from '../../src/clouds/huaweicloud/dialect.js';
import type { RescindConfig } from '../../src/config/config.js';
import { exceedsDepth, findExcessiveJsonNesting, MAX_DEPTH } from '../../src/document/depth.js';
import { loadYaml } from '../../src/document/load.js';
import { startEmulator } from '../../src/emulator/server.js';
import { createHttpClient, type HttpClient } from '../../src/http/client.js';
import { ResponseTooDeepError } from '../../src/http/errors.js';
import { loadSavedPlan } from '../../src/plan/saved.js';
import { callFailed } from '../../src/providers/diagnose.js';
import { providerOf } from '../../src/providers/registry.js';
import { createSession, type Session } from '../../src/session/session.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { runCli } from '../helpers/io.js';

const KEY = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const GRANT = 'c'.repeat(64);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rescind-nesting-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers: TestServer[] = [];
const clients: HttpClient[] = [];
const sessions: Session[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) await s.close();
  for (const s of sessions.splice(0)) await s.close();
});

/** nested is n lists, one inside the other: `[[[...]]]`. */
const nested = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;

/**
 * withDeep writes data as rescind writes JSON (two-space indent) with the string "DEEP" replaced by
 * deep, and says where the bracket past MAX_DEPTH is: its line and column, 1-based.
 */
function withDeep(data: unknown, deep: string): { text: string; line: number; column: number } {
  const text = JSON.stringify(data, null, 2).replace('"DEEP"', deep);
  const at = findExcessiveJsonNesting(text);
  if (at === undefined || text[at] !== '[') throw new Error('the test text is not too deep');
  const before = text.slice(0, at);
  return { text, line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

// A saved plan that passes its schema but for one record nested a million deep (2 MB).
function savedPlan(deep: string): unknown {
  return {
    apiVersion: 'rescind/v1',
    kind: 'SavedPlan',
    formatVersion: '2',
    rescindVersion: '0',
    createdAt: '2026-01-01T00:00:00Z',
    plan: { file: 'p.yaml', name: 'p', reason: 'r' },
    inputs: [],
    accounts: {},
    selectors: [],
    policies: [],
    summary: { revoke: 1, alreadyRevoked: 0, notObservable: 0, blocked: 0, missing: 0 },
    targets: [
      {
        address: 'a',
        type: 'huaweicloud.kms.grant',
        account: 'x',
        ids: ['i'],
        action: 'revoke',
        target: { keyId: KEY, grantId: GRANT },
        with: {},
        before: { state: 'active', record: { grant_id: 'g', x: deep } },
        fingerprint: 'a'.repeat(64),
      },
    ],
    digest: `sha256:${'b'.repeat(64)}`,
  };
}

describe('files nested past the limit are refused where they pass it, JSON as YAML', () => {
  it('a saved plan with a record nested 1,000,000 deep: loadSavedPlan gives one located diagnostic', () => {
    const { text, line, column } = withDeep(savedPlan('DEEP'), nested(1_000_000));
    writeFileSync(join(dir, 'deep-plan.json'), text);
    const loaded = loadSavedPlan(join(dir, 'deep-plan.json'), 'deep-plan.json');
    expect(loaded.valid).toBe(false);
    expect(loaded.plan).toBeUndefined();
    expect(loaded.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'yaml.too-deep',
        message: `collections are nested more than ${MAX_DEPTH} deep here; rescind does not read such files`,
        range: {
          file: 'deep-plan.json',
          start: { line, column, offset: expect.any(Number) },
          end: { line, column: column + 1, offset: expect.any(Number) },
        },
      },
    ]);
  });

  it('rescind show of that plan exits 1 with the diagnostic, not an internal error', async () => {
    const { text, line, column } = withDeep(savedPlan('DEEP'), nested(1_000_000));
    writeFileSync(join(dir, 'deep-plan.json'), text);
    const result = await runCli(['show', 'deep-plan.json'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`deep-plan.json:${line}:${column}: error yaml.too-deep:`);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stdout).toBe('');
  });

  it('a persisted emulator state nested 1,000,000 deep is refused with the same diagnostic', async () => {
    const state = { apiVersion: 'rescind/v1', kind: 'EmulatorState', huaweicloud: { extra: 'DEEP' } };
    const { text, line, column } = withDeep(state, nested(1_000_000));
    const persist = join(dir, 'state.json');
    writeFileSync(persist, text);
    const error = await startEmulator({ persist }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'RESCIND_EMULATOR_STATE',
      diagnostics: [{ code: 'yaml.too-deep', range: { file: persist, start: { line, column } } }],
    });
  });

  // The same text read as JSON and as YAML: the same limit, the same code, the same bracket.
  it.each([
    ['one level past the limit', MAX_DEPTH, true],
    ['at the limit', MAX_DEPTH - 1, false],
  ])('{"a": lists} %s: JSON and YAML agree', (_, lists, refused) => {
    const text = `{"a": ${nested(lists)}}`;
    const json = loadYaml('f.json', text, { json: true });
    const yaml = loadYaml('f.yaml', `a: ${nested(lists)}\n`);
    expect(json.source === undefined).toBe(refused);
    expect(yaml.source === undefined).toBe(refused);
    if (refused) {
      expect(json.diagnostics).toMatchObject([
        { code: 'yaml.too-deep', range: { start: { column: 6 + lists } } },
      ]);
      expect(yaml.diagnostics).toMatchObject([
        { code: 'yaml.too-deep', range: { start: { column: 3 + lists } } },
      ]);
    }
  });

  it('brackets inside strings do not count', () => {
    const text = JSON.stringify({ a: '['.repeat(10_000), b: '\\"[['.repeat(1000), c: [[1]] });
    expect(findExcessiveJsonNesting(text)).toBeUndefined();
    expect(loadYaml('f.json', text, { json: true }).source?.data).toEqual(JSON.parse(text));
  });
});

describe('cloud answers nested past the limit fail their call, with a typed error', () => {
  function client(): HttpClient {
    const c = createHttpClient({ dialect: huaweiDialect, account: 'test', retry: { maxAttempts: 3 } });
    clients.push(c);
    return c;
  }

  async function answering(body: string): Promise<TestServer> {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    servers.push(server);
    return server;
  }

  it('an answer nested 100,000 deep: ResponseTooDeepError, not retried, and a cloud.unexpected diagnostic', async () => {
    const server = await answering(
      `{"grants":[{"grant_id":"g","x":${nested(100_000)}}],"truncated":"false"}`,
    );
    const error = await client()
      .call({
        method: 'POST',
        url: `${server.origin}/kms`,
        service: 'kms',
        operation: 'ListGrants',
        body: {},
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooDeepError);
    expect(error).toMatchObject({
      code: 'RESCIND_RESPONSE_TOO_DEEP',
      maxDepth: MAX_DEPTH,
      retryable: false,
      message: `huaweicloud kms ListGrants: the answer nests collections deeper than ${MAX_DEPTH} levels`,
    });
    expect(server.received).toHaveLength(1);
    expect(callFailed(error, 'hw/kms')).toEqual({
      severity: 'error',
      code: 'cloud.unexpected',
      message: `huaweicloud kms ListGrants: the answer nests collections deeper than ${MAX_DEPTH} levels`,
      address: 'hw/kms',
    });
  });

  it('an answer at the limit, or with brackets in its strings, is read', async () => {
    const atLimit = `{"a":${nested(MAX_DEPTH - 1)},"b":"${'['.repeat(100_000)}"}`;
    const server = await answering(atLimit);
    const result = await client().call({ method: 'GET', url: server.origin, service: 'kms', operation: 'X' });
    expect(result.body).toEqual(JSON.parse(atLimit));
  });

  it('a KMS read behind such an answer is a cloud.unexpected diagnostic, not a stack overflow', async () => {
    const server = await answering(`{"grants":[{"grant_id":"${GRANT}","x":${nested(100_000)}}]}`);
    const config: RescindConfig = {
      apiVersion: 'rescind/v1',
      kind: 'Config',
      accounts: {
        hw: {
          cloud: 'huaweicloud',
          region: 'ap-southeast-1',
          projectId: '0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f',
          endpoint: server.origin,
        },
      },
    };
    const session = createSession({
      cwd: dir,
      env: { HUAWEICLOUD_SDK_AK: 'AK', HUAWEICLOUD_SDK_SK: 'SK' },
      config,
    });
    sessions.push(session);
    const opened = await session.openAccounts({ hw: ['kms'] });
    const account = opened.accounts.get('hw');
    expect(opened.diagnostics).toEqual([]);
    if (account === undefined) throw new Error('no account');
    const read = await providerOf('huaweicloud.kms.grant').read({
      account,
      target: { keyId: KEY, grantId: GRANT },
    });
    expect(read.observation).toBeUndefined();
    expect(read.diagnostics).toMatchObject([
      { code: 'cloud.unexpected', message: expect.stringContaining(`deeper than ${MAX_DEPTH} levels`) },
    ]);
  });

  it('exceedsDepth walks without recursion and stops at the first collection past the limit', () => {
    expect(exceedsDepth(JSON.parse(nested(1_000_000)))).toBe(true);
    expect(exceedsDepth(JSON.parse(nested(MAX_DEPTH)))).toBe(false);
    expect(exceedsDepth(JSON.parse(nested(MAX_DEPTH + 1)))).toBe(true);
    expect(exceedsDepth('[[[')).toBe(false);
    expect(exceedsDepth(JSON.parse('{"__proto__":[[[1]]]}'), 3)).toBe(true);
  });
});
