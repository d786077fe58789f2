// The clouds' profile files. Alibaba: the CLI's `~/.aliyun/config.json`, a profile of each mode the CLI
// writes that a non-interactive run can use (AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole,
// OIDC), as @alicloud/credentials reads them. Huawei: the SDKs' `~/.huaweicloud/credentials` (or
// HUAWEICLOUD_SDK_CREDENTIALS_FILE), an INI file whose `[basic]` section (or another) holds ak, sk,
// security_token, project_id, domain_id, or idp_id and id_token_file for OIDC federation.

import { dirname } from 'node:path';
import { filePath, MAX_PROFILE_FILE_BYTES, readTextFile } from './files.js';
import type { Spec } from './spec.js';
import type { SourceContext } from './types.js';

/** ProfileSpec is a profile's source, nothing to read (absent, and why), or a broken profile. */
export type ProfileSpec = { spec: Spec } | { absent: string } | { error: string };

/** MAX_PROFILE_CHAIN bounds `source_profile` links, so that a cycle ends. */
const MAX_PROFILE_CHAIN = 5;

/** ALIBABA_PROFILE_FILE is where the Alibaba Cloud CLI keeps its profiles. */
export const ALIBABA_PROFILE_FILE = '~/.aliyun/config.json';
/** HUAWEI_PROFILE_FILE is where the Huawei Cloud SDKs read credentials; HUAWEICLOUD_SDK_CREDENTIALS_FILE moves it. */
export const HUAWEI_PROFILE_FILE = '~/.huaweicloud/credentials';

/**
 * alibabaProfile reads a profile of the Alibaba Cloud CLI's config. Not explicit (the default chain): a
 * missing file, or ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true, is absent.
 */
export function alibabaProfile(
  ctx: SourceContext,
  name: string | undefined,
  file: string | undefined,
  explicit: boolean,
): ProfileSpec {
  if (!explicit && ctx.env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED?.toLowerCase() === 'true') {
    return { absent: 'ALIBABA_CLOUD_CLI_PROFILE_DISABLED is true' };
  }
  const path = filePath(file ?? ALIBABA_PROFILE_FILE, ctx, ctx.configDir);
  const read = readTextFile(path, 'Alibaba Cloud CLI config', MAX_PROFILE_FILE_BYTES);
  if ('error' in read)
    return !explicit && read.error.endsWith('does not exist') ? { absent: read.error } : read;
  let conf: unknown;
  try {
    conf = JSON.parse(read.text);
  } catch {
    return { error: `the Alibaba Cloud CLI config ${path} is not JSON` };
  }
  const profiles = isObject(conf) && Array.isArray(conf.profiles) ? conf.profiles.filter(isObject) : [];
  const wanted =
    name ??
    ctx.env.ALIBABA_CLOUD_PROFILE ??
    (isObject(conf) && typeof conf.current === 'string' ? conf.current : 'default');
  const find = (n: string) => profiles.find((p) => p.name === n);
  const build = (n: string, depth: number): ProfileSpec => {
    const p = find(n);
    if (p === undefined)
      return { error: `the Alibaba Cloud CLI config ${path} has no profile ${JSON.stringify(n)}` };
    const str = (k: string) => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : undefined);
    const num = (k: string) => {
      const v = p[k];
      return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
    };
    const describe = `the profile ${n} of ${path}`;
    const keys = (): Spec | { error: string } => {
      const id = str('access_key_id');
      const secret = str('access_key_secret');
      if (id === undefined || secret === undefined) {
        return { error: `${describe} has no access_key_id and access_key_secret` };
      }
      return {
        source: 'static',
        describe,
        credentials: {
          cloud: 'alibabacloud',
          kind: 'access-key',
          accessKeyId: id,
          accessKeySecret: secret,
          ...(p.mode === 'StsToken' && str('sts_token') !== undefined
            ? { securityToken: str('sts_token') as string }
            : {}),
        },
      };
    };
    const role = (base: Spec): ProfileSpec => {
      const roleArn = str('ram_role_arn');
      if (roleArn === undefined) return { error: `${describe} has no ram_role_arn` };
      return {
        spec: {
          source: 'assume-role',
          settings: {
            roleArn,
            ...(str('ram_session_name') === undefined
              ? {}
              : { roleSessionName: str('ram_session_name') as string }),
            ...(num('expired_seconds') === undefined
              ? {}
              : { durationSeconds: num('expired_seconds') as number }),
          },
          base,
        },
      };
    };
    switch (p.mode) {
      case 'AK':
      case 'StsToken': {
        const spec = keys();
        return 'error' in spec ? spec : { spec };
      }
      case 'RamRoleArn': {
        const base = keys();
        return 'error' in base ? base : role(base);
      }
      case 'ChainableRamRoleArn': {
        const source = str('source_profile');
        if (source === undefined) return { error: `${describe} has no source_profile` };
        if (depth >= MAX_PROFILE_CHAIN)
          return { error: `${describe} chains more than ${MAX_PROFILE_CHAIN} profiles` };
        const base = build(source, depth + 1);
        return 'spec' in base ? role(base.spec) : base;
      }
      case 'EcsRamRole':
        return {
          spec: {
            source: 'metadata',
            ...(str('ram_role_name') === undefined ? {} : { roleName: str('ram_role_name') as string }),
          },
        };
      case 'OIDC': {
        const roleArn = str('ram_role_arn');
        const provider = str('oidc_provider_arn');
        const tokenFile = str('oidc_token_file');
        if (roleArn === undefined || provider === undefined || tokenFile === undefined) {
          return { error: `${describe} needs ram_role_arn, oidc_provider_arn and oidc_token_file` };
        }
        return {
          spec: {
            source: 'oidc-alibaba',
            roleArn,
            oidcProviderArn: provider,
            ...(str('ram_session_name') === undefined
              ? {}
              : { roleSessionName: str('ram_session_name') as string }),
            ...(num('duration_seconds') === undefined
              ? {}
              : { durationSeconds: num('duration_seconds') as number }),
            token: { file: tokenFile },
            base: dirname(path),
          },
        };
      }
      default:
        return {
          error: `${describe} has mode ${JSON.stringify(p.mode ?? null)}, which rescind does not read (AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole and OIDC are read)`,
        };
    }
  };
  return build(wanted, 0);
}

