// rescind runs on the built-in emulator: the recorded runs, newest first, as a table (golden) or as
// JSON (schemas/run-list.schema.json), each with its plan, start, status and counts as its report
// says; a killed run is incomplete, a run that cannot be read is listed as such; no runs is exit 0, a
// runs folder that cannot be read exit 1; --ids feeds the shell completion of show and apply --resume.

import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAjv, SCHEMA_BASE } from '../../src/schema/schemas.js';
import { runCli } from '../helpers/io.js';
import { repoRoot } from '../helpers/paths.js';
import { builtinConfig, type Workspace, workspace } from '../helpers/plan.js';
import { DEMO_ENV } from '../helpers/provider.js';

let ws: Workspace | undefined;
afterEach(() => {
  ws?.close();
  ws = undefined;
});

const cli = (argv: readonly string[]) => {
  if (ws === undefined) throw new Error('no workspace');
  return runCli(argv, ws.dir, DEMO_ENV);
};

// The run folders of a workspace, a killed copy of the first, and one whose plan was edited.
async function threeRuns(): Promise<{ done: string; killed: string; broken: string }> {
  ws = workspace(builtinConfig, { 'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml') });
  const applied = await cli(['apply', '--yes', 'offboard.yaml']);
  expect(applied.code).toBe(0);
  const done = /^run (\S+): journal/m.exec(applied.stderr)?.[1] ?? '';
  const runs = join(ws.dir, '.rescind/runs');
  // Killed after its third line: the ids sort by time, so these are older than the real one.
  const killed = '20200101T000000Z-000001';
  cpSync(join(runs, done), join(runs, killed), { recursive: true });
  const journal = readFileSync(join(runs, killed, 'journal.jsonl'), 'utf8').split('\n');
  writeFileSync(join(runs, killed, 'journal.jsonl'), `${journal.slice(0, 3).join('\n')}\n`);
  const broken = '20200101T000000Z-000002';
  cpSync(join(runs, done), join(runs, broken), { recursive: true });
  const plan = join(runs, broken, 'plan.json');
  writeFileSync(plan, readFileSync(plan, 'utf8').replace('"revoke"', '"already-revoked"'));
  return { done, killed, broken };
}

describe('rescind runs', () => {
  it('lists the runs newest first, with status and counts, and says which cannot be read (golden)', async () => {
    const { done, killed, broken } = await threeRuns();
    const listed = await cli(['runs']);
    expect(listed.code).toBe(0);
    // The real run's id and start change from run to run: placeholders of the same widths.
    const stable = listed.stdout
      .replaceAll(done, 'YYYYMMDDTHHMMSSZ-xxxxxx')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'YYYY-MM-DDTHH:MM:SSZ');
    await expect(stable).toMatchFileSnapshot('../golden/cli/runs.txt');
    const rows = listed.stdout.split('\n').slice(1, 4);
    expect(rows.map((r) => r.split(' ')[0])).toEqual([done, broken, killed]);
    expect(rows[0]).toMatch(
      / done +offboard-alice +6 verified, 2 already revoked, 1 applied \(not observable\)$/,
    );
    expect(rows[2]).toMatch(/ incomplete +offboard-alice +.*not started$/);
    expect(rows[1]).toMatch(/ unreadable +offboard-alice +the saved plan was changed after it was written/);
    // Why the broken one cannot be read, as a warning: the list itself is fine.
    expect(listed.stderr).toMatch(
      new RegExp(`^\\.rescind/runs/${broken}/plan\\.json:\\d+:\\d+: warning plan\\.digest: `, 'm'),
    );

    // The counts are the report's: show RUN says the same.
    const shown = await cli(['show', '--format', 'json', done]);
    const report = JSON.parse(shown.stdout) as { summary: unknown; startedAt: string };
    const json = await cli(['runs', '--format', 'json']);
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as {
      total: number;
      runs: { summary?: unknown; startedAt: string }[];
    };
    const validate = createAjv().getSchema(`${SCHEMA_BASE}run-list.schema.json`);
    expect(validate?.(list), JSON.stringify(validate?.errors)).toBe(true);
    expect(list.total).toBe(3);
    expect(list.runs[0]).toMatchObject({
      summary: report.summary,
      startedAt: report.startedAt,
      status: 'done',
    });

    const ids = await cli(['runs', '--ids']);
    expect(ids.stdout).toBe(`${done}\n${broken}\n${killed}\n`);
  });

  it('--limit lists the newest only, and says how many there are', async () => {
    const { done } = await threeRuns();
    const one = await cli(['runs', '--limit', '1']);
    expect(one.stdout.split('\n')[1]).toMatch(new RegExp(`^${done} `));
    expect(one.stdout).toMatch(/^The newest 1 of 3 runs are shown; --limit 0 lists all\.$/m);
    expect((await cli(['runs', '--ids', '--limit', '2'])).stdout.split('\n')).toHaveLength(3);
  });

  it('exits 0 with no runs', async () => {
    ws = workspace(builtinConfig);
    expect(await cli(['runs'])).toEqual({ code: 0, stdout: 'No runs in .rescind/runs/.\n', stderr: '' });
    const json = JSON.parse((await cli(['runs', '--format', 'json'])).stdout) as unknown;
    expect(json).toEqual({
      apiVersion: 'rescind/v1',
      kind: 'RunList',
      formatVersion: '1',
      total: 0,
      runs: [],
    });
    expect(await cli(['runs', '--ids'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('exits 1 when the runs folder cannot be read, in text and in JSON', async () => {
    ws = workspace(builtinConfig);
    mkdirSync(join(ws.dir, '.rescind'));
    writeFileSync(join(ws.dir, '.rescind/runs'), 'not a folder');
    const text = await cli(['runs']);
    expect(text).toEqual({
      code: 1,
      stdout: '',
      stderr:
        '.rescind/runs: error runs.unreadable: the runs folder .rescind/runs cannot be read (ENOTDIR)\n',
    });
    const json = await cli(['runs', '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'ErrorReport', command: 'runs', exitCode: 1 });
  });
});

describe('completion of run ids', () => {
  // The bash script with a `rescind` on PATH that knows one run, completing the words given.
  function complete(words: string[]): string[] {
    const bin = mkdtempSync(join(tmpdir(), 'rescind-bin-'));
    try {
      writeFileSync(
        join(bin, 'rescind'),
        '#!/bin/sh\n[ "$1 $2" = "runs --ids" ] && echo 20261130T101500Z-3f9a1c\n',
      );
      chmodSync(join(bin, 'rescind'), 0o755);
      const script = spawnSync(process.execPath, [join(repoRoot, 'bin/rescind.js'), 'completion', 'bash'], {
        encoding: 'utf8',
      }).stdout;
      const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _rescind; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const result = spawnSync('bash', ['-c', program], {
        cwd: bin,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
      expect(result.stderr).toBe('');
      return result.stdout.trim().split('\n');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }

  it('offers run ids for show, and for apply after --resume only', () => {
    expect(complete(['rescind', 'show', '2026'])).toEqual(['20261130T101500Z-3f9a1c']);
    expect(complete(['rescind', 'apply', '--resume', '2026'])).toEqual(['20261130T101500Z-3f9a1c']);
    expect(complete(['rescind', 'apply', '2026'])).toEqual(['']);
  });
});
