// Apply's progress on stderr: what a cloud controls (an address expanded from its listing, a request
// id, an error message) is escaped exactly as the text renderers escape it on stdout, on a terminal
// and off one: a C1 control (U+009B, the one-byte CSI) or a bidirectional override (U+202E) never
// reaches the terminal raw.

import { describe, expect, it } from 'vitest';
import { progressOn } from '../../src/cli/progress.js';
import { visibleText } from '../../src/diagnostics/diagnostic.js';
import type { TargetEnd } from '../../src/engine/hooks.js';

const hostile = 'cert-\u009b2J\u202eevil\u001b[31m';

const event = (outcome: 'failed' | 'verified'): TargetEnd => ({
  done: 1,
  total: 2,
  result: {
    address: `ali-prod/esa/1/client-certificate/${hostile}`,
    type: 'alibabacloud.esa.client-certificate',
    account: 'ali-prod',
    ids: ['certs'],
    outcome,
    revokes: 1,
    requestId: `req-${hostile}`,
    diagnostics:
      outcome === 'failed'
        ? [{ severity: 'error', code: 'cloud.error', message: `HTTP 400 Bad: ${hostile}` }]
        : [],
  },
});

// The characters a terminal acts on, other than line feeds, that text holds raw.
function rawControls(text: string): string[] {
  return [...text].filter((c) => {
    const n = c.codePointAt(0) ?? 0;
    return (
      (n < 0x20 && n !== 0x0a) ||
      (n >= 0x7f && n <= 0x9f) ||
      [0x200e, 0x200f, 0x2028, 0x2029].includes(n) ||
      (n >= 0x202a && n <= 0x202e) ||
      (n >= 0x2066 && n <= 0x2069)
    );
  });
}

// Everything written, and whether a raw control other than the bar's own `\r\x1b[K` is in it.
function capture(isTTY: boolean) {
  const written: string[] = [];
  const progress = progressOn({ write: (t) => written.push(t), isTTY }, 2, () => 0);
  return {
    progress,
    text: () => written.join(''),
    raw: () => rawControls(written.join('').replaceAll('\r\x1b[K', '')),
  };
}

describe('progress escapes what the cloud sent', () => {
  it.each([false, true])('on a terminal: %s', (isTTY) => {
    const out = capture(isTTY);
    out.progress.update(event('failed'));
    out.progress.update({ ...event('verified'), done: 2 });
    out.progress.note(`run 1: ${hostile}`);
    out.progress.finish();
    expect(out.raw()).toEqual([]);
    // The same escapes as stdout: \u009b, \u202e, \u001b.
    expect(out.text()).toContain(visibleText(hostile));
    expect(out.text()).toContain(`HTTP 400 Bad: ${visibleText(hostile)}`);
  });

  it('off a terminal, one line per target, with its request id and errors', () => {
    const out = capture(false);
    out.progress.update(event('failed'));
    expect(out.text()).toBe(
      `[1/2] failed ali-prod/esa/1/client-certificate/${visibleText(hostile)} (request id req-${visibleText(hostile)})\n` +
        `    HTTP 400 Bad: ${visibleText(hostile)}\n`,
    );
  });
});
