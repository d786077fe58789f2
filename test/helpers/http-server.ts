// A real node:http (or node:https) server on 127.0.0.1:0 for the HTTP layer's tests: it records every
// request exactly as received (raw path and query, headers, body bytes, which socket) and answers with a
// test's handler. Also a raw TCP server that answers with whatever bytes a test writes.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';

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

/** ServerTls makes the server speak HTTPS with this key and certificate chain (PEM). */
export interface ServerTls {
  readonly key: string;
  readonly cert: string;
}

/** startServer listens on 127.0.0.1 at a free port; with tls, it speaks HTTPS (origin `https://127.0.0.1:PORT`). */
export async function startServer(handler: Handler, options: { tls?: ServerTls } = {}): Promise<TestServer> {
  const received: Received[] = [];
  const ids = new WeakMap<Socket, number>();
  let sockets = 0;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
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
  };
  const server =
    options.tls === undefined ? createServer(listener) : createHttpsServer(options.tls, listener);
  // A TLS server's request sockets are TLS sockets: count those, once their handshake is done.
  server.on(options.tls === undefined ? 'connection' : 'secureConnection', (socket: Socket) => {
    sockets += 1;
    ids.set(socket, sockets);
  });
  // A client that refuses the certificate ends the handshake: not a failure of the test server.
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
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

/** RawServer is a TCP server that answers each connection with what a test writes; requests counts them. */
export interface RawServer {
  readonly origin: string;
  /** requests counts the connections that sent something. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/**
 * startRawServer listens on 127.0.0.1 at a free port and, once a connection has sent its first bytes,
 * calls answer with that socket and the connection's index (from 0): it writes whatever bytes it likes.
 */
export async function startRawServer(answer: (socket: Socket, index: number) => void): Promise<RawServer> {
  let requests = 0;
  const open = new Set<Socket>();
  const server = createNetServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
    socket.once('data', () => answer(socket, requests++));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: async () => {
      for (const socket of open) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
