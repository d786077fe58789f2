// One engine for every list a provider reads: a provider declares a list (how to ask for a page, how to
// read an answer's envelope, what identifies a row) and listAll pages through it to the end, within the
// bounds of listGuard, the same way for every list:
//
// - marker paging (KMS ListGrants, ListKeys): `truncated` and `next_marker`; a marker given twice is a
//   cycle; a `total`, when the answer gives one, is held as a numbered list's is (below);
// - numbered paging (ESA, ACK: a page number) and offset paging (CCM: an offset and a limit), with a
//   total: the end is where the pages cover the total (at the page size the server says it used, or
//   the rows it gave); a page that echoes another number than asked, or an empty page before the end,
//   is refused; a total that moves between pages, or fewer distinct rows
//   than the total at the end, means the list changed under the pass (offset paging may then have
//   skipped a row): it is listed again, LIST_TRIES passes in all;
// - one answer (CCE ListClusters, ACK DescribeUserPermission).
//
// A row listed twice (by id) is kept once, in its first place, as last listed: a selector must not make
// two targets of one credential. Lists need no target: discover lists keys, sites and clusters with them.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { CallResult } from '../http/client.js';
import { isRecord, type ListLimits, listGuard } from './common.js';
import { callFailed, problem } from './diagnose.js';

/** LIST_TRIES is how many passes a numbered list may take when it changes while it is paged. */
export const LIST_TRIES = 3;

/** PageAt is the page a pass asks for: its marker (marker paging), or its number and offset. */
export interface PageAt {
  readonly marker?: string;
  /** number counts pages from 1; offset counts rows from 0 (number - 1) × size. */
  readonly number: number;
  readonly offset: number;
  readonly size: number;
}

/**
 * PageAnswer is a page's envelope as a list declaration reads it. Marker paging says `more` and `next`;
 * numbered and offset paging say `total`, and `echo` (the page number the server says it answered) and
 * `size` (the page size it used) when the answer says them.
 */
export interface PageAnswer {
  readonly rows: readonly unknown[];
  readonly more?: boolean;
  readonly next?: unknown;
  readonly total?: number;
  readonly echo?: unknown;
  readonly size?: unknown;
}

/**
 * Paging is how a list pages (`by`), the page size it asks for (numbered paging ends with the size the
 * server says it used), the noun of its rows in messages (`grants`), and the name of its marker.
 */
export interface Paging {
  readonly by: 'marker' | 'numbered' | 'offset' | 'single';
  readonly size: number;
  readonly noun: string;
  readonly marker?: string;
}

/** ListDeclaration is one list of one cloud: see the top of this file. */
export interface ListDeclaration<Row> {
  /** what names the list in messages, e.g. `KMS ListGrants of key K`. */
  readonly what: string;
  readonly paging: Paging;
  /** ask calls for one page. */
  ask(at: PageAt): Promise<CallResult>;
  /** envelope reads an answer: its rows and paging fields, or why it is no page (`returned no grants list`). */
  envelope(body: unknown): PageAnswer | string;
  /** isRow tells a row from anything else (then `invalid` says what it is). */
  isRow(value: unknown): value is Row;
  /** id is a row's id: a row listed again is kept once. */
  id(row: Row): string;
  /** invalid says what a row without an id is, e.g. `returned a grant without a grant_id`. */
  readonly invalid: string;
  /** missing tells an error that says the list's owner (a key, a site) does not exist. */
  missing?(error: unknown): boolean;
  /** limits are the guard's bounds (tests make them small). */
  readonly limits?: ListLimits;
}

/** Listed is a whole list, its rows in list order and by id; the owner missing; or why it could not be read. */
export type Listed<Row> =
  | { rows: Row[]; byId: ReadonlyMap<string, Row> }
  | { missing: true }
  | { diagnostic: Diagnostic };

/** listAll reads a declared list to its end; where is the address its diagnostics are about. */
export async function listAll<Row>(list: ListDeclaration<Row>, where: string): Promise<Listed<Row>> {
  try {
    const passes = list.paging.by === 'single' ? 1 : LIST_TRIES;
    for (let pass = 0; pass < passes; pass++) {
      const listed = await onePass(list, where);
      if (listed !== 'changed') return listed;
    }
    const message = `${list.what}: the list changed while it was paged, ${LIST_TRIES} times`;
    return { diagnostic: problem('cloud.unexpected', message, where) };
  } catch (e) {
    if (list.missing?.(e) === true) return { missing: true };
    return { diagnostic: callFailed(e, where) };
  }
}

