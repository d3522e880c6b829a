import zlib from 'node:zlib';
import type { Context } from '../../../shared/context.ts';

/**
 * How a collected context is kept in `contexts.body`: JSON, deflated. Contexts are mostly log lines and
 * Kubernetes objects — about 90 KB of JSON per incident, a tenth of that deflated — so a storm's history
 * stays small on disk and the pipeline's write (which the webhook may wait for) stays short. Rows written
 * before compression hold the JSON text and are still read.
 */
export function encodeContext(context: Context): Buffer {
  return zlib.deflateSync(JSON.stringify(context), { level: 6 });
}

export function decodeContext(body: string | Buffer): Context {
  const text = typeof body === 'string' ? body : zlib.inflateSync(body).toString('utf8');
  return JSON.parse(text) as Context;
}
