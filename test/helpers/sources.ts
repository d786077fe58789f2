// The credential sources of each cloud, set up against an emulator seeded with
// test/fixtures/emulator/credentials.yaml: for each, the account's `credentials` config, the
// environment and files it reads, and who the caller must be. Shared by the sources' tests and the
// end-to-end tests of plan and apply.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialSource } from '../../src/config/config.js';
import { stableId } from '../../src/emulator/huaweicloud/principals.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import type { CallerIdentity } from '../../src/plan/model.js';
import type { Cloud } from '../../src/vocabulary.js';
import { callRpcV1, mint, names } from './credentials.js';

const ali = names.alibaba;
const hw = names.huawei;

/** Prepared is what a source needs: the account's credentials config, variables, and its extra account keys. */
export interface Prepared {
  credentials?: CredentialSource;
  env: Record<string, string>;
}

/** SourceCase is one source of one cloud and the caller its credentials must act as. */
export interface SourceCase {
  /** name is `CLOUD SOURCE`, e.g. `alibabacloud assume-role`. */
  name: string;
  cloud: Cloud;
  /** prepare writes what the source reads into dir (a home folder too) and mints its tokens. */
  prepare(em: RunningEmulator, dir: string): Promise<Prepared>;
  /** caller is who whoami must find. */
  caller: CallerIdentity;
}

/** GITHUB_SUBJECT is the subject of the fake GitHub endpoint's tokens in the credentials seed. */
export const GITHUB_SUBJECT = 'repo:rescind-dev/rescind:ref:refs/heads/main';

/** FEDERATED_USER is the ID IAM gives the federated user of the seed's GitHub identity provider. */
export const FEDERATED_USER = stableId(hw.domainId, hw.idp, 'github-rescind-dev');

