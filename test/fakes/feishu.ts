/**
 * Stand-in for a Feishu/Lark custom-bot webhook (PROTOCOLS §4): signature check (HMAC key
 * "timestamp\nsecret", empty message, ±1 h), msg_type rules (interactive needs a top-level `card`),
 * the keyword setting, the 20 KB body limit, the per-bot rate limits (5/s, 100/min), and errors that
 * come back with HTTP 200 and a `code`. Loopback only.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** 'accept-then-hang': the card reaches the group, but the answer never comes back (a crash window). */
export type FakeFeishuMode =
  | 'ok'
  | 'http-500'
  | 'html-502'
  | 'reset'
  | 'hang'
  | 'rate-limited'
  | 'accept-then-hang';

export interface FakeFeishuOptions {
  secret?: string;
  keyword?: string;
  mode?: FakeFeishuMode;
  /** Enforce 5 requests/s and 100/min (default true). */
  rateLimits?: boolean;
  /** Unix seconds "now" for the signature window (default the real clock). */
  now?: () => number;
}

export interface FeishuRequest {
  at: number;
  body: Record<string, unknown> | null;
  raw: string;
  /** The answer given: code 0 means the card reached the group. */
  code: number;
}

export interface FakeFeishu {
  /** The webhook URL of the one bot this server hosts. */
  url: string;
  token: string;
  requests: FeishuRequest[];
  /** Cards that reached the group (code 0). */
  delivered(): Array<Record<string, unknown>>;
  setOptions(o: Partial<FakeFeishuOptions>): void;
  close(): Promise<void>;
}

const OK = { code: 0, msg: 'success', data: {}, Extra: null, StatusCode: 0, StatusMessage: 'success' };
const MSG_TYPES = new Set(['text', 'post', 'image', 'share_chat', 'interactive']);

export function expectedSign(ts: string, secret: string): string {
  return crypto.createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64');
}

export async function startFakeFeishu(initial: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  let opts: FakeFeishuOptions = { rateLimits: true, mode: 'ok', ...initial };
  const token = crypto.randomUUID();
  const requests: FeishuRequest[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();
  let sentTimes: number[] = [];

  const answer = (res: http.ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  /** The rules Feishu applies, in order, for an accepted connection. Returns [http status, body]. */
  const judge = (raw: string, now: number): [number, { code: number; msg: string; data?: object }] => {
    if (Buffer.byteLength(raw) > 20 * 1024) return [400, { code: 9499, msg: 'Bad Request' }];
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return [400, { code: 9499, msg: 'Bad Request' }];
    }
    if (opts.rateLimits !== false) {
      sentTimes = sentTimes.filter((t) => now - t < 60_000);
      const inSecond = sentTimes.filter((t) => now - t < 1_000).length;
      if (inSecond >= 5 || sentTimes.length >= 100) {
        return [200, { code: 11232, msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]' }];
      }
    }
    if (opts.secret) {
      const ts = String(body.timestamp ?? '');
      const clock = opts.now?.() ?? Math.floor(now / 1000);
      const fresh = /^\d+$/.test(ts) && Math.abs(clock - Number(ts)) <= 3600;
      if (!fresh || body.sign !== expectedSign(ts, opts.secret)) {
        return [
          200,
          {
            code: 19021,
            msg: 'sign match fail or timestamp is not within one hour from current time',
            data: {},
          },
        ];
      }
    }
    const type = body.msg_type;
    if (typeof type !== 'string') return [200, { code: 19002, msg: 'params error, msg_type need', data: {} }];
    if (!MSG_TYPES.has(type))
      return [200, { code: 19002, msg: `params error, msg_type ${type} invalid`, data: {} }];
    if (type === 'interactive' && (typeof body.card !== 'object' || body.card === null)) {
      return [200, { code: 19002, msg: 'params error, unknown card value', data: {} }];
    }
    if (opts.keyword && !raw.includes(opts.keyword))
      return [200, { code: 19024, msg: 'Key Words Not Found' }];
    return [200, OK];
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const now = Date.now();
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        parsed = null;
      }
      const record = (code: number) => requests.push({ at: now, body: parsed, raw, code });
      if (req.method !== 'POST' || req.url !== `/open-apis/bot/v2/hook/${token}`) {
        record(19001);
        return answer(res, 200, {
          code: 19001,
          msg: 'param invalid: incoming webhook access token invalid',
          data: {},
        });
      }
      switch (opts.mode) {
        case 'reset':
          record(-1);
          return req.socket.destroy();
        case 'hang':
          record(-1);
          hanging.add(res);
          return;
        case 'http-500':
          record(-1);
          return answer(res, 500, { code: 500, msg: 'internal error' });
        case 'html-502':
          record(-1);
          res.writeHead(502, { 'content-type': 'text/html' });
          return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        case 'rate-limited':
          record(11232);
          return answer(res, 200, { code: 11232, msg: 'frequency limited' });
      }
      const [status, body] = judge(raw, now);
      if (body.code === 0) sentTimes.push(now);
      record(body.code);
      if (opts.mode === 'accept-then-hang') {
        hanging.add(res);
        return;
      }
      answer(res, status, body);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/open-apis/bot/v2/hook/${token}`,
    token,
    requests,
    delivered: () => requests.filter((r) => r.code === 0).map((r) => r.body!),
    setOptions(o) {
      opts = { ...opts, ...o };
    },
    close() {
      for (const res of hanging) res.destroy();
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