/**
 * huaweiProfile reads a section of the Huawei Cloud SDKs' credentials file: `[basic]` by default, else
 * `[global]`. Not explicit (the default chain): a missing file is absent.
 */
export function huaweiProfile(
  ctx: SourceContext,
  name: string | undefined,
  file: string | undefined,
  explicit: boolean,
): ProfileSpec {
  const path = filePath(
    file ?? ctx.env.HUAWEICLOUD_SDK_CREDENTIALS_FILE ?? HUAWEI_PROFILE_FILE,
    ctx,
    file === undefined ? ctx.cwd : ctx.configDir,
  );
  const read = readTextFile(path, 'Huawei Cloud credentials file', MAX_PROFILE_FILE_BYTES);
  if ('error' in read)
    return !explicit && read.error.endsWith('does not exist') ? { absent: read.error } : read;
  const sections = parseIni(read.text);
  const section = name ?? (sections.has('basic') ? 'basic' : 'global');
  const values = sections.get(section);
  const describe = `the section [${section}] of ${path}`;
  if (values === undefined)
    return { error: `the Huawei Cloud credentials file ${path} has no section [${section}]` };
  const get = (k: string) => {
    const v = values.get(k)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const projectId = get('project_id');
  const domainId = get('domain_id');
  const scope = {
    ...(projectId === undefined ? {} : { projectId }),
    ...(domainId === undefined ? {} : { domainId }),
  };
  const idp = get('idp_id');
  const idTokenFile = get('id_token_file');
  if (idp !== undefined && idTokenFile !== undefined) {
    return { spec: { source: 'oidc-huawei', idpId: idp, token: { file: idTokenFile }, base: dirname(path) } };
  }
  const ak = get('ak');
  const sk = get('sk');
  if (ak === undefined || sk === undefined) {
    return { error: `${describe} has neither ak and sk nor idp_id and id_token_file` };
  }
  if (![ak, sk, get('security_token') ?? 'x'].every((v) => /^[\x21-\x7e]+$/.test(v))) {
    return { error: `${describe} holds a value with a character that is not printable ASCII` };
  }
  const token = get('security_token');
  return {
    spec: {
      source: 'static',
      describe,
      credentials: {
        cloud: 'huaweicloud',
        kind: 'aksk',
        accessKey: ak,
        secretKey: sk,
        ...(token === undefined ? {} : { securityToken: token }),
      },
      scope,
    },
  };
}

// INI as the SDKs read it: `[section]`, `key = value`, `;` and `#` comments; names are case-sensitive.
function parseIni(textValue: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of textValue.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header !== null) {
      const name = (header[1] as string).trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || current === undefined) continue;
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
