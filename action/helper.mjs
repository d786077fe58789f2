#!/usr/bin/env node
// The JSON and Markdown work of the action's scripts, so that no shell parses JSON or writes untrusted
// text into Markdown: which files are plans (from `rescind validate --format json`) and the
// collision-free name of each, fences and code spans nothing can break out of, the sticky comment to
// update, and the plan run and artifact of a merged pull request.
//
// Usage: node helper.mjs COMMAND ARG... Each command prints its answer on stdout and exits 0, or prints
// `rescind: ...` on stderr and exits 1. Nothing here runs a command or reads the network.

import { createHash } from 'node:crypto';
import { codeSpan, fenced, firstLine, Refusal, readBounded } from './lib.mjs';

/** MAX_FILES is the most candidate files `plans` takes. */
const MAX_FILES = 10_000;
/** MAX_NAME is the longest name `plans` gives; a longer one is cut and ends in a digest. */
const MAX_NAME = 160;
/** NOT_PLANS are the kinds `rescind validate` reports for files that are not plans. */
const NOT_PLANS = new Set(['Config', 'Policy', 'EmulatorState', 'SavedPlan']);

/** readJson parses a file that must hold JSON, naming it when it does not. */
function readJson(path, what) {
  try {
    return JSON.parse(readBounded(path).toString('utf8'));
  } catch (error) {
    if (error instanceof Refusal) throw error;
    throw new Refusal(`${what} is not JSON (${path})`);
  }
}

/** isSafeChar is true for the bytes a name keeps as they are: letters, digits, `.` and `-`. */
function isSafeChar(b) {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    b === 0x2e ||
    b === 0x2d
  );
}

/**
 * encodeName is the output name of a plan file, readable and injective: `/` becomes `__`, letters,
 * digits, `.` and `-` stay, and every other byte of the UTF-8 path becomes `_XX` (so `_` is `_5F`).
 * The code is prefix-free (`__`, `_XX` and single safe bytes), so two paths never share a name:
 * `plans/team/ca.yaml` is `plans__team__ca.yaml`, `plans/team__ca.yaml` is `plans__team_5F_5Fca.yaml`.
 * A leading `.` is encoded too (no hidden files). A name longer than MAX_NAME is cut and ends in `~`
 * and the SHA-256 of the path; `~` is encoded elsewhere, so a cut name never equals a whole one.
 * Names hold only `[A-Za-z0-9._~-]`: safe in file names, artifact names and comment markers.
 */
