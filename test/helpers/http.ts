import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../../electron/engine/engine.ts';
import { createServer, listen } from '../../electron/engine/server.ts';
import { TEST_TOKEN } from './engine.ts';

export interface TestServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

export async function serveEngine(engine: Engine, staticDir?: string): Promise<TestServer> {
  const server = createServer(engine, { staticDir });
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
