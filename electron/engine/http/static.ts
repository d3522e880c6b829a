import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** The UI's CSP when served over HTTP (the Electron build carries the same one in index.html). */
export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; worker-src 'none'; frame-ancestors 'none'";

/**
 * Serves the built renderer. Paths are resolved inside the root only (no traversal, no symlinks out);
 * unknown paths without an extension get index.html so client-side routes survive a reload.
 */
export function serveStatic(
  root: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pathname: string,
): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (decoded.includes('\0')) return false;
  const rel = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const realRoot = safeRealpath(root);
  if (!realRoot) return false;
  let file = path.resolve(realRoot, rel);
  if (!within(realRoot, file)) return false;
  if (!fs.existsSync(file) && !path.extname(rel)) file = path.join(realRoot, 'index.html');
  const real = safeRealpath(file);
  if (!real || !within(realRoot, real) || !fs.statSync(real).isFile()) return false;
  const type = TYPES[path.extname(real)] ?? 'application/octet-stream';
  const headers: http.OutgoingHttpHeaders = {
    'content-type': type,
    'content-length': fs.statSync(real).size,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': real.includes(`${path.sep}assets${path.sep}`)
      ? 'public, max-age=31536000, immutable'
      : 'no-cache',
  };
  if (type.startsWith('text/html')) {
    headers['content-security-policy'] = UI_CSP;
    headers['x-frame-options'] = 'DENY';
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(real).pipe(res);
  return true;
}

function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root + path.sep);
}

function safeRealpath(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}
