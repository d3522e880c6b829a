import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * A loopback proxy in front of a real server (Prometheus, Alertmanager) that records what each request
 * carried — to check credentials arrive, and arrive only where they should. When the upstream does not
 * answer it says 502 in plain text, like a gateway would.
 */
export async function startRecordingProxy(upstream: string) {
  const calls: RecordedCall[] = [];
  const server = http.createServer((req, res) => {
    calls.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers } });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = http.request(
        new URL(req.url ?? '/', upstream),
        { method: req.method, headers: { ...req.headers, host: new URL(upstream).host } },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway\n'));
      up.end(chunks.length ? Buffer.concat(chunks) : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    /** The calls whose path starts with `prefix`. */
    to: (prefix: string) => calls.filter((c) => c.url.startsWith(prefix)),
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
