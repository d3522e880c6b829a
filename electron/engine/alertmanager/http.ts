import http from 'node:http';
import https from 'node:https';

export interface HttpReply {
  status: number;
  contentType: string;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBytes?: number;
  /** TLS material, auth and agent from a kubeconfig (KubeConfig.applyToHTTPSOptions). */
  tls?: https.RequestOptions;
}

/** A request that failed before an HTTP answer: the message says where and why, for the UI. */
export class NetworkError extends Error {}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * One HTTP request with a deadline for the whole exchange (connect, headers and body) and a size cap.
 * node:http rather than fetch: a kubeconfig's client certificates and CA come as an agent and TLS
 * options, which fetch cannot take.
 */
export function request(url: URL, o: RequestOptions): Promise<HttpReply> {
  const lib = url.protocol === 'https:' ? https : http;
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise<HttpReply>((resolve, reject) => {
    const headers: Record<string, string | number> = {
      accept: 'application/json',
      ...(o.tls?.headers as Record<string, string> | undefined),
      ...o.headers,
    };
    if (o.body !== undefined) headers['content-length'] = Buffer.byteLength(o.body);
    const req = lib.request(url, { ...o.tls, method: o.method ?? 'GET', headers });
    const timer = setTimeout(() => {
      req.destroy(new NetworkError(`no answer from ${url.host} within ${Math.round(o.timeoutMs / 1000)} s`));
    }, o.timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy(new NetworkError(`the answer from ${url.host} is larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(describeNetworkError(err, url));
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(describeNetworkError(err, url));
    });
    req.end(o.body);
  });
}

function describeNetworkError(err: Error, url: URL): NetworkError {
  if (err instanceof NetworkError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const where = url.host;
  switch (code) {
    case 'ECONNREFUSED':
      return new NetworkError(`connection refused by ${where}: is Alertmanager running there?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetworkError(`cannot resolve ${url.hostname}: check the address (and VPN or DNS)`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new NetworkError(`${where} closed the connection before answering`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NetworkError(`${where} is unreachable (${code}): check the network or VPN`);
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new NetworkError(`TLS certificate of ${where} not accepted (${code})`);
    default:
      return new NetworkError(`cannot reach ${where}: ${err.message}`);
  }
}
