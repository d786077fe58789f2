// A forwarding server on 127.0.0.1 in front of the emulator that keeps every answer it passes on, so
// that a test learns the secrets the emulator issued (STS sessions, temporary AK/SK, IAM tokens,
// metadata session tokens) without reading the emulator's memory. Requests go through untouched,
// Host header included, so that their signatures still verify.

import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/** Passed is one answer the proxy passed on: its path, headers and body text. */
export interface Passed {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/** RecordingProxy forwards to a target and keeps the answers; close() stops it. */
export interface RecordingProxy {
  readonly url: string;
  readonly passed: Passed[];
  close(): Promise<void>;
}

/** startRecordingProxy forwards every request to target (an origin) and records each answer. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const passed: Passed[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && name !== 'connection')
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const body = Buffer.concat(chunks);
      request(`${target}${req.url ?? '/'}`, {
        method: (req.method ?? 'GET') as 'GET',
        headers,
        ...(body.length > 0 ? { body } : {}),
      }).then(
        async (answer) => {
          const text = await answer.body.text();
          const out: Record<string, string> = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection')
              out[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          passed.push({ path: req.url ?? '/', headers: out, text });
          res.writeHead(answer.statusCode, out);
          res.end(text);
        },
        () => res.destroy(),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    passed,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const SECRET_FIELDS = new Set([
  'AccessKeySecret',
  'SecurityToken',
  'secret',
  'securitytoken',
  'value',
  'token',
]);

/**
 * issuedSecrets lists the secrets in answers: secret fields of JSON bodies (at any depth, string values
 * only), X-Subject-Token headers, and the plain-text session tokens of the metadata services.
 */
export function issuedSecrets(passed: readonly Passed[]): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, key?: string) => {
    if (typeof value === 'string') {
      if (key !== undefined && SECRET_FIELDS.has(key) && value.length >= 8) found.add(value);
    } else if (Array.isArray(value)) {
      for (const v of value) walk(v);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  for (const p of passed) {
    const subject = p.headers['x-subject-token'];
    if (subject !== undefined) found.add(subject);
    if (p.path.endsWith('/api/token') && p.text.trim() !== '') found.add(p.text.trim());
    try {
      walk(JSON.parse(p.text));
    } catch {
      // Not JSON: nothing more to find.
    }
  }
  return [...found];
}