// One pass over every page, or 'changed' when the list moved under it (a total that moved, or fewer
// distinct rows than it).
async function onePass<Row>(list: ListDeclaration<Row>, where: string): Promise<Listed<Row> | 'changed'> {
  const unexpected = (why: string): Listed<Row> => ({
    diagnostic: problem('cloud.unexpected', `${list.what} ${why}`, where),
  });
  const guard = listGuard(list.limits);
  const byId = new Map<string, Row>();
  const done = (): Listed<Row> => ({ rows: [...byId.values()], byId });
  let total: number | undefined;
  let marker: string | undefined;
  let offset = 0;
  for (let number = 1; ; number++) {
    const pages = guard.page();
    if (pages !== undefined) return unexpected(pages);
    const at: PageAt = {
      number,
      offset,
      size: list.paging.size,
      ...(marker === undefined ? {} : { marker }),
    };
    const result = await list.ask(at);
    const rid = `(request id ${result.requestId ?? 'none'})`;
    const page = list.envelope(result.body);
    if (typeof page === 'string') return unexpected(`${page} ${rid}`);
    const counted = list.paging.by === 'numbered' || list.paging.by === 'offset';
    if (counted) {
      if (page.total === undefined) return unexpected(`returned no total ${rid}`);
      // A server that ignores the page asked for gives page 1 again and again: the rest would be missed.
      if (page.echo !== undefined && Number(page.echo) !== number)
        return unexpected(`answered page ${String(page.echo)} when asked for page ${number} ${rid}`);
      if (total !== undefined && page.total !== total) return 'changed';
      total = page.total;
      const bound = guard.total(total, list.paging.noun);
      if (bound !== undefined) return unexpected(`${bound} ${rid}`);
    }
    const rows = guard.rows(page.rows.length, list.paging.noun);
    if (rows !== undefined) return unexpected(list.paging.by === 'marker' ? rows : `${rows} ${rid}`);
    for (const row of page.rows) {
      if (!list.isRow(row)) return unexpected(`${list.invalid} ${rid}`);
      byId.set(list.id(row), row);
    }
    if (list.paging.by === 'single') return done();
    if (list.paging.by === 'marker') {
      // A marker list that says its total is held to it, as a numbered one is: a total that moves, or
      // fewer distinct rows than it at the end, is a list that changed under the pass.
      if (page.total !== undefined) {
        if (total !== undefined && page.total !== total) return 'changed';
        total = page.total;
      }
      if (page.more !== true) return total === undefined || byId.size === total ? done() : 'changed';
      const name = list.paging.marker ?? 'next_marker';
      if (typeof page.next !== 'string' || page.next === '')
        return unexpected(`is truncated without a ${name}`);
      const cycle = guard.token(name, page.next);
      if (cycle !== undefined) return unexpected(cycle);
      marker = page.next;
      continue;
    }
    // The server may cap the size below what was asked: the end is where its pages cover the total.
    const end = total ?? 0;
    offset += page.rows.length;
    const size =
      Number.isSafeInteger(page.size) && Number(page.size) > 0 ? Number(page.size) : list.paging.size;
    const covered = list.paging.by === 'offset' ? offset : number * size;
    if (covered >= end) return byId.size === end ? done() : 'changed';
    if (page.rows.length === 0)
      return unexpected(`answered an empty page ${number} of ${end} ${list.paging.noun} ${rid}`);
  }
}

/** rowsOf reads the common envelope `{FIELD: [...]}`: its rows, or undefined. */
export function rowsOf(body: unknown, field: string): readonly unknown[] | undefined {
  return isRecord(body) && Array.isArray(body[field]) ? (body[field] as unknown[]) : undefined;
}

/**
 * markerPage reads Huawei's marker envelope (KMS): the rows in `field`, `truncated` (the string "true"
 * or "false" in both SDKs; a boolean is taken too) and `next_marker`; noList is what an answer without
 * the rows is said to have done (`returned no grants list`).
 */
export function markerPage(field: string, noList: string): (body: unknown) => PageAnswer | string {
  return (body) => {
    const rows = rowsOf(body, field);
    if (rows === undefined || !isRecord(body)) return noList;
    const total =
      Number.isSafeInteger(body.total) && Number(body.total) >= 0 ? Number(body.total) : undefined;
    const more = body.truncated === 'true' || body.truncated === true;
    return { rows, more, next: body.next_marker, ...(total === undefined ? {} : { total }) };
  };
}
