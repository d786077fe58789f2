#!/usr/bin/env node
// The GitLab half of the action's scripts (examples/gitlab/.gitlab-ci.yml), on GitLab's REST API:
// `notes` posts each plan's (or run's) Markdown as one note per plan on the merge request, found again
// by the token's own user and the whole first-line marker; `find-plans` finds, for the merge commit a
// pipeline of the default branch runs on, the merge request it merged and the saved plans of the plan
// job of that merge request's pipeline on its head commit, and refuses anything else.
//
// Environment: CI_API_V4_URL, CI_PROJECT_ID, RESCIND_GITLAB_TOKEN (a project access token: read_api
// for find-plans, api to write notes), OUT (default .rescind-pr). notes: KIND (plans or runs), the
// merge request CI_MERGE_REQUEST_IID or, after find-plans, OUT/merge-request. find-plans:
// CI_COMMIT_SHA, CI_COMMIT_BRANCH, PLAN_JOB (default plan), PLAN_OUT (the plan job's OUT, whose
// plans/ its artifacts hold; default .rescind-pr). Exit status 0, or 1 with `rescind: ...`.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fenced, firstLine, isName, MAX_INPUT, Refusal } from './lib.mjs';

/** MAX_PAGES is the most pages of one list read (100 items each). */
const MAX_PAGES = 100;
/** TIMEOUT_MS bounds each request. */
const TIMEOUT_MS = 60_000;

/** env is a variable that must be set. */
function env(name) {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Refusal(`${name} is not set`);
  return value;
}

const out = process.env.OUT || '.rescind-pr';

/** api is GitLab's API for this project, with the token. */
function api() {
  const base = env('CI_API_V4_URL').replace(/\/+$/, '');
  const project = env('CI_PROJECT_ID');
  if (!/^[1-9][0-9]*$/.test(project)) throw new Refusal('CI_PROJECT_ID is not a project id');
  const token = env('RESCIND_GITLAB_TOKEN');

  /**
   * call sends one request and returns the answer's bytes (at most MAX_INPUT) and headers. A redirect
   * (artifacts kept in object storage) is followed once, without the token: it never leaves GitLab.
   */
  async function call(method, path, body) {
    const send = (url, headers) =>
      fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }).catch((error) => {
        throw new Refusal(`${method} ${path}: ${error?.cause?.code ?? error?.message ?? 'no answer'}`);
      });
    let res = await send(`${base}${path}`, {
      'PRIVATE-TOKEN': token,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    });
    const location = res.headers.get('location');
    if (method === 'GET' && [301, 302, 303, 307, 308].includes(res.status) && location) {
      await res.body?.cancel();
      res = await send(new URL(location, `${base}${path}`).href, {});
    }
    const chunks = [];
    let total = 0;
    for await (const chunk of res.body ?? []) {
      total += chunk.length;
      if (total > MAX_INPUT) throw new Refusal(`${method} ${path}: the answer is over ${MAX_INPUT} bytes`);
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    if (!res.ok) throw new Refusal(`${method} ${path}: GitLab answered ${res.status}`);
    return { bytes, headers: res.headers };
  }

  /** parse is an answer's JSON. */
  function parse(bytes, method, path) {
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new Refusal(`${method} ${path}: the answer is not JSON`);
    }
  }

  /** json sends one request and parses the answer. */
  async function json(method, path, body) {
    return parse((await call(method, path, body)).bytes, method, path);
  }

  /** list reads every page of a list, following X-Next-Page, at most MAX_PAGES. */
  async function list(path) {
    const items = [];
    let page = '1';
    for (let n = 0; page !== ''; n++) {
      if (n === MAX_PAGES) throw new Refusal(`${path}: more than ${MAX_PAGES} pages`);
      const sep = path.includes('?') ? '&' : '?';
      const { bytes, headers } = await call('GET', `${path}${sep}per_page=100&page=${page}`);
      const got = parse(bytes, 'GET', path);
      if (!Array.isArray(got)) throw new Refusal(`${path}: the answer is not a list`);
      items.push(...got);
      page = headers.get('x-next-page') ?? '';
      if (!/^[0-9]*$/.test(page)) throw new Refusal(`${path}: a bad next page`);
    }
    return items;
  }

  return { project: Number(project), prefix: `/projects/${project}`, call, json, list };
}

