// Planning for tests: a temporary folder with a config (the demo accounts, on the built-in
// emulator or on an emulator given by URL), a plan file and policies, and a session that makes the
// plan there with a fixed clock.

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createSession } from '../../src/session/session.js';
import type { PlanResult } from '../../src/session/types.js';
import { demo } from './emulator-client.js';
import { DEMO_ENV } from './provider.js';

/** PLAN_TIME is the clock of every plan a test makes: saved plans and renders stay the same. */
export const PLAN_TIME = new Date('2026-11-30T00:00:00.000Z');

/** builtinConfig is a config of the demo accounts on the built-in emulator. */
export const builtinConfig = [
  'apiVersion: rescind/v1',
  'kind: Config',
  'accounts:',
  '  hw-prod: {cloud: huaweicloud, region: ap-southeast-1, emulator: builtin}',
  '  ali-prod: {cloud: alibabacloud, region: cn-hangzhou, emulator: builtin}',
  '',
].join('\n');

/** endpointConfig is a config of the demo accounts on the emulator at url, no client-side rate limit. */
export function endpointConfig(url: string): string {
  return [
    'apiVersion: rescind/v1',
    'kind: Config',
    'accounts:',
    `  hw-prod: {cloud: huaweicloud, region: ap-southeast-1, projectId: ${demo.projectId}, domainId: ${demo.domainId}, endpoint: "${url}", rateLimits: {default: 0}}`,
    `  ali-prod: {cloud: alibabacloud, region: cn-hangzhou, endpoint: "${url}", rateLimits: {default: 0}}`,
    '',
  ].join('\n');
}

/** Workspace is a temporary folder to plan in; close() removes it. */
export interface Workspace {
  dir: string;
  /** plan makes the plan of file (a name in dir), with options of Session.plan. */
  plan(file: string, options?: { policies?: string[]; concurrency?: number }): Promise<PlanResult>;
  close(): void;
}

/** workspace writes config and files (name -> text, or a path to copy) into a new temporary folder. */
export function workspace(config: string, files: Readonly<Record<string, string>> = {}): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'rescind-plan-'));
  writeFileSync(join(dir, 'rescind.config.yaml'), config);
  for (const [name, content] of Object.entries(files)) {
    if (content.startsWith('/')) copyFileSync(content, join(dir, name || basename(content)));
    else writeFileSync(join(dir, name), content);
  }
  return {
    dir,
    plan: async (file, options = {}) => {
      const session = createSession({
        cwd: dir,
        env: DEMO_ENV,
        http: { sleep: async () => {}, retry: { maxAttempts: 2 } },
      });
      try {
        return await session.plan(file, { ...options, now: () => PLAN_TIME });
      } finally {
        await session.close();
      }
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
