// Every renderer of a run's report, over one report that holds every outcome, an error, a resume and a
// request id: golden files (vitest -u refreshes them). The JSON is held to schemas/apply-report.schema.json.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { view, writeView } from '../../../src/cli/views.js';
import type { ApplyReport } from '../../../src/plan/run.js';
import { MAX_MARKDOWN } from '../../../src/render/plan/markdown.js';
import { renderRunJson } from '../../../src/render/run/json.js';
import { renderRunMarkdown } from '../../../src/render/run/markdown.js';
import { renderRunText } from '../../../src/render/run/text.js';
import { plain } from '../../../src/render/style.js';
import { repoRoot } from '../../helpers/paths.js';

const grant = (n: number) =>
  `hw-prod/kms/0d0466b0-e727-4d9c-b35d-f84bb474a37f/grant/${String(n).repeat(64).slice(0, 64)}`;
const report: ApplyReport = {
  apiVersion: 'rescind/v1',
  kind: 'ApplyReport',
  formatVersion: '2',
  runId: '20261130T101500Z-3f9a1c',
  plan: {
    name: 'offboard-alice',
    file: 'plans/examples/offboard-alice.yaml',
    digest: `sha256:${'a'.repeat(64)}`,
    ticket: 'SEC-2041',
    owner: 'security@example.com',
  },
  startedAt: '2026-11-30T10:15:00.000Z',
  resumedAt: ['2026-11-30T10:20:00.000Z'],
  endedAt: '2026-11-30T10:20:03.000Z',
  status: 'failed',
  callers: {
    'hw-prod': { ids: ['0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f'] },
    'ali-prod': { ids: ['200000000000000001'] },
  },
  targets: [
    {
      address: grant(1),
      type: 'huaweicloud.kms.grant',
      account: 'hw-prod',
      ids: ['alice-kms'],
      outcome: 'verified',
      revokes: 1,
      requestId: '442a12f4e57e4e87b2e84f2bbe24ee08',
      state: 'absent',
      errors: [],
      at: '2026-11-30T10:15:01.000Z',
    },
    {
      address: grant(2),
      type: 'huaweicloud.kms.grant',
      account: 'hw-prod',
      ids: ['alice-kms'],
      outcome: 'verified',
      revokes: 2,
      requestId: '6db4deb061d94982a8dc8d5509eed7a9',
      state: 'absent',
      errors: [],
    },
    {
      address: grant(3),
      type: 'huaweicloud.kms.grant',
      account: 'hw-prod',
      ids: ['alice-kms'],
      outcome: 'already-revoked',
      revokes: 0,
      state: 'absent',
      errors: [],
    },
    {
      address: 'hw-prod/cce/4c1f6a2e-8b3d-11ef-9a1b-0255ac100031/user/537e7a3bd0aa4c2fb2c56c5657fd908f',
      type: 'huaweicloud.cce.cluster-certificate',
      account: 'hw-prod',
      ids: ['alice-cce'],
      outcome: 'applied-not-observable',
      revokes: 1,
      requestId: '6825856424db48338a30d87828d88c81',
      errors: [],
    },
    {
      address: 'ali-prod/esa/1234567890123/client-certificate/3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c',
      type: 'alibabacloud.esa.client-certificate',
      account: 'ali-prod',
      ids: ['alice-esa'],
      outcome: 'failed',
      revokes: 3,
      state: 'active',
      errors: [
        'alibabacloud esa RevokeClientCertificate: HTTP 503 ServiceUnavailable: The request has failed due to a temporary failure of the server. (request id 0BFE9FC2-E5B0-44F0-9505-18CF96423520, 4 attempts)',
      ],
    },
    {
      address: 'ali-prod/esa/1234567890123/client-certificate/4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d',
      type: 'alibabacloud.esa.client-certificate',
      account: 'ali-prod',
      ids: ['alice-esa'],
      outcome: 'drift',
      revokes: 0,
      state: 'active',
      errors: [
        'ali-prod/esa/1234567890123/client-certificate/4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d changed since the plan was made: its record is not the one reviewed; make a new plan',
      ],
    },
    {
      address: 'ali-prod/ack/c5b5e80b0b64a4bf6939d2d8fbbc5abcd/user/276543210987654321',
      type: 'alibabacloud.ack.user-permissions',
      account: 'ali-prod',
      ids: ['alice-ack'],
      outcome: 'interrupted',
      revokes: 1,
      errors: [],
    },
    {
      address: 'ali-prod/ack/c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a/user/276543210987654321',
      type: 'alibabacloud.ack.user-permissions',
      account: 'ali-prod',
      ids: ['alice-ack'],
      outcome: 'not-started',
      revokes: 0,
      errors: [],
    },
  ],
  summary: {
    verified: 2,
    alreadyRevoked: 1,
    appliedNotObservable: 1,
    failed: 1,
    drift: 1,
    absentSincePlan: 0,
    interrupted: 1,
    notStarted: 1,
  },
};

describe("a run's report", () => {
  it('renders as text (golden)', async () => {
    await expect(renderRunText(report)).toMatchFileSnapshot('../../golden/render/run/text.txt');
  });

  it('is written a piece at a time, the same text in writes of at most 64 KiB', () => {
    const many = {
      ...report,
      targets: Array.from({ length: 3000 }, (_, i) => report.targets[i % 5]),
    } as ApplyReport;
    const writes: string[] = [];
    writeView({ write: (t) => writes.push(t), isTTY: false }, 'run', 'text', many, plain);
    expect(writes.length).toBeGreaterThan(2);
    expect(Math.max(...writes.map((w) => w.length))).toBeLessThan(64 * 1024 + 1024);
    expect(writes.join('')).toBe(renderRunText(many));
    expect(writes.join('')).toBe(view('run', 'text', many, plain));
  });

  it('renders as markdown (golden), under the comment limit', async () => {
    const md = renderRunMarkdown(report);
    await expect(md).toMatchFileSnapshot('../../golden/render/run/markdown.md');
    const many = { ...report, targets: Array.from({ length: 3000 }, () => report.targets[4]) } as ApplyReport;
    const long = renderRunMarkdown(many);
    expect(long.length).toBeLessThanOrEqual(MAX_MARKDOWN);
    expect(long).toMatch(/- and \d+ more; `rescind show 20261130T101500Z-3f9a1c --format json` lists all/);
  });

  it('renders as json (golden), valid against the apply-report schema', async () => {
    const json = renderRunJson(report);
    await expect(json).toMatchFileSnapshot('../../golden/render/run/report.json');
    const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas/apply-report.schema.json'), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(JSON.parse(json)), JSON.stringify(validate.errors)).toBe(true);
  });
});
