// Where a command finds its config, and where .rescind/ lives: rescind.config.yaml in the plan's folder
// or above it up to the repository's root, then RESCIND_CONFIG; said when it is not the current
// folder's. Two shells in two folders of one repository share the runs and the lock beside the config.
// validate without any config says that the accounts were not checked.

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit.js';
import { run } from '../../src/cli/main.js';
import { startFleet } from '../helpers/fleet.js';
import { runCli } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';
import { builtinConfig } from '../helpers/plan.js';
import { DEMO_ENV } from '../helpers/provider.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// A repository: .git, the config at its root, a plan two folders down, and a folder to run from.
function repository(): { root: string; plans: string; elsewhere: string } {
  dir = mkdtempSync(join(tmpdir(), 'rescind-discover-'));
  const root = join(dir, 'repo');
  const plans = join(root, 'plans', 'team');
  const elsewhere = join(root, 'tools');
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(plans, { recursive: true });
  mkdirSync(elsewhere, { recursive: true });
  writeFileSync(join(root, 'rescind.config.yaml'), builtinConfig);
  copyFileSync(join(repoRoot, 'plans/examples/huaweicloud.ccm.subordinate-ca.yaml'), join(plans, 'ca.yaml'));
  return { root, plans, elsewhere };
}

describe('config discovery', () => {
  it('finds the config above the plan, says which one, and keeps .rescind/ beside it', async () => {
    const { root, plans, elsewhere } = repository();
    const planned = await runCli(['plan', '--out', 'ca.json', '../plans/team/ca.yaml'], elsewhere, DEMO_ENV);
    expect(planned.stderr).toMatch(/^rescind: using the config \.\.\/rescind\.config\.yaml\n/);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/^Plan: 1 to revoke, 0 already revoked, 0 not observable, 0 blocked\.$/m);
    expect(existsSync(join(root, '.rescind', 'emulator-state.json'))).toBe(true);
    expect(existsSync(join(elsewhere, '.rescind'))).toBe(false);

    // Applied from another folder of the repository: the same runs, and the plan's files found.
    const applied = await runCli(['apply', '--yes', '../../tools/ca.json'], plans, DEMO_ENV);
    expect(applied.stderr).toMatch(/^rescind: using the config \.\.\/\.\.\/rescind\.config\.yaml$/m);
    expect(applied.code).toBe(EXIT.ok);
    expect(readdirSync(join(root, '.rescind', 'runs'))).toHaveLength(1);
    const runs = await runCli(['runs', '--ids'], root, DEMO_ENV);
    expect(runs.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('stops at the repository root, then takes RESCIND_CONFIG, and says when there is none', async () => {
    const { root, elsewhere } = repository();
    rmSync(join(root, 'rescind.config.yaml'));
    // A config above the repository is not the repository's.
    writeFileSync(join(dir, 'rescind.config.yaml'), builtinConfig);
    const none = await runCli(['plan', '../plans/team/ca.yaml'], elsewhere, DEMO_ENV);
    expect(none.code).toBe(EXIT.error);
    expect(none.stderr).toBe(
      'rescind.config.yaml: error config.not-found: no rescind.config.yaml in ../plans/team nor in a folder above it up to .., and RESCIND_CONFIG is not set; pass --config FILE\n',
    );
    writeFileSync(join(root, 'shared.yaml'), builtinConfig);
    const fromEnv = await runCli(['plan', '../plans/team/ca.yaml'], elsewhere, {
      ...DEMO_ENV,
      RESCIND_CONFIG: '../shared.yaml',
    });
    expect(fromEnv.stderr).toMatch(
      /^rescind: using the config \.\.\/shared\.yaml, named by RESCIND_CONFIG\n/,
    );
    expect(fromEnv.code).toBe(0);
  });

  it('validate without any config warns that the accounts were not checked', async () => {
    const { root } = repository();
    rmSync(join(root, 'rescind.config.yaml'));
    const r = await runCli(['validate', 'plans'], root, {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /rescind\.config\.yaml: warning config\.none: no rescind\.config\.yaml in plans nor in a folder above it up to \., and RESCIND_CONFIG is not set: the accounts the plans name were not checked; pass --config FILE to check them/,
    );
  });
});

describe('plan of several files and folders', () => {
  it('plans each plan in turn, leaves configs out, and exits with the worst of them', async () => {
    const { root } = repository();
    copyFileSync(join(repoRoot, 'plans/examples/offboard-alice.yaml'), join(root, 'plans', 'offboard.yaml'));
    const r = await runCli(['plan', '--detailed-exitcode', 'plans', 'rescind.config.yaml'], root, DEMO_ENV);
    expect(r.stdout.match(/^rescind plan /gm)).toHaveLength(2);
    expect(r.stdout.match(/^Plan: /gm)).toHaveLength(2);
    expect(r.code).toBe(EXIT.changes);
    const out = await runCli(['plan', '--out', 'p.json', 'plans'], root, DEMO_ENV);
    expect(out.code).toBe(EXIT.error);
    expect(out.stderr).toMatch(/--out saves one plan, and 2 were found: plan one file/);
  });

  it('reads as many targets at once as spec.concurrency says', async () => {
    const fleet = await startFleet({ sites: 1, certificates: 40 }, { latencyMs: 20 });
    try {
      const text = readFileSync(join(fleet.ws.dir, 'plan.yaml'), 'utf8').replace(
        'spec:\n',
        'spec:\n  concurrency: 2\n',
      );
      writeFileSync(join(fleet.ws.dir, 'plan.yaml'), text);
      // ESA certificates read one by one (GetClientCertificate): at most 2 at once.
      const r = await runCli(['plan', '--quiet', 'plan.yaml'], fleet.ws.dir, DEMO_ENV);
      expect(r.code).toBe(0);
      const stats = await fleet.stats();
      expect(Math.max(...Object.values(stats.maxInFlight))).toBeLessThanOrEqual(2);
    } finally {
      await fleet.close();
    }
  });
});

describe('progress of plan, on stderr', () => {
  it('is one line per phase off a terminal, and nothing with --quiet', async () => {
    const { root } = repository();
    const r = await runCli(['plan', 'plans/team/ca.yaml'], root, DEMO_ENV);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'rescind plan plans/team/ca.yaml: 2 reads in 1 account\nrescind plan plans/team/ca.yaml: reads done; policies next\n',
    );
    const quiet = await runCli(['plan', '--quiet', 'plans/team/ca.yaml'], root, DEMO_ENV);
    expect(quiet.stderr).toBe('');
    const body = (t: string) => t.replace(/ at \S+Z\n/, '\n');
    expect(body(quiet.stdout)).toBe(body(r.stdout));
  });

  it('is a block redrawn in place on a terminal, one line per account and type, cleared before the plan', async () => {
    const { root } = repository();
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['plan', 'plans/team/ca.yaml'], {
      stdout: { write: (t) => void out.push(t), isTTY: false },
      stderr: { write: (t) => void err.push(t), isTTY: true },
      cwd: root,
      env: DEMO_ENV,
    });
    expect(code).toBe(0);
    const shown = err.join('');
    expect(shown).toContain('  hw-prod  huaweicloud.ccm.subordinate-ca: 0/1 read');
    expect(shown).toContain('  hw-prod  identity: 1/1 read');
    // The block is taken back before the plan is printed: the last thing written clears it.
    expect(shown.endsWith('\x1b[2F\x1b[J')).toBe(true);
    expect(out.join('')).not.toContain('\x1b[');
  });
});
