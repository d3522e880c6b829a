import type http from 'node:http';

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: http.ServerResponse,
  status: number,
  error: string,
  extra: Record<string, unknown> = {},
): void {
  sendJson(res, status, { error, ...extra }, status === 413 ? { connection: 'close' } : {});
}

/** An error with the HTTP status it should produce. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