const githubEnv = (em: RunningEmulator) => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: `${em.url}/_emulator/github/token?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: names.githubRequestToken,
});

const aliUser: CallerIdentity = {
  ids: ['200000000000000001'],
  roots: [ali.account],
  kind: 'user',
  name: 'acs:ram::1000000000000001:user/200000000000000001',
};
const ciRole = (session: string, from?: CallerIdentity['assumedFrom']): CallerIdentity => ({
  ids: [ali.ciRoleId, `${ali.ciRoleId}:${session}`],
  roots: [ali.account],
  kind: 'role',
  name: `acs:ram::1000000000000001:assumed-role/rescind-ci/${session}`,
  ...(from === undefined ? {} : { assumedFrom: from }),
});
const hwUser: CallerIdentity = { ids: [hw.userId], roots: [hw.domainId], kind: 'user' };
const federated: CallerIdentity = {
  ids: [FEDERATED_USER],
  roots: [hw.domainId],
  kind: 'federated-user',
  name: 'github-rescind-dev',
};

/** sourceCases are the seven sources of each cloud (env static, env token, profile, metadata, assume, OIDC file, OIDC GitHub). */
export const sourceCases: readonly SourceCase[] = [
  {
    name: 'alibabacloud env static',
    cloud: 'alibabacloud',
    prepare: async () => ({
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: ali.user.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: ali.user.accessKeySecret,
      },
    }),
    caller: aliUser,
  },
  {
    name: 'alibabacloud env token',
    cloud: 'alibabacloud',
    prepare: async (em) => {
      const assumed = await callRpcV1(
        em.url,
        'AssumeRole',
        '2015-04-01',
        { RoleArn: ali.ciRole, RoleSessionName: 'env-token' },
        { credentials: ali.user },
      );
      const c = (assumed.json as { Credentials: Record<string, string> }).Credentials;
      return {
        env: {
          ALIBABA_CLOUD_ACCESS_KEY_ID: c.AccessKeyId as string,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: c.AccessKeySecret as string,
          ALIBABA_CLOUD_SECURITY_TOKEN: c.SecurityToken as string,
        },
      };
    },
    caller: ciRole('env-token'),
  },
  {
    name: 'alibabacloud profile',
    cloud: 'alibabacloud',
    prepare: async (_em, dir) => {
      mkdirSync(join(dir, '.aliyun'), { recursive: true });
      writeFileSync(
        join(dir, '.aliyun', 'config.json'),
        JSON.stringify({
          current: 'ci',
          profiles: [
            { name: 'default', mode: 'AK', access_key_id: 'NOTTHISONE', access_key_secret: 'not-this-one' },
            {
              name: 'ci',
              mode: 'RamRoleArn',
              access_key_id: ali.user.accessKeyId,
              access_key_secret: ali.user.accessKeySecret,
              ram_role_arn: ali.ciRole,
              ram_session_name: 'cli-profile',
            },
          ],
        }),
      );
      return { env: { HOME: dir } };
    },
    caller: ciRole('cli-profile', {
      kind: 'user',
      ids: ['200000000000000001'],
      name: 'acs:ram::1000000000000001:user/200000000000000001',
    }),
  },
  {
    name: 'alibabacloud metadata',
    cloud: 'alibabacloud',
    prepare: async (em) => ({ credentials: { source: 'metadata', url: em.url }, env: {} }),
    caller: {
      ids: [ali.ecsRoleId, `${ali.ecsRoleId}:i-rescindtest0001`],
      roots: [ali.account],
      kind: 'role',
      name: 'acs:ram::1000000000000001:assumed-role/rescind-ecs/i-rescindtest0001',
    },
  },
  {
    name: 'alibabacloud assume-role',
    cloud: 'alibabacloud',
    prepare: async () => ({
      credentials: { source: 'assume-role', roleArn: ali.ciRole, base: { source: 'environment' } },
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: ali.user.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: ali.user.accessKeySecret,
      },
    }),
    caller: ciRole('rescind-ali', {
      kind: 'user',
      ids: ['200000000000000001'],
      name: 'acs:ram::1000000000000001:user/200000000000000001',
    }),
  },
  {
    name: 'alibabacloud oidc file',
    cloud: 'alibabacloud',
    prepare: async (em, dir) => {
      const token = await mint(em.url, { sub: GITHUB_SUBJECT, aud: ali.audience });
      writeFileSync(join(dir, 'ali-token'), token);
      return {
        credentials: {
          source: 'oidc',
          roleArn: ali.ciRole,
          oidcProviderArn: ali.provider,
          token: { file: join(dir, 'ali-token') },
        },
        env: {},
      };
    },
    caller: ciRole('rescind-ali', { kind: 'oidc-subject', ids: [], name: GITHUB_SUBJECT }),
  },
  {
    name: 'alibabacloud oidc github',
    cloud: 'alibabacloud',
    prepare: async (em) => ({
      credentials: {
        source: 'oidc',
        roleArn: ali.ciRole,
        oidcProviderArn: ali.provider,
        roleSessionName: 'github-actions',
        token: { githubActions: { audience: ali.audience } },
      },
      env: githubEnv(em),
    }),
    caller: ciRole('github-actions', { kind: 'oidc-subject', ids: [], name: GITHUB_SUBJECT }),
  },
  {
    name: 'huaweicloud env static',
    cloud: 'huaweicloud',
    prepare: async () => ({
      env: { HUAWEICLOUD_SDK_AK: hw.user.accessKey, HUAWEICLOUD_SDK_SK: hw.user.secretKey },
    }),
    caller: hwUser,
  },
  {
    name: 'huaweicloud env token',
    cloud: 'huaweicloud',
    prepare: async () => ({
      credentials: { authTokenEnv: 'RESCIND_TEST_IAM_TOKEN' },
      env: { RESCIND_TEST_IAM_TOKEN: hw.token },
    }),
    caller: { ...hwUser, name: 'rescind-demo' },
  },
  {
    name: 'huaweicloud profile',
    cloud: 'huaweicloud',
    prepare: async (_em, dir) => {
      mkdirSync(join(dir, '.huaweicloud'), { recursive: true });
      writeFileSync(
        join(dir, '.huaweicloud', 'credentials'),
        `[basic]\nak = ${hw.user.accessKey}\nsk = ${hw.user.secretKey}\n`,
      );
      return { env: { HOME: dir } };
    },
    caller: hwUser,
  },
  {
    name: 'huaweicloud metadata',
    cloud: 'huaweicloud',
    prepare: async (em) => ({ credentials: { source: 'metadata', url: em.url }, env: {} }),
    caller: {
      ids: [hw.ecsAgencyId],
      roots: [hw.domainId],
      kind: 'agency',
      name: 'rescind-ecs',
      assumedFrom: {
        kind: 'instance',
        ids: ['6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f'],
        name: 'rescind-runner',
      },
    },
  },
  {
    name: 'huaweicloud agency',
    cloud: 'huaweicloud',
    prepare: async () => ({
      credentials: { source: 'agency', agencyName: hw.agency, base: { source: 'environment' } },
      env: { HUAWEICLOUD_SDK_AK: hw.user.accessKey, HUAWEICLOUD_SDK_SK: hw.user.secretKey },
    }),
    caller: {
      ids: [hw.agencyId],
      roots: [hw.domainId],
      kind: 'agency',
      name: `${hw.domainName}/${hw.agency}`,
      assumedFrom: { kind: 'user', ids: [hw.userId], name: 'rescind-demo' },
    },
  },
  {
    name: 'huaweicloud oidc file',
    cloud: 'huaweicloud',
    prepare: async (em, dir) => {
      const token = await mint(em.url, {
        sub: GITHUB_SUBJECT,
        aud: hw.audience,
        claims: { repository_owner: 'rescind-dev', repository: 'rescind-dev/rescind' },
      });
      writeFileSync(join(dir, 'hw-token'), token);
      return {
        credentials: { source: 'oidc', idpId: hw.idp, token: { file: join(dir, 'hw-token') } },
        env: {},
      };
    },
    caller: federated,
  },
  {
    name: 'huaweicloud oidc github',
    cloud: 'huaweicloud',
    prepare: async (em) => ({
      credentials: { source: 'oidc', idpId: hw.idp, token: { githubActions: { audience: hw.audience } } },
      env: githubEnv(em),
    }),
    caller: federated,
  },
];