/** mergeRequest is the merge request's iid the notes go to. */
function mergeRequest() {
  const iid = process.env.CI_MERGE_REQUEST_IID || readIfThere(join(out, 'merge-request')).trim();
  if (iid === '') return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(iid)) throw new Refusal('the merge request is not a number');
  return iid;
}

/** readIfThere is a file's text, or '' when there is no such file. */
function readIfThere(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error?.code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * notes posts OUT/KIND/N.md as the note of the token's user whose first line is, whole,
 * `<!-- rescind:KIND:N -->`, updating it when there is one; a note of anyone else is never taken.
 */
async function notes() {
  const kind = process.env.KIND || 'plans';
  if (kind !== 'plans' && kind !== 'runs') throw new Refusal('KIND must be plans or runs');
  const iid = mergeRequest();
  if (iid === undefined) {
    process.stderr.write('rescind: no merge request to write notes on\n');
    return;
  }
  let files;
  try {
    files = readdirSync(join(out, kind)).filter((f) => f.endsWith('.md'));
  } catch (error) {
    if (error?.code === 'ENOENT') return;
    throw error;
  }
  const names = files
    .map((f) => f.slice(0, -3))
    .filter(isName)
    .sort();
  if (names.length === 0) return;
  const gitlab = api();
  const me = await gitlab.json('GET', '/user');
  if (!Number.isSafeInteger(me?.id)) throw new Refusal('cannot tell which user the token is');
  const path = `${gitlab.prefix}/merge_requests/${iid}/notes`;
  const existing = await gitlab.list(`${path}?sort=asc&order_by=created_at`);
  for (const name of names) {
    const marker = `<!-- rescind:${kind}:${name} -->`;
    const body = `${marker}\n${readFileSync(join(out, kind, `${name}.md`), 'utf8')}`;
    const ours = existing.find(
      (n) => n?.author?.id === me.id && typeof n.body === 'string' && firstLine(n.body) === marker,
    );
    if (ours !== undefined && Number.isSafeInteger(ours.id)) {
      await gitlab.json('PUT', `${path}/${ours.id}`, { body });
    } else {
      await gitlab.json('POST', path, { body });
    }
  }
}

const SHA = /^[0-9a-f]{40}$/;

/** artifactPath is a path inside the plan job's artifacts (under its OUT), escaped for the URL. */
function artifactPath(...segments) {
  const parts = [...(process.env.PLAN_OUT || '.rescind-pr').split('/'), ...segments];
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Refusal('PLAN_OUT is not a plain relative path');
  }
  return parts.map(encodeURIComponent).join('/');
}

/**
 * findPlans writes the reviewed saved plans into OUT/plans: the merge request that commit
 * CI_COMMIT_SHA merged into CI_COMMIT_BRANCH (from this project, not a fork), the latest pipeline of
 * that merge request on its head commit (a merge request pipeline, `refs/merge-requests/IID/head`,
 * of this project), which must have succeeded, and the artifacts of its job PLAN_JOB. It writes the
 * merge request's iid to OUT/merge-request as soon as it is known, and on a refusal after that,
 * OUT/runs/_refused.md for its note.
 */
