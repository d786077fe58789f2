// Seeds: the demo seed is valid and serves the example plans' IDs; a malformed seed is
// reported like a plan (FILE:LINE:COL: error CODE: message, exit 1) by the emulator and by
// `rescind validate`; a seed given as data is checked too. And the emulator command line.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { spec as emulatorSpec, run as runEmulator } from '../../src/cli/commands/emulator.js';
import type { Io } from '../../src/cli/io.js';
import { readFast } from '../../src/document/load.js';
import { checkSeedData, EmulatorStateError, loadSeed, readSeedFile } from '../../src/emulator/seed.js';
import { startEmulator } from '../../src/emulator/server.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { formatDiagnostic } from '../../src/render/diagnostics/text.js';
import { credentialsSeed } from '../helpers/credentials.js';
import { adminCall, callHuawei } from '../helpers/emulator-client.js';
import { runCli } from '../helpers/io.js';
import { fixture, repoRoot } from '../helpers/paths.js';

const cwd = fixture('emulator');
const bad = readdirSync(cwd)
  .filter((f) => f.startsWith('bad-'))
  .sort();

describe('malformed seeds get located diagnostics', () => {
  it.each(bad)('%s', async (name) => {
    const result = readSeedFile(`${cwd}/${name}`);
    expect(result.state).toBeUndefined();
    const text = result.diagnostics
      .map((d) => formatDiagnostic(d).replace(cwd, 'test/fixtures/emulator'))
      .join('\n');
    expect(text).toMatch(/^test\/fixtures\/emulator\/bad-[a-z-]+\.yaml:\d+:\d+: error [a-z.-]+: /);
    await expect(`${text}\n`).toMatchFileSnapshot(`../golden/emulator/${name.replace(/\.yaml$/, '.txt')}`);
  });

  it('startEmulator throws EmulatorStateError with the diagnostics', async () => {
    const error = await startEmulator({ state: `${cwd}/bad-duplicates.yaml` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorStateError);
    expect((error as EmulatorStateError).code).toBe('RESCIND_EMULATOR_STATE');
    expect((error as EmulatorStateError).diagnostics.length).toBeGreaterThan(0);
  });

  it('a seed given as data is checked, with JSON paths', async () => {
    const error = await startEmulator({
      state: {
        apiVersion: 'rescind/v1',
        kind: 'EmulatorState',
        identities: [{ cloud: 'alibabacloud' }],
      } as never,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorStateError);
    expect((error as EmulatorStateError).diagnostics[0]).toMatchObject({
      code: 'schema.required',
      path: ['identities', 0],
    });
  });

  it('rescind validate checks seeds', async () => {
    const result = await runCli(['validate', 'bad-duplicates.yaml', 'state.yaml'], cwd);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'bad-duplicates.yaml:5:38: error emulator.duplicate-id: access key "AK1" is listed twice',
    );
    expect(result.stdout).not.toContain('state.yaml:');
  });
});

describe('the seed of the credential sources', () => {
  it('is valid', () => {
    expect(readSeedFile(credentialsSeed).diagnostics).toEqual([]);
  });

  const broken = (change: (seed: EmulatorState) => void) => {
    const seed = structuredClone(loadSeed(credentialsSeed));
    change(seed);
    return checkSeedData(seed).diagnostics.map((d) => [d.code, (d.path ?? []).join('.'), d.message]);
  };

  it.each([
    [
      'a role listed twice',
      (s: EmulatorState) =>
        s.alibabacloud?.ram?.roles?.push({
          ...(s.alibabacloud.ram.roles[0] as NonNullable<typeof s.alibabacloud.ram.roles>[number]),
          RoleId: '9',
        }),
      [
        'emulator.duplicate-id',
        'alibabacloud.ram.roles.3.RoleName',
        'role rescind-ci is listed twice (first at item 0, counting from 0)',
      ],
    ],
    [
      'a role whose Arn names another role',
      (s: EmulatorState) =>
        Object.assign(s.alibabacloud?.ram?.roles?.[0] ?? {}, { Arn: 'acs:ram::1:role/other' }),
      ['emulator.mismatch', 'alibabacloud.ram.roles.0.Arn', 'the Arn of role rescind-ci names role other'],
    ],
    [
      'a trust policy that is not JSON',
      (s: EmulatorState) =>
        Object.assign(s.alibabacloud?.ram?.roles?.[0] ?? {}, {
          AssumeRolePolicyDocument: '{"Statement": 1}',
        }),
      [
        'emulator.mismatch',
        'alibabacloud.ram.roles.0.AssumeRolePolicyDocument',
        'the trust policy of role rescind-ci is not a JSON policy with a Statement list',
      ],
    ],
    [
      'an instance role that is not a role',
      (s: EmulatorState) => Object.assign(s.alibabacloud?.ecs?.instance ?? {}, { RamRoleName: 'ghost' }),
      [
        'emulator.mismatch',
        'alibabacloud.ecs.instance.RamRoleName',
        'the instance RAM role ghost is not a role of alibabacloud.ram.roles',
      ],
    ],
    [
      "a server's agency that is not an agency",
      (s: EmulatorState) =>
        Object.assign(s.huaweicloud?.ecs?.server ?? {}, { metadata: { agency_name: 'ghost' } }),
      [
        'emulator.mismatch',
        'huaweicloud.ecs.server.metadata.agency_name',
        "the server's agency ghost is not an agency of huaweicloud.iam.agencies",
      ],
    ],
    [
      'an agency listed twice',
      (s: EmulatorState) =>
        s.huaweicloud?.iam?.agencies?.push({
          ...(s.huaweicloud.iam.agencies[0] as NonNullable<typeof s.huaweicloud.iam.agencies>[number]),
          id: 'abc',
        }),
      [
        'emulator.duplicate-id',
        'huaweicloud.iam.agencies.2.name',
        'agency rescind-ops of account 9f8e7d6c5b4a39281706f5e4d3c2b1a0 is listed twice (first at item 0, counting from 0)',
      ],
    ],
    [
      'a signing key that is not a key set',
      (s: EmulatorState) =>
        Object.assign(s.huaweicloud?.iam?.identity_providers?.[0]?.openid_connect_config ?? {}, {
          signing_key: '[]',
        }),
      [
        'emulator.mismatch',
        'huaweicloud.iam.identity_providers.0.openid_connect_config.signing_key',
        'the signing_key of identity provider github is not a JSON key set with a keys list',
      ],
    ],
  ])('finds %s', (_, change, finding) => {
    expect(broken(change)).toEqual([finding]);
  });

  it('refuses a credential lifetime out of range and an issuer that is not a URL, by schema', () => {
    const codes = broken((s) => {
      s.credentialTtlSeconds = 0;
      s.oidc = { issuer: 'token.actions.githubusercontent.com' };
    }).map(([code, path]) => `${code} ${path}`);
    expect(codes).toEqual(['schema.range credentialTtlSeconds', 'schema.pattern oidc.issuer']);
  });
});

describe("the discover seed and the rules of discover's lists", () => {
  const discoverSeed = `${cwd}/discover.yaml`;
  it('is valid', () => {
    expect(readSeedFile(discoverSeed).diagnostics).toEqual([]);
  });

  const broken = (change: (seed: EmulatorState) => void) => {
    const seed = structuredClone(loadSeed(discoverSeed));
    change(seed);
    return checkSeedData(seed).diagnostics.map((d) => [d.code, (d.path ?? []).join('.'), d.message]);
  };
  const cas = (s: EmulatorState) => s.huaweicloud?.ccm?.certificate_authorities ?? [];
  const ca = (s: EmulatorState, i: number) => cas(s)[i] ?? { ca_id: '', type: 'ROOT', status: 'ACTIVED' };

  it.each([
    [
      'a CA whose issuer is not a CA of the state',
      (s: EmulatorState) => {
        ca(s, 1).issuer_id = '00000000-0000-4000-8000-000000000000';
      },
      [
        'emulator.mismatch',
        'huaweicloud.ccm.certificate_authorities.1.issuer_id',
        'the issuer 00000000-0000-4000-8000-000000000000 of CA b7e1c0a2-3d4f-4a5b-8c6d-7e8f9a0b1c02 is not a CA of the state',
      ],
    ],
    [
      "a CA issued by another account's CA",
      (s: EmulatorState) => {
        ca(s, 1).issuer_id = 'd4c3b2a1-0f9e-4d8c-9b7a-6f5e4d3c2b01';
      },
      [
        'emulator.mismatch',
        'huaweicloud.ccm.certificate_authorities.1.issuer_id',
        'the issuer d4c3b2a1-0f9e-4d8c-9b7a-6f5e4d3c2b01 of CA b7e1c0a2-3d4f-4a5b-8c6d-7e8f9a0b1c02 belongs to account 6e2a4b8d0f1c3e5a7b9d1f3a5c7e9b2d, not 5d1f3a9c7e2b4d6f8a0c1e3b5d7f9a1c',
      ],
    ],
    [
      'a subordinate CA that issued itself',
      (s: EmulatorState) => {
        ca(s, 2).issuer_id = ca(s, 2).ca_id;
      },
      [
        'emulator.mismatch',
        'huaweicloud.ccm.certificate_authorities.2.issuer_id',
        'the issuers of CA b7e1c0a2-3d4f-4a5b-8c6d-7e8f9a0b1c03 lead back to it',
      ],
    ],
    [
      'a CCE cluster name used twice in a project',
      (s: EmulatorState) => {
        const clusters = s.huaweicloud?.cce?.clusters ?? [];
        if (clusters[1] !== undefined) clusters[1].name = 'prod-a';
      },
      [
        'emulator.duplicate-id',
        'huaweicloud.cce.clusters.1.name',
        'the cluster name "prod-a" of project 7a1b2c3d4e5f40718293a4b5c6d7e8f9 is listed twice (first at item 0, counting from 0)',
      ],
    ],
    [
      'an ESA site name used twice',
      (s: EmulatorState) => {
        const sites = s.alibabacloud?.esa?.sites ?? [];
        if (sites[2] !== undefined) sites[2].SiteName = 'Example.com';
      },
      [
        'emulator.duplicate-id',
        'alibabacloud.esa.sites.2.SiteName',
        'the site name Example.com is listed twice (first at item 0, counting from 0)',
      ],
    ],
    [
      "an ACK permission on another cluster's namespace",
      (s: EmulatorState) => {
        const user = s.alibabacloud?.ack?.clusters?.[1]?.users?.[0];
        const permission = user?.permissions?.[0];
        if (permission !== undefined) permission.resource_id = 'c2a8a5b8bacb9db57b7cbdf09902d0d18/default';
      },
      [
        'emulator.mismatch',
        'alibabacloud.ack.clusters.1.users.0.permissions.0.resource_id',
        "the permission's resource_id c2a8a5b8bacb9db57b7cbdf09902d0d18/default is not cluster c959b3c5ddf2ef315f5d01f0a9ad7e894, a namespace of it (c959b3c5ddf2ef315f5d01f0a9ad7e894/NAMESPACE) or all-clusters",
      ],
    ],
  ])('finds %s', (_, change, finding) => {
    expect(broken(change)).toEqual([finding]);
  });

  it('finds a loop of issuers at each CA of the loop, and lets a root name itself', () => {
    const findings = broken((s) => {
      ca(s, 0).issuer_id = ca(s, 0).ca_id; // a root that is its own issuer: fine
      ca(s, 9).type = 'SUBORDINATE';
      ca(s, 9).issuer_id = ca(s, 11).ca_id; // Partner Root -> (partner) -> Partner Issuing -> Partner Root
    });
    expect(findings.map(([, path]) => path)).toEqual([
      'huaweicloud.ccm.certificate_authorities.9.issuer_id',
      'huaweicloud.ccm.certificate_authorities.10.issuer_id',
      'huaweicloud.ccm.certificate_authorities.11.issuer_id',
    ]);
  });

  it('refuses a key_state, key_spec or site Status the cloud does not have, by schema', () => {
    const codes = broken((s) => {
      const key = s.huaweicloud?.kms?.keys?.[0] as unknown as Record<string, unknown>;
      key.key_state = '6';
      key.key_spec = 'AES_128';
      const site = s.alibabacloud?.esa?.sites?.[0] as unknown as Record<string, unknown>;
      site.Status = 'deleted';
    }).map(([code, path]) => `${code} ${path}`);
    expect(codes).toEqual([
      'schema.enum huaweicloud.kms.keys.0.key_state',
      'schema.enum huaweicloud.kms.keys.0.key_spec',
      'schema.enum alibabacloud.esa.sites.0.Status',
    ]);
  });
});

describe('the demo seed', () => {
  it('is valid and holds the demo identities of docs/emulator.md', () => {
    const result = readSeedFile(`${repoRoot}plans/examples/emulator-seed.yaml`);
    expect(result.diagnostics).toEqual([]);
    expect(result.state?.identities.map((i) => i.cloud)).toEqual([
      'huaweicloud',
      'huaweicloud',
      'alibabacloud',
    ]);
  });

  it('reads on the fast path: the built-in emulator loads it at every plan of the examples', () => {
    // A value over several lines, an anchor or a tag sends a file to the parser of record, some 60 ms
    // more at every start of the built-in emulator.
    expect(readFast(readFileSync(`${repoRoot}plans/examples/emulator-seed.yaml`, 'utf8')).ok).toBe(true);
  });
});

function captureIo(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (t) => out.push(t), isTTY: false },
    stderr: { write: (t) => err.push(t), isTTY: false },
    cwd: repoRoot,
    env: {},
  };
}

