import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from './engine.ts';
import { compileRoutes, handleApi, matchRoute } from './http/api-routes.ts';
import { AuthBackoff } from './http/auth-backoff.ts';
import { readJson } from './http/body.ts';
import { HttpError, sendError, sendJson } from './http/respond.ts';
import { openEventStream } from './http/sse.ts';
import { serveStatic } from './http/static.ts';
import { parseWebhook } from './intake/webhook.ts';
import { isDiskFull, lastLockWaitMs } from './store/db.ts';
import { tokenMatches } from './token.ts';
import { VERSION } from './version.ts';

export interface ServerOptions {
  /** Folder of the built renderer; without it only the API is served. */
  staticDir?: string;
  /** A client must send its headers within this (slow-loris); default 10 s. */
  headersTimeoutMs?: number;
  /** …and its whole request within this; default 30 s. */
  requestTimeoutMs?: number;
  /** An idle kept-alive connection is closed after this; default 5½ minutes. */
  keepAliveTimeoutMs?: number;
  /** An event-stream client with this many bytes unread is disconnected; default 16 MiB. */
  eventStreamMaxBuffered?: number;
}

const WEBHOOK_PATHS = new Set(['/webhook/alertmanager', '/webhook/analyze']);

/**
 * HTTP face of the engine: the Alertmanager webhook, the API of shared/api.ts, its events as SSE and the
 * UI. Everything but /healthz and the UI's static files needs the bearer token.
 */
export function createServer(engine: Engine, opts: ServerOptions = {}): http.Server {
  const routes = compileRoutes();
  // Slow clients must not pin connections forever (slow-loris); the timeouts are checked every second.
  const server = http.createServer(
    {
      headersTimeout: opts.headersTimeoutMs ?? 10_000,
      requestTimeout: opts.requestTimeoutMs ?? 30_000,
      connectionsCheckingInterval: 1_000,
      // Longer than Alertmanager's HTTP client keeps an idle connection (5 minutes): it then closes them
      // itself, never at the moment it sends a notification on one we closed (a POST is not retried), and
      // a burst of group notifications arrives on open connections, to be stored together.
      keepAliveTimeout: opts.keepAliveTimeoutMs ?? 330_000,
    },
    (req, res) => {
      handle(req, res).catch((err) => {
        if (!res.headersSent) sendError(res, 500, `internal error: ${(err as Error).message}`);
        else res.destroy();
      });
    },
  );

  const backoff = new AuthBackoff();
  const authorized = (req: http.IncomingMessage, url: URL, allowQuery: boolean): boolean => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const ok = tokenMatches(engine.token, bearer ?? (allowQuery ? url.searchParams.get('token') : null));
    if (ok) backoff.succeed(req.socket.remoteAddress ?? '');
    return ok;
  };
  /** 401, held longer after each wrong guess from the same address. */
  const unauthorized = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const delay = backoff.fail(req.socket.remoteAddress ?? '');
    if (!delay) {
      deny(res);
      return;
    }
    const timer = setTimeout(() => deny(res), delay);
    res.on('close', () => clearTimeout(timer));
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path === '/healthz') return sendJson(res, 200, { ok: true, version: VERSION });

    if (WEBHOOK_PATHS.has(path)) {
      if (method !== 'POST') return sendError(res, 405, 'use POST', {});
      if (!authorized(req, url, false)) return unauthorized(req, res);
      const started = performance.now();
      try {
        const body = await readJson(req, engine.config.maxBodyBytes);
        const read = performance.now();
        let validated = read;
        // The analysis's writes give way while a payload that has arrived is validated and stored.
        const r = await engine.intakeGate.during(() => {
          const alerts = parseWebhook(body);
          validated = performance.now();
          return engine.ingestWebhook(alerts);
        });
        // The engine's own share of the latency, for benchmarks and browsers' network panels (the rest is
        // the network and the client): in all, then its parts — the body's arrival and JSON parse, the
        // payload's validation, and the commit (writing, fsync, and the payloads stored together with this
        // one); `lock` is the part of the commit spent waiting for the analysis worker's write lock.
        const done = performance.now();
        const timing = [
          `intake;dur=${(done - started).toFixed(2)}`,
          `read;dur=${(read - started).toFixed(2)}`,
          `validate;dur=${(validated - read).toFixed(2)}`,
          `store;dur=${(done - validated).toFixed(2)}`,
          `lock;dur=${lastLockWaitMs().toFixed(2)}`,
        ].join(', ');
        return sendJson(
          res,
          200,
          { accepted: r.accepted, duplicates: r.duplicates },
          { 'server-timing': timing },
        );
      } catch (err) {
        if (err instanceof HttpError)
          return sendError(res, err.status, err.message, err.field ? { field: err.field } : {});
        if (isDiskFull(err)) {
          return sendError(
            res,
            503,
            `the disk is full: nothing was stored; free space on ${engine.config.dataDir} (Alertmanager will retry)`,
          );
        }
        return sendError(
          res,
          500,
          `could not store the alerts: ${(err as Error).message}; Alertmanager will retry`,
        );
      }
    }

    if (path === '/api/events') {
      if (method !== 'GET') return sendError(res, 405, 'use GET');
      // EventSource cannot set headers, so the stream alone also takes the token as a query parameter.
      if (!authorized(req, url, true)) return unauthorized(req, res);
      return openEventStream(engine.bus, req, res, opts.eventStreamMaxBuffered);
    }

    if (path.startsWith('/api/')) {
      if (!authorized(req, url, false)) return unauthorized(req, res);
      const { route, params, allowed } = matchRoute(routes, method, path);
      if (route && params)
        return handleApi(engine.api, route, params, url, req, res, engine.config.maxBodyBytes);
      if (allowed?.length) return sendError(res, 405, `use ${allowed.join(' or ')}`);
      return sendError(res, 404, `no API route ${method} ${path}`);
    }

    if (
      (method === 'GET' || method === 'HEAD') &&
      opts.staticDir &&
      serveStatic(opts.staticDir, req, res, path)
    )
      return;
    return sendError(res, 404, `not found: ${path}`);
  }

  return server;
}

function deny(res: http.ServerResponse): void {
  if (res.writableEnded || res.destroyed) return;
  sendError(
    res,
    401,
    'missing or wrong token: send "Authorization: Bearer <token>" (the token is printed at start and stored in the data dir)',
    {},
  );
}

export function listen(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(new Error(`port ${port} on ${host} is already in use: stop the other process or pass --port`));
      else reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}