async function findPlans() {
  const sha = env('CI_COMMIT_SHA');
  const branch = env('CI_COMMIT_BRANCH');
  const jobName = process.env.PLAN_JOB || 'plan';
  if (!SHA.test(sha)) throw new Refusal('CI_COMMIT_SHA is not a full commit SHA');
  const gitlab = api();
  const mrs = await gitlab.json('GET', `${gitlab.prefix}/repository/commits/${sha}/merge_requests`);
  if (!Array.isArray(mrs)) throw new Refusal('the merge requests of the commit are not a list');
  const merged = mrs.filter(
    (m) =>
      m?.state === 'merged' &&
      m.target_project_id === gitlab.project &&
      m.target_branch === branch &&
      (m.merge_commit_sha === sha ||
        m.squash_commit_sha === sha ||
        (m.merge_commit_sha == null && m.squash_commit_sha == null && m.sha === sha)),
  );
  if (merged.length === 0) {
    throw new Refusal(
      `commit ${sha} is not the merge of a merge request into ${branch}: rescind applies only plans a merge request reviewed`,
    );
  }
  if (merged.length > 1) throw new Refusal(`commit ${sha} is the merge of ${merged.length} merge requests`);
  const [mr] = merged;
  if (!Number.isSafeInteger(mr.iid) || mr.iid < 1) throw new Refusal('the merge request has no iid');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'merge-request'), `${mr.iid}\n`);
  try {
    if (mr.source_project_id !== gitlab.project) {
      throw new Refusal(
        `merge request !${mr.iid} comes from another project (a fork): open it again from a branch of this project`,
      );
    }
    const head = mr.sha;
    if (!SHA.test(head ?? '')) throw new Refusal(`merge request !${mr.iid} has no head commit`);
    const ref = `refs/merge-requests/${mr.iid}/head`;
    const pipelines = (await gitlab.list(`${gitlab.prefix}/merge_requests/${mr.iid}/pipelines`)).filter(
      (p) =>
        p?.sha === head &&
        p.ref === ref &&
        (p.project_id === undefined || p.project_id === gitlab.project) &&
        Number.isSafeInteger(p.id),
    );
    if (pipelines.length === 0) {
      throw new Refusal(`no merge request pipeline of this project planned commit ${head} of !${mr.iid}`);
    }
    pipelines.sort((a, b) => b.id - a.id);
    const [pipeline] = pipelines;
    if (pipeline.status !== 'success') {
      throw new Refusal(
        `the latest pipeline ${pipeline.id} of commit ${head} of !${mr.iid} is ${pipeline.status}: nothing it reviewed can be applied`,
      );
    }
    const jobs = (await gitlab.list(`${gitlab.prefix}/pipelines/${pipeline.id}/jobs`)).filter(
      (j) => j?.name === jobName,
    );
    if (jobs.length !== 1 || jobs[0].status !== 'success' || !Number.isSafeInteger(jobs[0].id)) {
      throw new Refusal(`pipeline ${pipeline.id} has no successful job ${jobName}`);
    }
    const artifacts = `${gitlab.prefix}/jobs/${jobs[0].id}/artifacts`;
    const index = (await gitlab.call('GET', `${artifacts}/${artifactPath('plans', 'index.txt')}`)).bytes;
    const names = index
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    const bad = names.find((n) => !isName(n));
    if (bad !== undefined)
      throw new Refusal(`the plan job's index names ${JSON.stringify(bad)}, not a plan's name`);
    mkdirSync(join(out, 'plans'), { recursive: true });
    if (readdirSync(join(out, 'plans')).length > 0) throw new Refusal(`${out}/plans is not empty`);
    writeFileSync(join(out, 'plans', 'index.txt'), index);
    for (const name of names) {
      const saved = await gitlab.call('GET', `${artifacts}/${artifactPath('plans', `${name}.json`)}`);
      writeFileSync(join(out, 'plans', `${name}.json`), saved.bytes);
    }
    process.stdout.write(
      `rescind: applying the plans of merge request !${mr.iid} (head ${head}), reviewed in pipeline ${pipeline.id}\n`,
    );
  } catch (error) {
    if (error instanceof Refusal) {
      mkdirSync(join(out, 'runs'), { recursive: true });
      writeFileSync(
        join(out, 'runs', '_refused.md'),
        `### rescind apply: refused\n\nNothing was applied for this merge request:\n\n${fenced(error.message, 'text')}`,
      );
    }
    throw error;
  }
}

const commands = { notes, 'find-plans': findPlans };
const [command] = process.argv.slice(2);
if (!Object.hasOwn(commands, command ?? '') || process.argv.length !== 3) {
  process.stderr.write(`rescind: gitlab.mjs: usage: ${Object.keys(commands).join('|')}\n`);
  process.exitCode = 1;
} else {
  commands[command]().catch((error) => {
    if (!(error instanceof Refusal)) throw error;
    process.stderr.write(`rescind: ${command === 'find-plans' ? 'refused: ' : ''}${error.message}\n`);
    process.exitCode = 1;
  });
}
