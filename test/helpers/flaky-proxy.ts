import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FlakyMode = 'pass' | 'down' | 'hang' | 'html' | 'not-a-list' | 'partial' | 'error500';

/**
 * An HTTP proxy in front of a real server that can be told to misbehave: drop connections (down), never
 * answer (hang), answer a login page (html), JSON that is not an alert list, a list with a broken entry
 * (partial), or a 500. Loopback only; hanging requests are released by close().
 */
export async function startFlakyProxy(upstream: string) {
  let mode: FlakyMode = 'pass';
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      switch (mode) {
        case 'down':
          req.socket.destroy();
          return;
        case 'hang':
          hanging.add(res);
          return;
        case 'html':
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
          return;
        case 'not-a-list':
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":[]}');
          return;
        case 'error500':
          res.writeHead(500, { 'content-type': 'text/plain' }).end('internal server error');
          return;
      }
      const up = http.request(
        new URL(req.url ?? '/', upstream),
        { method: req.method, headers: { ...req.headers, host: new URL(upstream).host } },
        (r) => {
          const body: Buffer[] = [];
          r.on('data', (c: Buffer) => body.push(c));
          r.on('end', () => {
            let text = Buffer.concat(body).toString('utf8');
            if (mode === 'partial' && req.url?.startsWith('/api/v2/alerts') && text.startsWith('['))
              text = JSON.stringify([...JSON.parse(text), { labels: 'broken', fingerprint: 'zz' }]);
            res.writeHead(r.statusCode ?? 502, { 'content-type': String(r.headers['content-type'] ?? '') });
            res.end(text);
          });
        },
      );
      up.on('error', () => res.writeHead(502).end());
      up.end(chunks.length ? Buffer.concat(chunks) : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setMode(m: FlakyMode) {
      mode = m;
      if (m !== 'hang') {
        for (const res of hanging) res.destroy();
        hanging.clear();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
