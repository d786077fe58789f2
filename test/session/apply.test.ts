// apply reports from memory: the report it returns is built from what it journaled as it went, not read
// back from the run's folder (at 50,000 targets that was ~93 MB read again); and it is the very report
// `show RUN` reads from that folder later. A plan file applied is kept as reviewed, sealed; a saved plan
// is kept as the bytes that were checked.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { digestOf } from '../../src/plan/model.js';
import { savedPlanText } from '../../src/plan/saved.js';
import { createSession } from '../../src/session/session.js';
import { repoRoot } from '../helpers/paths.js';
import { builtinConfig, type Workspace, workspace } from '../helpers/plan.js';

let ws: Workspace | undefined;
afterEach(() => ws?.close());

it('reports a whole run even when its folder is taken away while it runs, and show reads the same report', async () => {
  ws = workspace(builtinConfig, { 'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml') });
  const dir = ws.dir;
  const session = createSession({ cwd: dir, env: {} });
  try {
    const prepared = await session.prepareApply('offboard.yaml');
    if (prepared.plan === undefined) throw new Error(JSON.stringify(prepared.diagnostics));
    let moved = '';
    const applied = await session.apply(
      { ...prepared, plan: prepared.plan },
      {
        // Once the run's folder and journal exist, the folder is moved: the journal's open file still
        // takes every line, and anything that read the folder back would find no run there.
        onStart: (runId) => {
          moved = join(dir, '.rescind', `moved-${runId}`);
          renameSync(join(dir, '.rescind', 'runs', runId), moved);
        },
      },
    );
    expect(applied.diagnostics).toEqual([]);
    const report = applied.report;
    expect(report?.status).toBe('done');
    expect(report?.summary).toMatchObject({ verified: 6, alreadyRevoked: 2, appliedNotObservable: 1 });
    expect(existsSync(join(dir, '.rescind', 'runs', report?.runId ?? ''))).toBe(false);

    // Put back, the folder holds what the report says, line for line.
    renameSync(moved, join(dir, '.rescind', 'runs', report?.runId ?? ''));
    const shown = await session.show(report?.runId ?? '');
    expect(shown.report).toEqual(report);
  } finally {
    await session.close();
  }
});

it('keeps a plan file applied as it was reviewed: sealed, even when asked for the unsealed fresh form', async () => {
  ws = workspace(builtinConfig, { 'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml') });
  const session = createSession({ cwd: ws.dir, env: {} });
  try {
    // sealed: false is how apply makes its own fresh plan of a saved plan; a plan file is reviewed as is.
    const prepared = await session.prepareApply('offboard.yaml', { sealed: false });
    const reviewed = prepared.reviewed;
    if (reviewed === undefined) throw new Error(JSON.stringify(prepared.diagnostics));
    const { digest, ...content } = reviewed;
    expect(digest).toBe(digestOf(content));
  } finally {
    await session.close();
  }
});

it("keeps a saved plan's own bytes in the run's folder, and writes the plan again when the file changed", async () => {
  ws = workspace(builtinConfig, { 'offboard.yaml': join(repoRoot, 'plans/examples/offboard-alice.yaml') });
  const dir = ws.dir;
  const session = createSession({ cwd: dir, env: {} });
  try {
    const planned = await session.plan('offboard.yaml');
    if (planned.plan === undefined) throw new Error(JSON.stringify(planned.diagnostics));
    // Not the layout rescind writes: the same plan, the same digest, on one line.
    const compact = JSON.stringify(planned.plan);
    writeFileSync(join(dir, 'saved.json'), compact);
    const runPlan = async (change?: () => void): Promise<string> => {
      const prepared = await session.prepareApply('saved.json');
      if (prepared.plan === undefined) throw new Error(JSON.stringify(prepared.diagnostics));
      change?.();
      const applied = await session.apply({ ...prepared, plan: prepared.plan });
      expect(applied.diagnostics).toEqual([]);
      return readFileSync(join(dir, '.rescind', 'runs', applied.report?.runId ?? '', 'plan.json'), 'utf8');
    };
    expect(await runPlan()).toBe(compact);
    // Changed after it was checked: the run keeps the plan that was checked, written again.
    expect(await runPlan(() => writeFileSync(join(dir, 'saved.json'), `${compact} `))).toBe(
      savedPlanText(planned.plan),
    );
  } finally {
    await session.close();
  }
});
