import type http from 'node:http';
import { HttpError } from './respond.ts';

/** Reads a JSON body: 415 for another media type, 413 past the limit, 400 for malformed JSON. */
export async function readJson(
  req: http.IncomingMessage,
  maxBytes: number,
  { required = true } = {},
): Promise<unknown> {
  const length = Number(req.headers['content-length'] ?? Number.NaN);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const empty = length === 0 || (!req.headers['content-length'] && !req.headers['transfer-encoding']);
  if (empty) {
    if (required) throw new HttpError(400, 'the request body is empty; send a JSON object');
    return {};
  }
  if (type !== 'application/json') {
    throw new HttpError(415, `content type must be application/json (got ${type || 'none'})`);
  }
  if (length > maxBytes)
    throw new HttpError(413, `body of ${length} bytes exceeds the limit of ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpError(413, `body exceeds the limit of ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `malformed JSON: ${(err as Error).message}`);
  }
}
