// The action's metadata and the example workflow against GitHub's schemas, with action-validator:
// both pass, and a copy with a key GitHub does not know fails, so the check can fail.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const validator = fileURLToPath(import.meta.resolve('@action-validator/cli/cli.mjs'));
const tmp = mkdtempSync(join(tmpdir(), 'rescind-action-validator-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// action-validator checks a file named action.yml or action.yaml as an action, any other as a workflow.
function validate(file: string) {
  const result = spawnSync(process.execPath, [validator, file], { cwd: repoRoot, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('action-validator', () => {
  it.each(['action.yml', 'examples/github/rescind.yml'])('%s is valid', (file) => {
    const out = validate(file);
    expect(out.stdout).toBe('');
    expect(out.code).toBe(0);
  });

  it('fails an action.yml, and a workflow, with a key GitHub does not know', () => {
    const action = join(tmp, 'action.yml');
    writeFileSync(action, `${readFileSync(join(repoRoot, 'action.yml'), 'utf8')}\nbogus: true\n`);
    const badAction = validate(action);
    expect(badAction.code).toBe(1);
    expect(badAction.stderr).toContain("Additional property 'bogus' is not allowed");

    const workflow = join(tmp, 'rescind.yml');
    const example = readFileSync(join(repoRoot, 'examples/github/rescind.yml'), 'utf8');
    writeFileSync(workflow, example.replace('runs-on: ubuntu-latest', 'runs-onn: ubuntu-latest'));
    const badWorkflow = validate(workflow);
    expect(badWorkflow.code).toBe(1);
    expect(badWorkflow.stderr).toContain("Additional property 'runs-onn' is not allowed");
  });
});
