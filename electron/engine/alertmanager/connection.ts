import type https from 'node:https';
import { type AlertmanagerSource, parseServiceRef, sourceName } from '../../../shared/alertmanager.ts';
import { type KubeProvider, KubeSetupError } from '../collect/kube.ts';
import { type HttpReply, NetworkError, request } from './http.ts';

/** One Alertmanager as the engine talks to it: at a URL, or behind the API server's service proxy. */
export interface AmConnection {
  /** The configured source's name; null for an address taken from a webhook's externalURL. */
  source: string | null;
  kind: 'url' | 'service';
  /** Where it is, for people: the URL without credentials, or `ns/service:port via <API server>`. */
  target: string;
  /** `path` starts with /api/v2/. */
  request(path: string, init?: { method?: string; body?: unknown; timeoutMs?: number }): Promise<HttpReply>;
}

/** The URL without user:password, and without a trailing slash (API paths are appended). */
export function displayUrl(raw: string): string {
  const u = new URL(raw);
  u.username = '';
  u.password = '';
  u.hash = '';
  return u.href.replace(/\/+$/, '');
}

export function urlConnection(
  url: string,
  opts: {
    source?: string | null;
    bearerToken?: string;
    basicAuth?: { username: string; password: string };
    timeoutMs?: number;
  } = {},
): AmConnection {
  const u = new URL(url);
  // Credentials written into the URL (http://user:pass@host) work like basicAuth and are never shown.
  const basic =
    opts.basicAuth ??
    (u.username
      ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) }
      : undefined);
  const base = displayUrl(url);
  const auth: Record<string, string> = opts.bearerToken
    ? { authorization: `Bearer ${opts.bearerToken}` }
    : basic
      ? { authorization: `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}` }
      : {};
  return {
    source: opts.source ?? null,
    kind: 'url',
    target: base,
    request(path, init = {}) {
      return request(new URL(`${base}${path}`), {
        method: init.method,
        headers: { ...auth, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
        timeoutMs: init.timeoutMs ?? opts.timeoutMs ?? 10_000,
      });
    },
  };
}

/**
 * A Service reached through `/api/v1/namespaces/{ns}/services/[https:]{name}[:{port}]/proxy/`, with the
 * kubeconfig's credentials applied by client-node (tokens, client certificates, exec plugins). The
 * kubeconfig is re-read per request through the provider, so a refreshed token is picked up.
 */
export function serviceConnection(
  source: AlertmanagerSource,
  kube: () => KubeProvider,
  timeoutMs = 10_000,
): AmConnection {
  const ref = parseServiceRef(source.service ?? '');
  if (!ref) throw new Error(`"${source.service}" is not namespace/service:port`);
  // The names are DNS labels and the port a name or number: nothing to escape, and the ':' stays as the
  // apiserver's path format writes it.
  const segment = `${ref.scheme ? `${ref.scheme}:` : ''}${ref.name}${ref.port ? `:${ref.port}` : ''}`;
  const proxyPath = `/api/v1/namespaces/${ref.namespace}/services/${segment}/proxy`;
  const describe = () => {
    try {
      return `${source.service} via ${kube().forCluster(source.context).server}`;
    } catch {
      return `${source.service} via the Kubernetes API server`;
    }
  };
  return {
    source: sourceName(source),
    kind: 'service',
    get target() {
      return describe();
    },
    async request(path, init = {}) {
      let clients: ReturnType<KubeProvider['forCluster']>;
      try {
        clients = kube().forCluster(source.context);
      } catch (err) {
        const fix = err instanceof KubeSetupError ? `: ${err.fix}` : '';
        throw new NetworkError(
          `cannot use the kubeconfig for ${source.service}: ${(err as Error).message}${fix}`,
        );
      }
      const tls: https.RequestOptions = {};
      try {
        await clients.config.applyToHTTPSOptions(tls);
      } catch (err) {
        throw new NetworkError(
          `the kubeconfig's credentials for context ${clients.context} failed: ${(err as Error).message}`,
        );
      }
      const server = clients.server.replace(/\/+$/, '');
      const reply = await request(new URL(`${server}${proxyPath}${path}`), {
        method: init.method,
        headers: init.body !== undefined ? { 'content-type': 'application/json' } : {},
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
        timeoutMs: init.timeoutMs ?? timeoutMs,
        tls,
      });
      return proxyReply(reply, source.service ?? '', ref.namespace);
    },
  };
}

/**
 * The API server answers for the proxy itself with a Kubernetes Status (401, 403, 404 for the Service,
 * 503 without endpoints); those become errors that say what to do. Anything else is the service's own
 * answer (Alertmanager's here, Prometheus's for the metrics).
 */
export function proxyReply(reply: HttpReply, service: string, namespace: string): HttpReply {
  if (!reply.contentType.includes('json') || reply.status < 400) return reply;
  let status: { kind?: string; message?: string; code?: number } | null = null;
  try {
    status = JSON.parse(reply.text);
  } catch {
    return reply;
  }
  if (status?.kind !== 'Status') return reply;
  const msg = status.message ?? `HTTP ${reply.status}`;
  switch (reply.status) {
    case 401:
      throw new NetworkError(
        `the API server refused the kubeconfig's credentials (401): log in again (e.g. refresh the token) and retry`,
      );
    case 403:
      throw new NetworkError(
        `not allowed to use the service proxy for ${service} (403: ${msg}): the kubeconfig's user needs "get" and "create" on services/proxy in namespace ${namespace} (check with: kubectl auth can-i get services/proxy -n ${namespace})`,
      );
    case 404:
      throw new NetworkError(`${msg} (404): check the namespace and service name of ${service}`);
    case 503:
      throw new NetworkError(
        `the API server cannot reach ${service} (503: ${msg}): are its pods running and ready?`,
      );
    default:
      throw new NetworkError(`the API server's proxy to ${service} answered ${reply.status}: ${msg}`);
  }
}

/** The connection for a configured source. */
export function sourceConnection(source: AlertmanagerSource, kube: () => KubeProvider): AmConnection {
  const timeoutMs = source.timeoutSeconds * 1000;
  if (source.service) return serviceConnection(source, kube, timeoutMs);
  return urlConnection(source.url!, {
    source: sourceName(source),
    bearerToken: source.bearerToken,
    basicAuth: source.basicAuth,
    timeoutMs,
  });
}
