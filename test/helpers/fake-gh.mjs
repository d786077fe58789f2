#!/usr/bin/env node
// A stand-in for GitHub's `gh` command, for the action's scripts: it answers `gh api` with canned JSON
// by method and path, copies a folder for `gh run download`, and records every call. Routes and calls
// live in the folder FAKE_GH_DIR: routes.json maps "METHOD PATH" (the path as the script passed it)
// to {"json": VALUE} or {"error": "MESSAGE"}, and "download RUN NAME" to {"dir": FOLDER};
// calls.jsonl gets one JSON array of arguments per call. A write (POST, PATCH) answers {}.

import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.FAKE_GH_DIR;
if (!dir) {
  process.stderr.write('fake gh: FAKE_GH_DIR is not set\n');
  process.exit(1);
}
const args = process.argv.slice(2);
appendFileSync(join(dir, 'calls.jsonl'), `${JSON.stringify(args)}\n`);
const routes = JSON.parse(readFileSync(join(dir, 'routes.json'), 'utf8'));

function option(name) {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

function answer(key) {
  const route = Object.hasOwn(routes, key) ? routes[key] : undefined;
  if (route === undefined || route.error !== undefined) {
    process.stderr.write(`gh: ${route?.error ?? 'Not Found (HTTP 404)'}\n`);
    process.exit(1);
  }
  return route;
}

if (args[0] === 'api') {
  const method = option('--method') ?? 'GET';
  // The path is the one argument that is neither an option nor an option's value.
  const valued = new Set(['--method', '-f', '-F', '--jq', '--repo']);
  const path = args.slice(1).find((a, i, rest) => !a.startsWith('-') && !valued.has(rest[i - 1]));
  if (method !== 'GET') {
    process.stdout.write('{}\n');
  } else {
    process.stdout.write(`${JSON.stringify(answer(`GET ${path}`).json)}\n`);
  }
} else if (args[0] === 'run' && args[1] === 'download') {
  cpSync(answer(`download ${args[2]} ${option('--name')}`).dir, option('--dir'), { recursive: true });
} else {
  process.stderr.write(`fake gh: unknown command ${args.join(' ')}\n`);
  process.exit(1);
}
