// Progress of a long run on stderr: on a terminal one line redrawn in place (done/total, rate, ETA),
// at most ten times a second; otherwise one plain line per target as it ends, for logs. What comes
// from a cloud (an address expanded from a listing, a request id, an error message) is escaped as the
// text renderers escape it on stdout: no control or bidirectional character reaches the terminal raw.

import { diagnosticText, visibleText } from '../diagnostics/diagnostic.js';
import type { TargetEnd, TargetResult } from '../session/session.js';
import type { Output } from './io.js';

/** Progress hears each target's end and clears its line when the run is over. */
export interface Progress {
  update(event: TargetEnd): void;
  /** note writes a line above the bar (a message in the middle of the run). */
  note(line: string): void;
  finish(): void;
}

/**
 * progressOn makes the progress of a run of total targets on out; now is the clock in ms. On a quiet
 * stream (--quiet) it writes nothing.
 */
export function progressOn(out: Output, total: number, now: () => number = Date.now): Progress {
  if (out.quiet === true) return { update: () => {}, note: () => {}, finish: () => {} };
  const started = now();
  if (out.isTTY !== true) {
    return {
      update: ({ result, done }) => {
        const id = result.requestId === undefined ? '' : ` (request id ${visibleText(result.requestId)})`;
        out.write(`[${done}/${total}] ${visibleText(`${result.outcome} ${result.address}`)}${id}\n`);
        writeErrors(out, result);
      },
      note: (line) => out.write(`${visibleText(line)}\n`),
      finish: () => {},
    };
  }
  let drawn = 0;
  let last: TargetEnd | undefined;
  const draw = (event: TargetEnd) => {
    const elapsed = Math.max(1, now() - started) / 1000;
    const rate = event.done / elapsed;
    const left = rate > 0 ? Math.ceil((total - event.done) / rate) : 0;
    const width = 30;
    const filled = total === 0 ? width : Math.round((event.done / total) * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const pct = total === 0 ? 100 : Math.floor((event.done / total) * 100);
    out.write(`\r\x1b[K[${bar}] ${event.done}/${total} ${pct}%  ${rate.toFixed(1)}/s  ETA ${left}s`);
    drawn = now();
  };
  return {
    update: (event) => {
      last = event;
      // Failures are worth a line of their own; the bar is redrawn below it.
      if (!['verified', 'already-revoked', 'applied-not-observable'].includes(event.result.outcome)) {
        out.write(`\r\x1b[K${visibleText(`${event.result.outcome} ${event.result.address}`)}\n`);
        writeErrors(out, event.result);
        draw(event);
        return;
      }
      if (now() - drawn >= 100 || event.done === total) draw(event);
    },
    note: (line) => {
      out.write(`\r\x1b[K${visibleText(line)}\n`);
      if (last !== undefined) draw(last);
    },
    finish: () => {
      if (last !== undefined) draw(last);
      out.write('\n');
    },
  };
}

// The messages of a target that did not end done, one indented line each, as diagnostics print them.
function writeErrors(out: Output, result: TargetResult): void {
  for (const d of result.diagnostics) out.write(`    ${diagnosticText(d.message)}\n`);
}
