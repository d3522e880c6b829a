import type http from 'node:http';
import { type ApiImpl, type ApiName, apiMethods } from '../../../shared/api.ts';
import { ApiFailure } from '../api.ts';
import { formatIssue } from '../config.ts';
import { readJson } from './body.ts';
import { HttpError, sendError, sendJson } from './respond.ts';

interface Route {
  name: ApiName;
  method: string;
  pattern: RegExp;
  params: string[];
}

/** Compiles shared/api.ts's table into routes; no method is written out by hand here. */
export function compileRoutes(): Route[] {
  return (Object.keys(apiMethods) as ApiName[]).map((name) => {
    const { method, path } = apiMethods[name].http;
    const params: string[] = [];
    const source = path.replace(/:([a-zA-Z]+)/g, (_, p: string) => {
      params.push(p);
      return '([^/]+)';
    });
    return { name, method, pattern: new RegExp(`^${source}$`), params };
  });
}

/** Finds the route for a request; `allowed` lists methods when only the method was wrong (405). */
export function matchRoute(
  routes: Route[],
  method: string,
  pathname: string,
): { route?: Route; params?: Record<string, string>; allowed?: string[] } {
  const allowed: string[] = [];
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) {
      allowed.push(route.method);
      continue;
    }
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(route.params.map((p, i) => [p, decodeURIComponent(m[i + 1]!)]));
    } catch {
      return { allowed: [] };
    }
    return { route, params };
  }
  return { allowed };
}

interface FileOut {
  filename: string;
  contentType: string;
  content: string;
}

function sendFile(res: http.ServerResponse, f: FileOut): void {
  res.writeHead(200, {
    'content-type': f.contentType,
    'content-length': Buffer.byteLength(f.content),
    'content-disposition': `attachment; filename="${f.filename.replace(/[^\w.-]/g, '_')}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(f.content);
}

export async function handleApi(
  impl: ApiImpl,
  route: Route,
  params: Record<string, string>,
  url: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  maxBodyBytes: number,
): Promise<void> {
  const spec = apiMethods[route.name];
  try {
    const body = route.method === 'GET' ? {} : await readJson(req, maxBodyBytes, { required: false });
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new HttpError(400, 'the body must be a JSON object');
    const query = Object.fromEntries(url.searchParams);
    delete query.token;
    const parsed = spec.input.safeParse({ ...query, ...body, ...params });
    if (!parsed.success) {
      throw new HttpError(400, formatIssue(parsed.error), parsed.error.issues[0]?.path.join('.'));
    }
    const fn = impl[route.name] as (input: unknown) => Promise<unknown>;
    const out = await fn(parsed.data);
    // A download (an export) is sent as the file itself; over IPC the same object carries it.
    if ('download' in spec.http && spec.http.download) return sendFile(res, out as FileOut);
    sendJson(res, 200, out);
  } catch (err) {
    if (err instanceof HttpError)
      return sendError(res, err.status, err.message, err.field ? { field: err.field } : {});
    if (err instanceof ApiFailure) return sendError(res, err.status, err.message);
    sendError(res, 500, `internal error: ${(err as Error).message}`);
  }
}
