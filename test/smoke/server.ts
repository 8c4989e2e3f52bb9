import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server with pass, fail, slow, flaky and hanging routes, for smoke-test tests. */
export interface TestServer {
  readonly url: string;
  /** Requests seen per path. */
  readonly hits: Map<string, number>;
  /** Headers of the last request per path. */
  readonly headers: Map<string, http.IncomingHttpHeaders>;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 with a free port. `/flaky` fails its first `flakyFailures` requests. */
export async function startTestServer(flakyFailures = 2): Promise<TestServer> {
  const hits = new Map<string, number>();
  const headers = new Map<string, http.IncomingHttpHeaders>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const count = (hits.get(path) ?? 0) + 1;
    hits.set(path, count);
    headers.set(path, req.headers);
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    };
    switch (path) {
      case '/ok':
        return send(200, 'status: healthy');
      case '/fail':
        return send(500, 'internal error');
      case '/created':
        return req.method === 'POST' ? send(201, 'created') : send(405, 'method not allowed');
      case '/slow':
        return void setTimeout(() => send(200, 'status: healthy'), 150);
      case '/flaky':
        return count <= flakyFailures ? send(503, 'warming up') : send(200, 'status: healthy');
      case '/hang':
        return; // never answers: the client's timeout must end the request
      default:
        return send(404, 'not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
