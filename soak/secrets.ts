// Scenario 4, secrets: the other scenarios scan what they produce for the demo secrets they run with
// (soak/scan.ts). This one runs with secrets made to be hard to redact (every character a URL, a form,
// JSON or base64 treats specially), accepted by the cloud and refused by it, under faults (so that
// errors, retries and dropped connections print what they print), through the CLI (plan, apply, show)
// and through a session with debug logging on (SessionOptions.logger: every request and answer line).
// Every output, journal, saved plan and log line is then searched for every form of every secret:
// zero hits. The scanner first proves it finds each form when one is planted.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../src/emulator/server.js';
import { createSession } from '../src/session/session.js';
import { adminCall, demo, demoIdentities } from '../test/helpers/emulator-client.js';
import { fleetPlan, fleetSeed } from '../test/helpers/fleet.js';
import { endpointConfig } from '../test/helpers/plan.js';
import { secretForms } from '../test/helpers/secret-forms.js';
import { type Child, fleetSplit, type ScenarioResult, seconds, setFaults, spawnRescind } from './lib.js';
import { CAMPAIGN_SECRETS, Scanner } from './scan.js';

/** SecretsOptions size the scenario. */
export interface SecretsOptions {
  targets: number;
  seed: number;
}

// Printable ASCII without spaces (what rescind accepts in a credential variable), and every character
// that an encoding changes: / + = & % " \ ? # : @ ' ! * ( ) ~ and a `--` that base64 might produce.
const ACCEPTED = {
  huawei: 'Soak/hw+Secret=&%"\\?#:@1',
  alibaba: "Soak/ali+Secret=&%'!*()~2",
};
const REFUSED = {
  huawei: 'Wrong/hw+Secret=&%"\\?#:@3',
  huaweiToken: 'Soak-hw-security-token/+=&%4',
  alibaba: "Wrong/ali+Secret=&%'!*()~5",
  alibabaToken: 'Soak-ali-sts-token/+=&%6',
};

