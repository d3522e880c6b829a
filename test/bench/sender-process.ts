/**
 * The storm's webhook sender in its own process: it does nothing but post (or relay Alertmanager's
 * notifications) and time, so its clock is not delayed by the browser automation and the event stream the
 * load generator also runs. Line protocol on stdin, one JSON answer per line on stdout:
 *   `load FILE`        reads a JSON array of payload texts → {"loaded":N}
 *   `post URL I`       posts payload I to URL's webhook (answers nothing; times it)
 *   `proxy UPSTREAM`   relays POSTs to UPSTREAM, timing each from the request's last byte to the answer's
 *                      → {"url":"http://127.0.0.1:PORT"}
 *   `stats`            once every post has been answered → {"times":[…],"server":{…},"failed":N}
 * `server` holds the engine's own share of each answer and its parts (its Server-Timing header).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { addServerTiming, postWebhook, type Shares } from './harness.ts';

const times: number[] = [];
const server: Shares = {};
let failed = 0;
let bodies: string[] = [];
const pending = new Set<Promise<void>>();
// No limit on connections, as Alertmanager's client has none (prometheus/common: MaxConnsPerHost 0): a
// burst of group notifications all reach the engine at once. A capped pool would queue them here, in the
// relay, and count that wait as the engine's.
const upstreamAgent = new http.Agent({ keepAlive: true });

const answer = (x: unknown) => process.stdout.write(`${JSON.stringify(x)}\n`);

function track(p: Promise<void>): void {
  pending.add(p);
  void p.finally(() => pending.delete(p));
}

function relay(
  upstream: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer,
  retried = false,
): void {
  const t0 = performance.now();
  const out = http.request(
    `${upstream}${req.url}`,
    {
      method: req.method,
      agent: upstreamAgent,
      headers: {
        'content-type': req.headers['content-type'] ?? 'application/json',
        'content-length': body.length,
        authorization: req.headers.authorization ?? '',
      },
    },
    (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        times.push(performance.now() - t0);
        addServerTiming(up, server);
        if (up.statusCode !== 200) failed++;
        res
          .writeHead(up.statusCode ?? 502, { 'content-type': 'application/json' })
          .end(Buffer.concat(chunks));
      });
    },
  );
  out.on('error', (err: NodeJS.ErrnoException) => {
    // The engine closed an idle kept-alive connection as this went out: nothing arrived, send it again.
    if (out.reusedSocket && err.code === 'ECONNRESET' && !retried)
      return relay(upstream, req, res, body, true);
    failed++;
    res.writeHead(502).end(String(err));
  });
  out.end(body);
}

async function startProxy(upstream: string): Promise<string> {
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => relay(upstream, req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

for await (const line of createInterface({ input: process.stdin })) {
  const [verb, a, b] = line.trim().split(' ');
  if (verb === 'load') {
    bodies = JSON.parse(fs.readFileSync(a!, 'utf8')) as string[];
    answer({ loaded: bodies.length });
  } else if (verb === 'post') {
    track(
      postWebhook(a!, bodies[Number(b)]!, server).then(
        (ms) => void times.push(ms),
        () => void failed++,
      ),
    );
  } else if (verb === 'proxy') {
    answer({ url: await startProxy(a!) });
  } else if (verb === 'stats') {
    await Promise.all(pending);
    answer({ times, server, failed });
  }
}
