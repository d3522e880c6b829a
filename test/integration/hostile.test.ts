import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.ts';
import { createServer, listen } from '../../electron/engine/server.ts';
import { apiMethods } from '../../shared/api.ts';
import { ensureRendererBuilt } from '../helpers/build-renderer.ts';
import { ROOT } from '../helpers/cli-process.ts';
import { TEST_TOKEN, testEngine } from '../helpers/engine.ts';
import { amPayload, podAlert } from '../helpers/payload.ts';

let engine: Engine;
let url: string;
let port: number;
let close: () => Promise<void>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = () => (engine.db.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n;

beforeAll(async () => {
  engine = testEngine();
  ensureRendererBuilt();
  const staticDir = path.join(ROOT, 'out', 'renderer');
  const server = createServer(engine, { staticDir, headersTimeoutMs: 1_000, requestTimeoutMs: 3_000 });
  const addr = await listen(server, '127.0.0.1', 0);
  port = addr.port;
  url = `http://127.0.0.1:${port}`;
  close = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
}, 120_000);
afterAll(async () => {
  await close();
  await engine.close();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}`, ...headers },
    body,
  });
const alive = async () => (await fetch(`${url}/healthz`)).status === 200;

describe('hostile input: the server keeps serving and stores nothing bad', () => {
  it('random JSON to the webhook: always a clear 4xx (or 200 for a valid payload), never a crash', async () => {
    const before = count();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (v) => {
        const res = await post('/webhook/alertmanager', JSON.stringify(v));
        const body = (await res.json()) as { error?: string };
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(body.error).toMatch(/./);
      }),
      { numRuns: 150 },
    );
    expect(count()).toBe(before);
    expect(await alive()).toBe(true);
  });

  it('payload-shaped garbage: odd Unicode, huge and malformed labels, deep nesting, 10 MB bodies', async () => {
    const before = count();
    const arb = fc.record({
      name: fc.oneof(
        fc.string(),
        fc.constant('alertname'),
        fc.constant('__proto__'),
        fc.constant('a b'),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
      ),
      value: fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.constant('x'.repeat(5_000)),
        fc.constant('\u0000\u202e\ud83d\udd25'),
      ),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ name, value }) => {
        const res = await post(
          '/webhook/alertmanager',
          JSON.stringify(amPayload([{ labels: { alertname: 'Fuzz', [name]: value } }])),
        );
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 100 },
    );
    // Only well-formed ones were stored, and what is stored is what was sent.
    const stored = engine.db.prepare('SELECT labels FROM incidents').all() as Array<{ labels: string }>;
    for (const r of stored)
      expect(
        Object.values(JSON.parse(r.labels) as Record<string, string>).every((v) => v.length <= 4096),
      ).toBe(true);
    expect(count()).toBeGreaterThanOrEqual(before);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect((await post('/webhook/alertmanager', deep)).status).toBe(400);
    const huge = JSON.stringify({ ...amPayload([podAlert('p')]), pad: 'x'.repeat(10 * 1024 * 1024) });
    expect((await post('/webhook/alertmanager', huge).catch(() => ({ status: 413 }))).status).toBe(413);
    expect(await alive()).toBe(true);
  });

  it('random input to every API route: never a 500', async () => {
    const routes = Object.values(apiMethods).map((m) => m.http);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(
          fc.constant('1'),
          fc.constant('-1'),
          fc.constant('99999999999999999999'),
          fc.constant('%00'),
          fc.string({ maxLength: 20 }),
        ),
        fc.dictionary(
          fc.string({ maxLength: 8 }),
          fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)),
        ),
        fc.jsonValue({ maxDepth: 4 }),
        async (route, id, query, body) => {
          const path = route.path.replace(':id', encodeURIComponent(id));
          const qs = new URLSearchParams(query).toString();
          const res = await fetch(`${url}${path}${qs ? `?${qs}` : ''}`, {
            method: route.method,
            headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
            ...(route.method === 'GET' ? {} : { body: JSON.stringify(body) }),
          });
          expect(res.status, `${route.method} ${path}`).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
    expect(await alive()).toBe(true);
  });

  it('path traversal against the static files finds nothing outside the UI', async () => {
    for (const p of [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/..%5c..%5cpackage.json',
      '/%00',
      '/....//....//etc/passwd',
    ]) {
      const res = await fetch(`${url}${p}`);
      const text = await res.text();
      expect(text, p).not.toMatch(/root:x:0:0|"name": "oncall-scout"/);
    }
    // Raw paths (fetch normalises "..", a socket does not).
    const raw = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () =>
        s.write('GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      let out = '';
      s.on('data', (d) => (out += d));
      s.on('close', () => resolve(out));
    });
    expect(raw).not.toMatch(/root:x:0:0/);
  });

  it('slow-loris: a client that never finishes its headers is cut off, others are served meanwhile', async () => {
    const s = net.connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.write('POST /webhook/alertmanager HTTP/1.1\r\nHost: x\r\n');
    const dripper = setInterval(() => s.write('X-Slow: 1\r\n'), 200);
    const closed = new Promise<number>((resolve) => {
      const t0 = Date.now();
      s.on('close', () => resolve(Date.now() - t0));
      s.on('error', () => {});
    });
    expect(await alive()).toBe(true);
    const ms = await closed;
    clearInterval(dripper);
    expect(ms).toBeLessThan(4_000);
  });

  it('a kept-alive connection may idle (Alertmanager reuses it), but a slow request on it is still cut off', {
    timeout: 15_000,
  }, async () => {
    const s = net.connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    let out = '';
    s.on('data', (d) => (out += d));
    s.on('error', () => {});
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    const answered = async (n: number) => {
      for (let i = 0; i < 100 && (out.match(/HTTP\/1\.1 200/g) ?? []).length < n; i++) await sleep(20);
      return (out.match(/HTTP\/1\.1 200/g) ?? []).length;
    };
    const healthz = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
    s.write(healthz);
    expect(await answered(1)).toBe(1);
    // Idle for longer than the header timeout (1 s here) and Node's default keep-alive (5 s, closed
    // at 6): the connection stays open and serves again.
    await sleep(6_500);
    s.write(healthz);
    expect(await answered(2)).toBe(2);
    // A next request whose headers never finish is cut off as on a fresh connection.
    const t0 = Date.now();
    s.write('POST /webhook/alertmanager HTTP/1.1\r\nHost: x\r\n');
    const dripper = setInterval(() => s.write('X-Slow: 1\r\n'), 200);
    await closed;
    clearInterval(dripper);
    expect(Date.now() - t0).toBeLessThan(4_000);
  });

  it('a slow body is cut off too', async () => {
    const s = net.connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.write(
      `POST /webhook/alertmanager HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nContent-Length: 100000\r\n\r\n{`,
    );
    const dripper = setInterval(() => s.write(' '), 200);
    const answer = await new Promise<string>((resolve) => {
      let out = '';
      s.on('data', (d) => (out += d));
      s.on('close', () => resolve(out));
      s.on('error', () => resolve(out));
    });
    clearInterval(dripper);
    expect(answer === '' || /408|400/.test(answer)).toBe(true);
    expect(await alive()).toBe(true);
  });

  it('token guessing: wrong tokens are answered later and later; the right token never waits', async () => {
    const timed = async (token: string) => {
      const t0 = Date.now();
      const res = await fetch(`${url}/api/incidents`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      return { status: res.status, ms: Date.now() - t0 };
    };
    const guesses = [];
    for (let i = 0; i < 9; i++) guesses.push(await timed(`guess-${i}-aaaaaaaaaaaaaaaa`));
    expect(guesses.every((g) => g.status === 401)).toBe(true);
    expect(guesses[0]!.ms).toBeLessThan(100);
    expect(guesses.at(-1)!.ms).toBeGreaterThanOrEqual(700);
    const right = await timed(TEST_TOKEN);
    expect(right.status).toBe(200);
    expect(right.ms).toBeLessThan(500);
  });
});
