// Every command's --help (golden files): usage, what it does, each option with its allowed values and
// default, the environment it reads, and two examples.

import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-list.js';
import { runCli } from '../helpers/io.js';

// Every command rescind --help lists: a new command gets its golden file too.
const commands = Object.keys(COMMANDS);

describe('--help', () => {
  it.each(commands)('rescind %s --help (golden)', async (command) => {
    const out = await runCli([command, '--help'], process.cwd());
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /\nEnvironment:\n[\s\S]*NO_COLOR[\s\S]*\nExamples:\n {2}rescind .*\n {2}rescind .*\n$/,
    );
    await expect(out.stdout).toMatchFileSnapshot(`../golden/help/${command}.txt`);
  });

  it('rescind --help lists every command and the global options (golden)', async () => {
    const out = await runCli(['--help'], process.cwd());
    await expect(out.stdout).toMatchFileSnapshot('../golden/help/rescind.txt');
    for (const command of commands) expect(out.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
  });
});
