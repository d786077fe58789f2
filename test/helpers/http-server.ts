// A real node:http server on 127.0.0.1:0 for the HTTP layer's tests: it records every request exactly as
// received (raw path and query, headers, body bytes, which socket) and answers with a test's handler.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Received is one request as the server got it. */
export interface Received {
  readonly method: string;
  /** path is the raw path without query; query the raw query string without `?`. */
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** socket numbers connections in order of arrival, from 1. */
  readonly socket: number;
}

/** Handler answers request number index (0-based); it may destroy res.socket to drop the connection. */
export type Handler = (req: Received, res: ServerResponse, index: number) => void | Promise<void>;

/** TestServer is a running server; close() also ends kept-alive and hanging connections. */
export interface TestServer {
  readonly origin: string;
  readonly received: Received[];
  /** sockets is how many connections were opened. */
  readonly sockets: () => number;
  close(): Promise<void>;
}

/** startServer listens on 127.0.0.1 at a free port. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const received: Received[] = [];
  const ids = new WeakMap<Socket, number>();
  let sockets = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const r: Received = {
        method: req.method ?? 'GET',
        path: q < 0 ? url : url.slice(0, q),
        query: q < 0 ? '' : url.slice(q + 1),
        headers,
        body: Buffer.concat(chunks),
        socket: ids.get(req.socket) ?? 0,
      };
      const index = received.length;
      received.push(r);
      Promise.resolve(handler(r, res, index)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets += 1;
    ids.set(socket, sockets);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    sockets: () => sockets,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** json answers status with a JSON body and extra headers. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}
