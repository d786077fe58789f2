// yaml-language-server (the engine of the VS Code YAML extension) driven over LSP stdio, as an editor
// drives it: for the editor tests (test/editor/), which need the schema bundles of dist/schemas/.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.js';

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
}

/** LspClient is one yaml-language-server process and the JSON-RPC over its stdin and stdout. */
export class LspClient {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting = new Map<number, (m: Message) => void>();
  readonly #diagnostics = new Map<string, (d: unknown) => void>();
  #buffer = Buffer.alloc(0);
  #id = 0;
  #settings: Readonly<Record<string, unknown>> = {};
  #configured: () => void = () => {};

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
      // A request from the server: configuration gets the settings of start (the server pulls them
      // whenever told they changed), the rest an empty answer.
      const items = (m.params as { items?: { section?: string }[] } | undefined)?.items;
      this.#send({
        jsonrpc: '2.0',
        id: m.id,
        result:
          m.method === 'workspace/configuration'
            ? items?.map((i) => (i.section === 'yaml' ? this.#settings : null))
            : null,
      });
      if (m.method === 'workspace/configuration') this.#configured();
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

  /**
   * start initializes the server on the repository, with the `yaml` settings given on top of
   * completion, hover and validation on and SchemaStore off (no download of its catalog).
   */
  async start(yaml: Readonly<Record<string, unknown>> = {}): Promise<void> {
    this.#settings = {
      completion: true,
      hover: true,
      validate: true,
      schemaStore: { enable: false },
      ...yaml,
    };
    await this.request('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(repoRoot).href,
      capabilities: { workspace: { configuration: true } },
    });
    this.notify('initialized', {});
    // Documents are opened only once the server has its settings, so that no schema is missed.
    const configured = new Promise<void>((resolve) => {
      this.#configured = resolve;
    });
    this.notify('workspace/didChangeConfiguration', { settings: null });
    await configured;
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

  /** completion is the labels of the completion items at a position (0-based line and character). */
  async completion(uri: string, line: number, character: number): Promise<CompletionItem[]> {
    const result = await this.request<{ items: CompletionItem[] } | CompletionItem[] | null>(
      'textDocument/completion',
      { textDocument: { uri }, position: { line, character } },
    );
    return Array.isArray(result) ? result : (result?.items ?? []);
  }

  /** hover is the text of the hover at a position (0-based line and character), empty when none. */
  async hover(uri: string, line: number, character: number): Promise<string> {
    const result = await this.request<{ contents: unknown } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line, character },
    });
    const text = (c: unknown): string =>
      typeof c === 'string'
        ? c
        : Array.isArray(c)
          ? c.map(text).join('\n')
          : String((c as { value?: unknown } | undefined)?.value ?? '');
    return result === null ? '' : text(result.contents);
  }

  close(): void {
    this.#child.kill();
  }
}

/** CompletionItem is the part of an LSP completion item the tests read. */
export interface CompletionItem {
  label: string;
  insertText?: string;
  detail?: string;
  documentation?: unknown;
}