describe('rescind emulator', () => {
  it('prints the URL first, serves until told to stop, and exits 0', async () => {
    const io = captureIo();
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let started: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => {
      started = resolve;
    });
    const code = runEmulator(
      parseCommand(emulatorSpec, [
        '--port',
        '0',
        '--latency-ms',
        '1',
        '--seed',
        '9',
        '--credential-ttl-seconds',
        '20',
        '--oidc-issuer',
        'https://issuer.example',
      ]),
      io,
      {
        wait: () => {
          started(io.out.join('').split('\n')[0] ?? '');
          return stopped;
        },
      },
    );
    const first = await url;
    expect(first).toMatch(/^rescind emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const base = first.replace('rescind emulator listening on ', '');
    expect((await adminCall(base, 'GET', '/_emulator/faults')).json).toMatchObject({ latencyMs: 1, seed: 9 });
    const discovery = await adminCall(base, 'GET', '/.well-known/openid-configuration');
    expect(discovery.json).toMatchObject({ issuer: 'https://issuer.example' });
    const minted = await adminCall(base, 'POST', '/_emulator/oidc/token', { sub: 's', aud: 'a' });
    expect(minted.json).toMatchObject({ token: expect.any(String) });
    const ca = await callHuawei(base, {
      method: 'GET',
      path: '/v1/private-certificate-authorities/6434f74f-2d13-4e6a-89eb-93ee313f1a43',
      domainId: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    });
    expect(ca.status).toBe(200);
    stop();
    expect(await code).toBe(0);
  });

  it('reports a malformed seed like a plan and exits 1', async () => {
    const result = await runCli(['emulator', '--state', 'test/fixtures/emulator/bad-yaml.yaml'], repoRoot);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'test/fixtures/emulator/bad-yaml.yaml:5:1: error yaml.syntax: flow map in block collection must be sufficiently indented and end with a }\n',
    );
    const missing = await runCli(['emulator', '--state', 'nope.yaml'], repoRoot);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      'nope.yaml: error file.not-found: nope.yaml does not exist\n',
    ]);
  });

  it.each([
    [['--port', 'abc'], '--port must be a whole number from 0 to 65535, not "abc"'],
    [['--error-rate', '2'], '--error-rate must be a number from 0 to 1, not "2"'],
    [['--drop-rate=-0.1'], '--drop-rate must be a number from 0 to 1, not "-0.1"'],
    [['--throttle-rps', 'fast'], '--throttle-rps must be a number from 0 to 1000000, not "fast"'],
    [['--latency-ms', '1.5'], '--latency-ms must be a whole number from 0 to 600000, not "1.5"'],
    [['--seed', 'x'], '--seed must be a whole number from 0 to 4294967295, not "x"'],
    [
      ['--credential-ttl-seconds', '0'],
      '--credential-ttl-seconds must be a whole number from 1 to 86400, not "0"',
    ],
    [
      ['--oidc-issuer', 'ftp://x'],
      '--oidc-issuer must be an http(s) URL without query or fragment, not "ftp://x"',
    ],
    [['--colour'], 'unknown option --colour'],
    [['extra'], 'too many arguments'],
  ])('refuses bad flags %j with a usage error', async (argv, message) => {
    const result = await runCli(['emulator', ...argv], repoRoot);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`rescind emulator: ${message}`);
  });
});
