import type https from 'node:https';
import type * as k8s from '@kubernetes/client-node';
import { proxyReply } from '../../alertmanager/connection.ts';
import { NetworkError, request } from '../../alertmanager/http.ts';

/** A range query's answer is a few hundred points per series; anything this large is not one. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** How to reach one Prometheus: a base URL with optional auth, or a service through the API server's proxy. */
export interface PromSource {
  label: string;
  get(
    pathAndQuery: string,
    timeoutMs: number,
  ): Promise<{ status: number; contentType: string; text: string }>;
}

export interface PromAuth {
  bearer?: string;
  username?: string;
  password?: string;
}

export function urlSource(base: string, label: string, auth: PromAuth = {}): PromSource {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  else if (auth.username)
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
  return {
    label,
    async get(pathAndQuery, timeoutMs) {
      const res = await fetch(`${base.replace(/\/$/, '')}${pathAndQuery}`, {
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        text: await res.text(),
      };
    },
  };
}

/**
 * A Prometheus service reached through the Kubernetes API server's service proxy with the user's
 * kubeconfig (no port-forward): /api/v1/namespaces/<ns>/services/<name>:<port>/proxy/…
 */
export function serviceProxySource(kc: k8s.KubeConfig, ref: string, label: string): PromSource {
  const m = /^([a-z0-9-]+)\/([a-z0-9-]+)(?::([\w-]+))?$/.exec(ref);
  if (!m) throw new Error(`"${ref}" is not namespace/service[:port]`);
  const [, ns, svc, port] = m;
  const server = kc.getCurrentCluster()?.server ?? '';
  const prefix = `/api/v1/namespaces/${ns}/services/${svc}${port ? `:${port}` : ''}/proxy`;
  return {
    label,
    async get(pathAndQuery, timeoutMs) {
      const tls: https.RequestOptions = {};
      await kc.applyToHTTPSOptions(tls);
      // One deadline for the whole exchange: a proxy that sends headers and then drips the body is cut too.
      const reply = await request(new URL(`${server.replace(/\/$/, '')}${prefix}${pathAndQuery}`), {
        timeoutMs,
        tls,
        maxBytes: MAX_ANSWER_BYTES,
      });
      // A Status from the API server itself (401, 403, no such Service, no endpoints) is no answer from
      // Prometheus: it throws, so the next source is tried and the gap says what to do.
      return proxyReply(reply, ref, ns!);
    },
  };
}

export interface RangeResult {
  series: Array<{ labels: Record<string, string>; points: Array<[number, number]> }>;
}

export class PromError extends Error {}

/** One range query, with every way it can go wrong said in words (HTML login pages included). */
export async function queryRange(
  src: PromSource,
  query: string,
  start: number,
  end: number,
  step: number,
  timeoutMs: number,
): Promise<RangeResult> {
  const qs = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) });
  let res: Awaited<ReturnType<PromSource['get']>>;
  try {
    res = await src.get(`/api/v1/query_range?${qs}`, timeoutMs);
  } catch (err) {
    // The API server's own refusal of the proxy request, already in words (see serviceProxySource).
    if (err instanceof NetworkError) throw new PromError(err.message);
    const e = err as Error & {
      cause?: { code?: string; errors?: Array<{ code?: string }>; message?: string };
    };
    const code = e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.cause?.message ?? e.message;
    throw new PromError(
      e.name === 'TimeoutError' ? `no answer in ${timeoutMs / 1000} s` : `not reachable (${code})`,
    );
  }
  if (/html/i.test(res.contentType) || /^\s*</.test(res.text)) {
    throw new PromError(
      `answered HTML (HTTP ${res.status}), not the Prometheus API — a login page or a proxy in the way?`,
    );
  }
  let body: {
    status?: string;
    error?: string;
    errorType?: string;
    data?: { resultType?: string; result?: unknown[] };
  };
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new PromError(`answered HTTP ${res.status} with something that is not JSON`);
  }
  if (body.status !== 'success') {
    throw new PromError(
      `refused the query (${body.errorType ?? `HTTP ${res.status}`}: ${(body.error ?? 'no reason given').slice(0, 300)})`,
    );
  }
  if (body.data?.resultType !== 'matrix' || !Array.isArray(body.data.result))
    throw new PromError('answered with something that is not a range result');
  return {
    series: (
      body.data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>
    ).map((r) => ({
      labels: r.metric ?? {},
      points: (r.values ?? [])
        .map(([t, v]) => [Number(t), Number(v)] as [number, number])
        .filter(([, v]) => Number.isFinite(v)),
    })),
  };
}