function encodeName(path) {
  const bytes = Buffer.from(path, 'utf8');
  let name = '';
  for (const [i, b] of bytes.entries()) {
    if (b === 0x2f) name += '__';
    else if (isSafeChar(b) && !(i === 0 && b === 0x2e)) name += String.fromCharCode(b);
    else name += `_${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (name.length <= MAX_NAME) return name;
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  return `${name.slice(0, MAX_NAME - 33)}~${digest}`;
}

/**
 * plans reads the candidate files (NUL-separated on stdin) and the validate report of them, and
 * prints `PATH\0NAME\0` for each YAML file that is a plan, in the order given. A file is a plan
 * unless the report gives it another kind: a file the report does not list, or lists without a
 * kind (not YAML, no kind), is planned too, so that its error reaches the comment instead of the
 * file being skipped.
 */
function plans(reportPath) {
  const report = readJson(reportPath, 'the report of rescind validate');
  if (report === null || typeof report !== 'object' || !Array.isArray(report.files)) {
    throw new Refusal(`the report of rescind validate has no list of files (${reportPath})`);
  }
  const kinds = new Map();
  for (const f of report.files) {
    if (f !== null && typeof f === 'object' && typeof f.file === 'string') kinds.set(f.file, f.kind);
  }
  const candidates = readBounded('-').toString('utf8').split('\0');
  if (candidates.at(-1) === '') candidates.pop();
  if (candidates.length > MAX_FILES) throw new Refusal(`more than ${MAX_FILES} files to plan`);
  const out = [];
  const byName = new Map();
  for (const file of candidates) {
    if (!/\.ya?ml$/.test(file) || NOT_PLANS.has(kinds.get(file))) continue;
    const name = encodeName(file);
    const other = byName.get(name);
    if (other !== undefined && other !== file) {
      throw new Refusal(`${JSON.stringify(file)} and ${JSON.stringify(other)} have the same name ${name}`);
    }
    if (other !== undefined) continue;
    byName.set(name, file);
    out.push(file, name);
  }
  if (out.length > 0) process.stdout.write(`${out.join('\0')}\0`);
}

/** fence prints stdin as a fenced code block with info string `info` (lib.mjs fenced). */
function fence(info) {
  if (!/^[a-z]*$/.test(info)) throw new Refusal(`bad info string ${JSON.stringify(info)}`);
  process.stdout.write(fenced(readBounded('-').toString('utf8'), info));
}

/** code prints text as one inline code span, for a heading (lib.mjs codeSpan). */
function code(text) {
  process.stdout.write(codeSpan(text));
}

/** field prints the top-level string or number `key` of the JSON object in a file, or nothing. */
function field(path, key) {
  let value;
  try {
    value = JSON.parse(readBounded(path).toString('utf8'))?.[key];
  } catch {
    return;
  }
  if (typeof value === 'string' || typeof value === 'number') process.stdout.write(String(value));
}

/**
 * diagnostics prints the diagnostics of a rescind error report (`kind: ErrorReport`, what a command run
 * with --format json prints when it cannot make its result) as rescind prints them on stderr: one line
 * each, FILE:LINE:COL: SEVERITY CODE: MESSAGE. Nothing when the file is not one.
 */
function diagnostics(path) {
  let report;
  try {
    report = JSON.parse(readBounded(path).toString('utf8'));
  } catch {
    return;
  }
  if (report?.kind !== 'ErrorReport' || !Array.isArray(report.diagnostics)) return;
  for (const d of report.diagnostics.slice(0, 100)) {
    const where = [d.file, d.range?.start?.line, d.range?.start?.column].filter((x) => x !== undefined);
    const head = where.length > 0 ? `${where.join(':')}: ` : 'rescind: ';
    process.stdout.write(`${head}${d.severity} ${d.code}: ${d.message}\n`);
  }
}

/**
 * commentId prints the id of the first comment written by `login` whose first line is `marker`,
 * whole, or nothing. Comments are the pages `gh api --paginate --slurp` prints (a list of lists).
 * A comment by anyone else is never taken, whatever it says.
 */
function commentId(path, login, marker) {
  const pages = readJson(path, 'the comments');
  if (!Array.isArray(pages)) throw new Refusal(`the comments are not a list (${path})`);
  const comments = pages.every(Array.isArray) ? pages.flat() : pages;
  for (const c of comments) {
    if (c?.user?.login === login && typeof c.body === 'string' && firstLine(c.body) === marker) {
      if (!Number.isSafeInteger(c.id)) throw new Refusal('a comment without a numeric id');
      process.stdout.write(String(c.id));
      return;
    }
  }
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * mergedPr reads `repos/REPO/commits/SHA/pulls` and prints `NUMBER\tHEAD_SHA` of the one pull request
 * whose merge made commit `sha` on `branch` of `repo`. It refuses a commit that is no merge of a pull
 * request (a direct push), more than one such pull request, and a pull request from a fork (its plan
 * run had no secrets, and its author wrote the workflow that made its artifacts).
 */
function mergedPr(path, repo, sha, branch) {
  const pulls = readJson(path, 'the pull requests of the commit');
  if (!Array.isArray(pulls)) throw new Refusal('the pull requests of the commit are not a list');
  const merged = pulls.filter(
    (p) =>
      typeof p?.merged_at === 'string' &&
      p.merge_commit_sha === sha &&
      p.base?.repo?.full_name === repo &&
      p.base?.ref === branch,
  );
  if (merged.length === 0) {
    throw new Refusal(
      `commit ${sha} is not the merge of a pull request into ${branch}: rescind applies only plans a pull request reviewed`,
    );
  }
  if (merged.length > 1) {
    throw new Refusal(
      `commit ${sha} is the merge of ${merged.length} pull requests (${merged.map((p) => `#${p.number}`).join(', ')})`,
    );
  }
  const [pr] = merged;
  if (!Number.isSafeInteger(pr.number) || pr.number < 1) throw new Refusal('the pull request has no number');
  const from = pr.head?.repo?.full_name;
  if (from !== repo) {
    throw new Refusal(
      `pull request #${pr.number} comes from ${from ? `the fork ${from}` : 'a deleted repository'}: ` +
        `its plans were made without secrets, by a workflow its author controls; open it again from a branch of ${repo}`,
    );
  }
  if (!SHA.test(pr.head?.sha ?? '')) throw new Refusal(`pull request #${pr.number} has no head commit`);
  process.stdout.write(`${pr.number}\t${pr.head.sha}`);
}

