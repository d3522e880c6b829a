import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../../electron/engine/engine.ts';
import { createServer, listen, type ServerOptions } from '../../electron/engine/server.ts';
import { TEST_TOKEN } from './engine.ts';

export interface TestServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

export async function serveEngine(engine: Engine, opts: ServerOptions = {}): Promise<TestServer> {
  const server = createServer(engine, opts);
  const addr: AddressInfo = await listen(server, '127.0.0.1', 0);
  return {
    url: `http://127.0.0.1:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function postJson(
  url: string,
  body: unknown,
  token: string | null = TEST_TOKEN,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Alertmanager/0.25.0',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : `${JSON.stringify(body)}\n`,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

export async function getJson<T = Record<string, unknown>>(url: string, token: string | null = TEST_TOKEN) {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

/** Polls until `check` returns a value, or fails after `timeoutMs` with the last value seen. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    const v = await check();
    if (v) return v;
    last = v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/**
 * Posts `bodies` to `url` all at once over kept-alive connections, the way Alertmanager flushes many
 * groups together: a worker thread opens a connection per body, then writes every request while this
 * thread (which runs the server under test) is held, so they are all waiting when the server next
 * looks. Resolves with each answer, in order.
 */
export async function postTogether(
  url: string,
  bodies: unknown[],
): Promise<Array<{ status: number; body: Record<string, unknown> }>> {
  const { Worker } = await import('node:worker_threads');
  const step = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const http = require('node:http');
     const { workerData, parentPort } = require('node:worker_threads');
     const { url, bodies, token, step } = workerData;
     const agent = new http.Agent({ keepAlive: true, maxSockets: bodies.length });
     const send = (method, path, text) => new Promise((resolve, reject) => {
       const req = http.request(url + path, { method, agent, headers: text === undefined ? {} : {
         'content-type': 'application/json', 'content-length': Buffer.byteLength(text),
         authorization: 'Bearer ' + token } }, (res) => {
         let data = '';
         res.setEncoding('utf8');
         res.on('data', (c) => (data += c));
         res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(data) }));
       });
       req.on('error', reject);
       req.end(text, () => {
         if (text !== undefined && Atomics.add(step, 0, 1) === bodies.length) Atomics.notify(step, 0);
       });
     });
     (async () => {
       await Promise.all(bodies.map(() => send('GET', '/healthz')));
       Atomics.store(step, 0, 1);
       Atomics.notify(step, 0);
       return Promise.all(bodies.map((b) => send('POST', '/webhook/alertmanager', JSON.stringify(b))));
     })().then((a) => parentPort.postMessage(a), (e) => parentPort.postMessage({ error: String(e) }));`,
    { eval: true, workerData: { url, bodies, token: TEST_TOKEN, step } },
  );
  const answers = new Promise<unknown>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  // The connections are opened (this thread serves them meanwhile), then held while the burst is written.
  for (let i = 0; i < 500 && Atomics.load(step, 0) === 0; i++) await new Promise((r) => setTimeout(r, 10));
  Atomics.wait(step, 0, 1, 5_000);
  const out = (await answers) as Array<{ status: number; body: Record<string, unknown> }> | { error: string };
  await worker.terminate();
  if (!Array.isArray(out)) throw new Error(out.error);
  return out;
}
