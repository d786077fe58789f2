// Progress of `rescind plan` on stderr, never on stdout: on a terminal a block of lines redrawn in
// place, one per account and type (reads done of all, retries, what a call waits for); otherwise one
// line per phase, and a line for each wait long enough to look like a hang. Names from the config are
// escaped as every text rescind shows is.

import { visibleText } from '../diagnostics/diagnostic.js';
import type { HttpEvent, PlanProgress } from '../session/session.js';
import type { Output } from './io.js';

/** PlanProgressView hears the planner's and the HTTP layer's events, and clears its lines at the end. */
export interface PlanProgressView {
  plan(event: PlanProgress): void;
  http(event: HttpEvent): void;
  finish(): void;
}

/** MAX_ROWS is how many account and type lines a terminal shows; the rest are counted on one line. */
const MAX_ROWS = 8;
/** LONG_WAIT_MS is the wait that off a terminal gets a line of its own: long enough to look stuck. */
const LONG_WAIT_MS = 2000;

interface Row {
  account: string;
  what: string;
  done: number;
  total: number;
  retries: number;
  waiting?: string;
}

/** planProgressOn shows the progress of the plan of file on out; now is the clock in ms. */
export function planProgressOn(out: Output, file: string, now: () => number = Date.now): PlanProgressView {
  if (out.quiet === true) return { plan: () => {}, http: () => {}, finish: () => {} };
  const name = visibleText(file);
  const rows = new Map<string, Row>();
  let retries = 0;
  let waits = 0;
  // The row of an account whose calls of service an HTTP event is about: the first of its types that
  // calls it (a type's service is the middle word of its name), else its identity row.
  const rowOf = (account: string, service: string): Row | undefined => {
    let fallback: Row | undefined;
    for (const row of rows.values()) {
      if (row.account !== account) continue;
      if (row.what.split('.')[1] === service) return row;
      if (row.what === 'identity') fallback = row;
    }
    return fallback;
  };
  const waitText = (e: HttpEvent): string => {
    const s = e.delayMs === undefined ? '' : ` ${(e.delayMs / 1000).toFixed(1)} s`;
    if (e.kind === 'retry') return `retrying ${visibleText(e.operation)} in${s || ' a moment'}`;
    return e.reason === 'rate-limit'
      ? `waiting${s} for the rate limit`
      : `waiting for the rate ${visibleText(e.operation)} allows`;
  };

  if (out.isTTY !== true) {
    return {
      plan: (e) => {
        if (e.kind === 'reads') {
          const total = e.reads.reduce((n, r) => n + r.total, 0);
          const accounts = new Set(e.reads.map((r) => r.account)).size;
          out.write(
            `rescind plan ${name}: ${total} ${total === 1 ? 'read' : 'reads'} in ${accounts} ${accounts === 1 ? 'account' : 'accounts'}\n`,
          );
        } else if (e.kind === 'phase') {
          const extra = [retries > 0 ? `${retries} retried` : '', waits > 0 ? `${waits} waited` : '']
            .filter((x) => x !== '')
            .join(', ');
          out.write(`rescind plan ${name}: reads done${extra === '' ? '' : ` (${extra})`}; policies next\n`);
        }
      },
      http: (e) => {
        if (e.kind === 'retry') retries++;
        else waits++;
        if ((e.delayMs ?? 0) >= LONG_WAIT_MS) {
          out.write(`rescind plan ${name}: ${visibleText(e.account)}: ${waitText(e)}\n`);
        }
      },
      finish: () => {},
    };
  }

  let drawn = 0;
  let lastDraw = 0;
  const draw = (force = false) => {
    if (!force && now() - lastDraw < 100) return;
    lastDraw = now();
    const all = [...rows.values()];
    const shown = all.slice(0, MAX_ROWS);
    const width = Math.max(...shown.map((r) => visibleText(r.account).length), 1);
    const lines = shown.map((r) => {
      const parts = [`${r.done}/${r.total} ${r.total === 1 ? 'read' : 'reads'}`];
      if (r.retries > 0) parts.push(`${r.retries} ${r.retries === 1 ? 'retry' : 'retries'}`);
      if (r.waiting !== undefined && r.done < r.total) parts.push(r.waiting);
      return `  ${visibleText(r.account).padEnd(width)}  ${visibleText(r.what)}: ${parts.join(', ')}`;
    });
    if (all.length > shown.length) lines.push(`  and ${all.length - shown.length} more`);
    // Back to the first line drawn, then the block again, each line cleared.
    const up = drawn > 0 ? `\x1b[${drawn}F` : '';
    out.write(`${up}\x1b[J${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  return {
    plan: (e) => {
      if (e.kind === 'reads') {
        for (const r of e.reads) rows.set(`${r.account}\u0000${r.what}`, { ...r, retries: 0 });
        draw(true);
      } else if (e.kind === 'read') {
        const row = rows.get(`${e.account}\u0000${e.what}`);
        if (row !== undefined) {
          row.done = e.done;
          row.total = e.total;
          if (row.done >= row.total) delete row.waiting;
        }
        draw(e.done === e.total);
      }
    },
    http: (e) => {
      const row = rowOf(e.account, e.service);
      if (row === undefined) return;
      if (e.kind === 'retry') row.retries++;
      row.waiting = waitText(e);
      draw();
    },
    finish: () => {
      // The block is cleared: the plan follows on stdout.
      if (drawn > 0) out.write(`\x1b[${drawn}F\x1b[J`);
      drawn = 0;
    },
  };
}
