// Text matched against patterns, where the text or the pattern comes from someone else: a plan's
// selector glob against the names a cloud lists, a proxy's error page, an endpoint in a config. Each
// is read in one pass; a regression to a backtracking regular expression makes these cases run for
// minutes, past the test's timeout. The answers are checked against a plain reference as well.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alibabaDialect } from '../../src/clouds/alibabacloud/dialect.js';
import { MAX_CLOUD_MESSAGE } from '../../src/clouds/error-body.js';
import { checkEndpoint } from '../../src/config/endpoints.js';
import { globMatcher } from '../../src/providers/alibabacloud/esa.js';

// The meaning of a glob, as a regular expression: the reference the one-pass matcher must agree with.
function reference(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'su');
}

describe("an ESA selector's commonName or name glob", () => {
  it('matches exactly what the glob means', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '*', '.', '\n', 'é'), maxLength: 12 });
    fc.assert(
      fc.property(text, text, (pattern, value) => {
        expect(globMatcher(pattern).test(value)).toBe(reference(pattern).test(value));
      }),
      { seed: 20261130, numRuns: 2000 },
    );
  });

  it('takes one pass however many stars a plan writes against a long name', () => {
    const name = 'a'.repeat(250);
    expect(globMatcher(`${'a*'.repeat(120)}b`).test(name)).toBe(false);
    expect(globMatcher(`${'*a'.repeat(120)}*`).test(name)).toBe(true);
    expect(globMatcher('**********').test(name)).toBe(true);
  });
});

describe("a proxy's error page", () => {
  const read = (body: string) => alibabaDialect.readErrorBody(body).message;

  it('gives its title, else its text without tags, scripts or styles', () => {
    expect(read('<html><head><title> Bad gateway </title></head><body>x</body></html>')).toBe('Bad gateway');
    expect(
      read('<html><script>var s = "<b>";</script><style>b{}</style><p>Upstream <b>down</b></p></html>'),
    ).toBe('Upstream down');
    expect(read('<Error><Code>Throttling.User</Code><Message>slow down</Message></Error>')).toBe('slow down');
  });

  it('is read in one pass: a megabyte of tags that never close, of openings, of unclosed scripts', () => {
    for (const body of [
      '<'.repeat(1 << 20),
      '<title'.repeat(150_000),
      '<script'.repeat(150_000),
      `<p>${'<a '.repeat(300_000)}`,
    ]) {
      const message = read(body) ?? '';
      expect(message.length).toBeLessThanOrEqual(MAX_CLOUD_MESSAGE);
    }
  });
});

describe("a config's endpoint", () => {
  it('loses its trailing slashes, in one pass over a long run of them', () => {
    expect(checkEndpoint('https://kms.example.com///')).toEqual({ url: 'https://kms.example.com' });
    const long = checkEndpoint(`https://kms.example.com/${'/'.repeat(200_000)}x`);
    expect('url' in long && long.url.endsWith('/x')).toBe(true);
  });
});
