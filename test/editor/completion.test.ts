// Editor support, for real: yaml-language-server (the engine of the VS Code YAML
// extension) is driven over LSP stdio on a plan that carries the modeline of the
// examples, and must offer the revocation types and each type's target fields.
// This needs the schema bundles of dist/schemas/ (npm run build).

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeNames } from '../../src/vocabulary.js';
import { repoRoot } from '../helpers/paths.js';

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
}

class LspClient {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting = new Map<number, (m: Message) => void>();
  readonly #diagnostics = new Map<string, (d: unknown) => void>();
  #buffer = Buffer.alloc(0);
  #id = 0;

  constructor() {
    const server = createRequire(import.meta.url).resolve('yaml-language-server/bin/yaml-language-server');
    this.#child = spawn(process.execPath, [server, '--stdio'], { stdio: 'pipe' });
    this.#child.stdout.on('data', (chunk: Buffer) => this.#read(chunk));
  }

  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.#buffer.subarray(0, end).toString())?.[1]);
      if (this.#buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.#buffer.subarray(end + 4, end + 4 + length).toString()) as Message;
      this.#buffer = this.#buffer.subarray(end + 4 + length);
      this.#dispatch(message);
    }
  }

  #dispatch(m: Message): void {
    if (m.method !== undefined && m.id !== undefined) {
      // A request from the server: configuration gets defaults, the rest an empty answer.
      const items = (m.params as { items?: unknown[] } | undefined)?.items;
      this.#send({
        jsonrpc: '2.0',
        id: m.id,
        result: m.method === 'workspace/configuration' ? items?.map(() => null) : null,
      });
    } else if (m.id !== undefined) {
      this.#waiting.get(m.id)?.(m);
      this.#waiting.delete(m.id);
    } else if (m.method === 'textDocument/publishDiagnostics') {
      const { uri, diagnostics } = m.params as { uri: string; diagnostics: unknown };
      this.#diagnostics.get(uri)?.(diagnostics);
    }
  }

  #send(message: object): void {
    const text = JSON.stringify(message);
    this.#child.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  }

  notify(method: string, params: unknown): void {
    this.#send({ jsonrpc: '2.0', method, params });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = ++this.#id;
    this.#send({ jsonrpc: '2.0', id, method, params });
    return new Promise((resolve) => this.#waiting.set(id, (m) => resolve(m.result as T)));
  }

  /** open opens a document and waits for its first diagnostics, i.e. until its schema is loaded. */
  open(uri: string, text: string): Promise<unknown> {
    const published = new Promise((resolve) => this.#diagnostics.set(uri, resolve));
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return published;
  }

  close(): void {
    this.#child.kill();
  }
}

const client = new LspClient();
const folder = `${pathToFileURL(repoRoot).href}plans/examples/`;
// The modeline exactly as the examples carry it.
const modeline =
  readFileSync(`${repoRoot}plans/examples/huaweicloud.kms.grant.yaml`, 'utf8').split('\n')[0] ?? '';

beforeAll(async () => {
  await client.request('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(repoRoot).href,
    capabilities: {},
  });
  client.notify('initialized', {});
  client.notify('workspace/didChangeConfiguration', {
    settings: { yaml: { completion: true, validate: true, schemaStore: { enable: false } } },
  });
});
afterAll(() => client.close());

async function complete(name: string, lines: string[], line: number, character: number): Promise<string[]> {
  const uri = `${folder}${name}`;
  await client.open(uri, `${[modeline, ...lines].join('\n')}\n`);
  const result = await client.request<{ items: { label: string }[] } | null>('textDocument/completion', {
    textDocument: { uri },
    position: { line: line + 1, character },
  });
  return (result?.items ?? []).map((i) => i.label);
}

const head = [
  'apiVersion: rescind/v1',
  'kind: RevocationPlan',
  'metadata: {name: x, reason: y}',
  'spec:',
  '  revocations:',
];

describe('completion from the modeline of the examples', () => {
  it('is the modeline the examples use', () => {
    expect(modeline).toBe('# yaml-language-server: $schema=../../dist/schemas/plan.schema.json');
  });

  it('offers every revocation type as the value of type', async () => {
    const labels = await complete('types.yaml', [...head, '    - id: a', '      type: '], 6, 12);
    expect([...labels].sort()).toEqual([...typeNames].sort());
  });

  it("offers a KMS grant target's fields, from the type's own schema", async () => {
    const lines = [
      ...head,
      '    - id: a',
      '      type: huaweicloud.kms.grant',
      '      account: hw-prod',
      '      target:',
      '        ',
    ];
    const labels = await complete('kms.yaml', lines, 9, 8);
    expect(labels).toEqual(expect.arrayContaining(['keyId', 'grantId']));
    expect(labels).not.toContain('clusterId');
  });

  it('offers the CCM revocation reasons', async () => {
    const lines = [
      ...head,
      '    - id: a',
      '      type: huaweicloud.ccm.subordinate-ca',
      '      account: hw-prod',
      '      target: {caId: 6434f74f-2d13-4e6a-89eb-93ee313f1a43}',
      '      with:',
      '        reason: ',
    ];
    const labels = await complete('ccm.yaml', lines, 10, 16);
    expect(labels).toEqual(expect.arrayContaining(['KEY_COMPROMISE', 'CERTIFICATE_AUTHORITY_COMPROMISE']));
  });
});
