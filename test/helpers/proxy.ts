// A real HTTP proxy on 127.0.0.1:0 for the network tests: CONNECT tunnels (node:http's 'connect' event,
// piped both ways to the target) and plain forwarding of absolute-form requests (`GET http://host/path`).
// It records what it was asked, with the Proxy-Authorization it got, and connects every target host to
// 127.0.0.1 at the target's port, so that tests can name hosts that do not resolve (kms.rescind.test).

import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/** ProxyRequest is one request the proxy got: a CONNECT to host:port, or a forwarded absolute URL. */
export interface ProxyRequest {
  readonly method: string;
  /** target is `host:port` for CONNECT, the absolute URL otherwise. */
  readonly target: string;
  readonly authorization: string | undefined;
}

/** ProxyOptions: credentials (`user:password`) the proxy requires (407 otherwise); a status to refuse every request with. */
export interface ProxyOptions {
  readonly credentials?: string;
  readonly refuse?: number;
}

/** TestProxy is a running proxy; close() also ends its tunnels. */
export interface TestProxy {
  /** origin is `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** port is the proxy's port. */
  readonly port: number;
  readonly requests: ProxyRequest[];
  close(): Promise<void>;
}

/** startProxy starts a proxy on 127.0.0.1 at a free port. */
export async function startProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const requests: ProxyRequest[] = [];
  const open = new Set<Socket>();
  const expected =
    options.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(options.credentials).toString('base64')}`;
  const refusal = (authorization: string | undefined): number | undefined => {
    if (options.refuse !== undefined) return options.refuse;
    if (expected !== undefined && authorization !== expected) return 407;
    return undefined;
  };
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
  };

  const server = createServer((req, res) => {
    const authorization = req.headers['proxy-authorization'];
    requests.push({ method: req.method ?? 'GET', target: req.url ?? '', authorization });
    const refused = refusal(authorization);
    if (refused !== undefined) {
      res.writeHead(refused, refused === 407 ? { 'proxy-authenticate': 'Basic realm="test"' } : {});
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    track(client);
    const authorization = req.headers['proxy-authorization'];
    const target = req.url ?? '';
    requests.push({ method: 'CONNECT', target, authorization });
    const refused = refusal(authorization);
    if (refused !== undefined) {
      const extra = refused === 407 ? 'Proxy-Authenticate: Basic realm="test"\r\n' : '';
      client.end(`HTTP/1.1 ${refused} Refused\r\n${extra}Content-Length: 0\r\n\r\n`);
      return;
    }
    const port = Number(target.slice(target.lastIndexOf(':') + 1));
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  server.on('connection', track);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      for (const socket of open) socket.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
