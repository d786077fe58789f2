// Hostile credential sources, through `rescind apply --yes` (the CLI, in-process): an OIDC token file
// that is missing, empty, huge, a FIFO, or not a JWT; a metadata service that hangs, answers 500 or
// garbage; an STS answer without an expiry, or with one in the past. Each is a diagnostic located at
// the account in the config, exit 1, and nothing revoked: the account never opens.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CredentialSource } from '../../src/config/config.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { credentialsSeed, names } from '../helpers/credentials.js';
import { adminCall } from '../helpers/emulator-client.js';
import { json, startServer, type TestServer } from '../helpers/http-server.js';
import { runCli, withoutProgress } from '../helpers/io.js';

const ali = names.alibaba;
let em: RunningEmulator;
const servers: TestServer[] = [];
const dirs: string[] = [];
beforeAll(async () => {
  em = await startEmulator({ state: credentialsSeed });
});
afterAll(async () => {
  await em.close();
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PLAN = stringify({
  apiVersion: 'rescind/v1',
  kind: 'RevocationPlan',
  metadata: { name: 'hostile', reason: 'hostile credential sources' },
  spec: {
    revocations: [
      {
        id: 'cert',
        type: 'alibabacloud.esa.client-certificate',
        account: 'ali',
        target: { siteId: ali.siteId, certificateId: ali.certificateId },
      },
    ],
  },
});

const oidc = (file: string): CredentialSource => ({
  source: 'oidc',
  roleArn: ali.ciRole,
  oidcProviderArn: ali.provider,
  token: { file },
});

// A metadata service or STS at a test server: what it answers is the case.
async function server(answer: Parameters<typeof startServer>[0]): Promise<string> {
  const s = await startServer(answer);
  servers.push(s);
  return s.origin;
}

interface Case {
  name: string;
  /** setup writes what the case needs into dir; it answers the account's credentials and endpoints. */
  setup(dir: string): Promise<{ credentials: CredentialSource; sts?: string }>;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'a token file that is missing',
    setup: async (dir) => ({ credentials: oidc(join(dir, 'no-such-token')) }),
    message: /the OIDC token file \S+no-such-token does not exist$/,
  },
  {
    name: 'an empty token file',
    setup: async (dir) => {
      writeFileSync(join(dir, 'token'), '\n');
      return { credentials: oidc(join(dir, 'token')) };
    },
    message: /the OIDC token file \S+token is empty$/,
  },
  {
    name: 'a huge token file',
    setup: async (dir) => {
      writeFileSync(join(dir, 'token'), 'a'.repeat(3 * 1024 * 1024));
      return { credentials: oidc(join(dir, 'token')) };
    },
    message: /the OIDC token file \S+token is larger than the 64 KiB rescind reads$/,
  },
  {
    name: 'a token file that is a FIFO',
    setup: async (dir) => {
      execFileSync('mkfifo', [join(dir, 'fifo')]);
      return { credentials: oidc(join(dir, 'fifo')) };
    },
    message: /the OIDC token file \S+fifo is a named pipe \(FIFO\), not a regular file$/,
  },
  {
    name: 'a token file that is not a JWT',
    setup: async (dir) => {
      writeFileSync(join(dir, 'token'), 'ghp_this-is-not-a-jwt');
      return { credentials: oidc(join(dir, 'token')) };
    },
    message: /the OIDC token file \S+token does not hold a JWT \(header\.claims\.signature, base64url\)$/,
  },
  {
    name: 'a metadata service that hangs',
    setup: async () => ({
      credentials: { source: 'metadata', url: await server(() => new Promise(() => {})) },
    }),
    message:
      /asking the metadata service at http:\/\/127\.0\.0\.1:\d+ for a session token failed: .*(timed out|did not answer|deadline)/,
  },
  {
    name: 'a metadata service that answers 500',
    setup: async () => ({
      credentials: {
        source: 'metadata',
        url: await server((_req, res) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('Internal Server Error');
        }),
      },
    }),
    message: /reading the RAM role from the metadata service at http:\/\/127\.0\.0\.1:\d+ failed: .*HTTP 500/,
  },
  {
    name: 'a metadata service that answers garbage',
    setup: async () => ({
      credentials: {
        source: 'metadata',
        roleName: 'rescind',
        url: await server((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"AccessKeyId": "STS.x", "Code": ');
        }),
      },
    }),
    message: /the ECS metadata service at http:\/\/127\.0\.0\.1:\d+ answered something that is not JSON$/,
  },
  {
    name: 'an STS answer without an expiry',
    setup: async () => ({
      credentials: { source: 'assume-role', roleArn: ali.ciRole, base: { source: 'environment' } },
      sts: await server((_req, res) =>
        json(res, 200, {
          RequestId: 'R',
          Credentials: { AccessKeyId: 'STS.fake', AccessKeySecret: 'fake-secret', SecurityToken: 'CAISfake' },
        }),
      ),
    }),
    message: /STS AssumeRole answered no Expiration: temporary credentials must say when they expire$/,
  },
  {
    name: 'an STS answer with an expiry in the past',
    setup: async () => ({
      credentials: { source: 'assume-role', roleArn: ali.ciRole, base: { source: 'environment' } },
      sts: await server((_req, res) =>
        json(res, 200, {
          RequestId: 'R',
          Credentials: {
            AccessKeyId: 'STS.fake',
            AccessKeySecret: 'fake-secret',
            SecurityToken: 'CAISfake',
            Expiration: '2020-01-01T00:00:00Z',
          },
        }),
      ),
    }),
    message: /the credentials expired at 2020-01-01T00:00:00\.000Z, before they could be used/,
  },
];

describe('hostile credential sources: a located diagnostic, exit 1, nothing revoked', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rescind-hostile-credentials-'));
      dirs.push(dir);
      const { credentials, sts } = await c.setup(dir);
      writeFileSync(
        join(dir, 'rescind.config.yaml'),
        stringify({
          apiVersion: 'rescind/v1',
          kind: 'Config',
          accounts: {
            ali: {
              cloud: 'alibabacloud',
              region: 'cn-hangzhou',
              ...(sts === undefined
                ? { endpoint: em.url }
                : { endpoints: { sts, esa: em.url, ack: em.url } }),
              credentials,
            },
          },
        }),
      );
      writeFileSync(join(dir, 'plan.yaml'), PLAN);
      await adminCall(em.url, 'POST', '/_emulator/reset');
      const result = await runCli(['apply', '--yes', 'plan.yaml'], dir, {
        HOME: dir,
        ALIBABA_CLOUD_ACCESS_KEY_ID: ali.user.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: ali.user.accessKeySecret,
      });
      expect(result.code).toBe(1);
      const lines = withoutProgress(result.stderr).trim().split('\n');
      expect(lines).toHaveLength(1);
      // At the account's credentials in the config: the first line of their value.
      const config = readFileSync(join(dir, 'rescind.config.yaml'), 'utf8').split('\n');
      const line = config.findIndex((l) => l.trim() === 'credentials:') + 2;
      expect(lines[0]).toMatch(
        new RegExp(`^rescind\\.config\\.yaml:${line}:7: error account\\.credentials: account ali: `),
      );
      expect(lines[0]).toMatch(c.message);
      const stats = (await adminCall(em.url, 'GET', '/_emulator/stats')).json as {
        requests: Record<string, number>;
      };
      expect(stats.requests.RevokeClientCertificate).toBeUndefined();
      expect(stats.requests.GetClientCertificate).toBeUndefined();
    }, 60_000);
  }
});