/** workflowPath is a workflow file's path without a `OWNER/REPO/` prefix and an `@REF` suffix. */
function workflowPath(path, repo) {
  if (typeof path !== 'string') return '';
  const bare = path.replace(/@.*$/, '');
  return bare.startsWith(`${repo}/`) ? bare.slice(repo.length + 1) : bare;
}

/**
 * planRun reads `repos/REPO/actions/runs?head_sha=HEAD...` and prints the id of the run whose
 * artifacts hold the reviewed plans: the latest `pull_request` run of this repository's workflow
 * `workflow` on commit `head`, made from a branch of this repository. Every other run is set aside,
 * whatever the API answered, and the latest one must have succeeded: a plan run that failed (a
 * policy denies, a plan is in error) or is still running leaves nothing to apply.
 */
function planRun(path, repo, head, workflow) {
  const answer = readJson(path, 'the workflow runs');
  const runs = answer?.workflow_runs;
  if (!Array.isArray(runs)) throw new Refusal('the workflow runs are not a list');
  const want = workflowPath(workflow, repo);
  const eligible = [];
  const setAside = [];
  for (const run of runs) {
    const why = [];
    if (run?.head_sha !== head) why.push(`made for commit ${run?.head_sha}`);
    if (run?.event !== 'pull_request') why.push(`triggered by ${run?.event}`);
    if (workflowPath(run?.path, repo) !== want) why.push(`of the workflow ${run?.path}`);
    if (run?.repository?.full_name !== repo) why.push(`of the repository ${run?.repository?.full_name}`);
    if (run?.head_repository?.full_name !== repo)
      why.push(`from the fork ${run?.head_repository?.full_name}`);
    if (!Number.isSafeInteger(run?.id)) why.push('without an id');
    if (why.length === 0) eligible.push(run);
    else setAside.push(`run ${run?.id}: ${why.join(', ')}`);
  }
  if (eligible.length === 0) {
    const shown = setAside.slice(0, 10).map((s) => `\n  ${s}`);
    if (setAside.length > 10) shown.push(`\n  and ${setAside.length - 10} more`);
    throw new Refusal(
      `no run of ${want} planned commit ${head} of this repository for a pull request${setAside.length ? `; set aside:${shown.join('')}` : ''}`,
    );
  }
  eligible.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)) || b.id - a.id);
  const [latest] = eligible;
  if (latest.status !== 'completed') {
    throw new Refusal(
      `the plan run ${latest.id} of commit ${head} is ${latest.status}: wait for it, then run this job again`,
    );
  }
  if (latest.conclusion !== 'success') {
    throw new Refusal(
      `the latest plan run ${latest.id} of commit ${head} ended ${latest.conclusion}: nothing it reviewed can be applied`,
    );
  }
  process.stdout.write(String(latest.id));
}

/** planArtifact reads a run's artifacts and prints the id of the one live artifact named `name`. */
function planArtifact(path, name, run) {
  const answer = readJson(path, 'the artifacts');
  const artifacts = answer?.artifacts;
  if (!Array.isArray(artifacts)) throw new Refusal('the artifacts are not a list');
  const found = artifacts.filter((a) => a?.name === name && a.expired !== true);
  if (found.length === 0)
    throw new Refusal(`run ${run} has no artifact ${name} (never uploaded, or expired)`);
  if (found.length > 1) throw new Refusal(`run ${run} has ${found.length} artifacts named ${name}`);
  if (!Number.isSafeInteger(found[0].id)) throw new Refusal(`the artifact ${name} has no id`);
  process.stdout.write(String(found[0].id));
}

const commands = {
  plans: [1, plans],
  fence: [1, fence],
  code: [1, code],
  field: [2, field],
  diagnostics: [1, diagnostics],
  'comment-id': [3, commentId],
  'merged-pr': [4, mergedPr],
  'plan-run': [4, planRun],
  'plan-artifact': [3, planArtifact],
};

const [command, ...args] = process.argv.slice(2);
const entry = Object.hasOwn(commands, command ?? '') ? commands[command] : undefined;
if (entry === undefined || args.length !== entry[0]) {
  process.stderr.write(`rescind: helper.mjs: usage: ${Object.keys(commands).join('|')} ARG...\n`);
  process.exitCode = 1;
} else {
  try {
    entry[1](...args);
  } catch (error) {
    if (!(error instanceof Refusal) && error?.code !== 'ENOENT') throw error;
    process.stderr.write(`rescind: ${error.message}\n`);
    process.exitCode = 1;
  }
}