/** secretsScenario runs the scenario; see the top of this file. */
export async function secretsScenario(o: SecretsOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const violations: string[] = [];
  const secrets: Record<string, string> = {
    ...CAMPAIGN_SECRETS,
    'accepted huawei secret': ACCEPTED.huawei,
    'accepted alibaba secret': ACCEPTED.alibaba,
    'refused huawei secret': REFUSED.huawei,
    'huawei security token': REFUSED.huaweiToken,
    'refused alibaba secret': REFUSED.alibaba,
    'alibaba security token': REFUSED.alibabaToken,
  };
  const scanner = new Scanner(secrets);

  // The scanner finds every form of every secret, planted in the middle of other text.
  const probe = new Scanner(secrets);
  let planted = 0;
  for (const secret of Object.values(secrets)) {
    for (const form of secretForms(secret)) {
      planted++;
      const before = probe.report.hits.length;
      probe.text('probe', `a line of output (${form}) and more`);
      if (probe.report.hits.length === before)
        violations.push(`the scanner misses a planted form ${JSON.stringify(form)}`);
    }
  }

  // The cloud holds the accepted secrets; the demo identities' keys are replaced.
  const size = fleetSplit(o.targets);
  const state = fleetSeed(size);
  state.identities = [
    { ...demoIdentities.huaweicloud, secretKey: ACCEPTED.huawei },
    { ...demoIdentities.alibabacloud, accessKeySecret: ACCEPTED.alibaba },
  ];
  const emulator = await startEmulator({ state, latencyMs: 1, seed: o.seed });
  const dir = mkdtempSync(join(tmpdir(), 'rescind-soak-secrets-'));
  const children: Child[] = [];
  const logLines: string[] = [];
  const results: unknown[] = [];
  let sessionVerified = 0;
  try {
    writeFileSync(join(dir, 'rescind.config.yaml'), endpointConfig(emulator.url));
    writeFileSync(join(dir, 'plan.yaml'), fleetPlan(size, 'secrets'));
    const accepted = {
      HUAWEICLOUD_SDK_AK: demo.huawei.accessKey,
      HUAWEICLOUD_SDK_SK: ACCEPTED.huawei,
      ALIBABA_CLOUD_ACCESS_KEY_ID: demo.alibaba.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: ACCEPTED.alibaba,
    };
    const refused = {
      HUAWEICLOUD_SDK_AK: demo.huawei.accessKey,
      HUAWEICLOUD_SDK_SK: REFUSED.huawei,
      HUAWEICLOUD_SDK_SECURITY_TOKEN: REFUSED.huaweiToken,
      ALIBABA_CLOUD_ACCESS_KEY_ID: demo.alibaba.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: REFUSED.alibaba,
      ALIBABA_CLOUD_SECURITY_TOKEN: REFUSED.alibabaToken,
    };
    const rescind = async (args: readonly string[], env: Record<string, string>) => {
      const child = spawnRescind(dir, args, env);
      children.push(child);
      await child.exited;
      return child;
    };

    // The CLI refused: signature errors, which some clouds answer with the canonical request.
    const refusedPlan = await rescind(['plan', 'plan.yaml'], refused);
    if (
      !/APIGW\.0301|SignatureDoesNotMatch|IncompleteSignature|InvalidAccessKeyId/.test(refusedPlan.stderr())
    ) {
      violations.push(
        `a plan with refused credentials did not print the cloud's refusal: ${refusedPlan.stderr().slice(-300)}`,
      );
    }
    await rescind(['apply', '--yes', 'plan.yaml'], refused);

    // The CLI accepted, under faults: plan, save, show, apply (text and JSON), show the run.
    await rescind(['plan', '--out', 'plan.json', 'plan.yaml'], accepted);
    await rescind(['show', '--format', 'markdown', 'plan.json'], accepted);
    await setFaults(emulator.url, { errorRate: 0.3, dropRate: 0.1, seed: o.seed });
    const applied = await rescind(['apply', '--yes', '--format', 'json', 'plan.json'], accepted);
    const runId = /"runId": "([^"]+)"/.exec(applied.stdout())?.[1];
    if (runId !== undefined) await rescind(['show', runId], accepted);

    // A session with debug logging, refused then accepted, under the same faults, on the cloud as it
    // was: every target to revoke again.
    await adminCall(emulator.url, 'POST', '/_emulator/reset');
    for (const env of [refused, accepted]) {
      const session = createSession({
        cwd: dir,
        env,
        logger: (line) => logLines.push(line),
        http: { sleep: async () => {}, retry: { maxAttempts: 4 } },
      });
      try {
        const planned = await session.plan('plan.yaml');
        results.push(planned.diagnostics);
        const prepared = await session.prepareApply('plan.json');
        results.push(prepared.diagnostics);
        if (prepared.plan !== undefined) {
          const run = await session.apply(
            { ...prepared, plan: prepared.plan },
            { backoffMs: 1, sleep: async () => {} },
          );
          results.push(run);
          sessionVerified += run.results?.targets.filter((t) => t.outcome === 'verified').length ?? 0;
        }
      } finally {
        await session.close();
      }
    }
    if (sessionVerified === 0) violations.push('the logging session revoked nothing: its apply did not run');
    if (logLines.length === 0) violations.push('the session logged nothing: the scan read no debug line');
    if (!logLines.some((l) => /^http < (4\d\d|5\d\d)/.test(l))) {
      violations.push('no error answer in the debug log: the scan read no refusal or fault');
    }

    children.forEach((c, i) => {
      scanner.text(`rescind ${i + 1} stdout`, c.stdout());
      scanner.text(`rescind ${i + 1} stderr`, c.stderr());
    });
    scanner.text('debug log', logLines.join('\n'));
    scanner.text('session results', JSON.stringify(results));
    scanner.folder('workspace', dir);
    violations.push(...scanner.report.hits);

    const forms = Object.values(secrets).reduce((n, s) => n + secretForms(s).length, 0);
    const summary =
      `secrets: ${Object.keys(secrets).length} secrets (the demo keys, and keys and tokens full of characters that encodings change, ` +
      `accepted and refused by the cloud, under faults) in ${forms} forms (raw, percent, form, base64, base64url, JSON); ` +
      `${children.length} CLI runs and a debug-logging session (${logLines.length} log lines, ${sessionVerified} targets revoked); ${scanner.line()}; ` +
      `scanner self-check: ${planted} planted forms all found; seed ${o.seed}; ${seconds(Date.now() - started)}`;
    return { summary, violations };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emulator.close();
  }
}
