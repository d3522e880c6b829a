import type { Gap, MetricSeries, Metrics, Target } from '../../../../shared/context.ts';
import type { KubeClients } from '../kube.ts';
import {
  type PromAuth,
  PromError,
  type PromSource,
  queryRange,
  serviceProxySource,
  urlSource,
} from './prometheus.ts';
import { bracketsBalanced, exprFromGeneratorUrl, splitThreshold } from './promql.ts';
import { downsample, summarize } from './summary.ts';

export interface MetricsOptions {
  /** A Prometheus the user configured (`--prometheus URL`). */
  url?: string;
  auth?: PromAuth;
  /** A Prometheus service reached through the API server's proxy: `namespace/service:port`. */
  service?: string;
  windowMinutes: number;
  timeoutMs: number;
}

interface Query {
  name: string;
  query: string;
  unit: MetricSeries['unit'];
  threshold?: MetricSeries['threshold'];
  /** A second query whose value is drawn as this one's threshold (a limit, a request). */
  line?: { query: string; label: string; op: string };
  perSeries?: (labels: Record<string, string>) => string;
}

const q = (s: string) => s.replace(/["\\]/g, '\\$&');

/** The usual resource series of a pod: working set against the limit, CPU against the request, restarts. */
function podQueries(t: Target): Query[] {
  if (t.kind !== 'pod' || !t.name || !t.namespace) return [];
  const sel = `namespace="${q(t.namespace)}",pod="${q(t.name)}"`;
  const c = t.container ? `,container="${q(t.container)}"` : ',container!="",container!="POD"';
  return [
    {
      name: 'memory working set',
      query: `sum by (container) (container_memory_working_set_bytes{${sel}${c}})`,
      unit: 'bytes',
      line: {
        query: `sum by (container) (kube_pod_container_resource_limits{${sel}${c},resource="memory"})`,
        label: 'limit',
        op: '>=',
      },
      perSeries: (l) => `memory working set ${l.container ?? ''}`.trim(),
    },
    {
      name: 'CPU usage',
      query: `sum by (container) (rate(container_cpu_usage_seconds_total{${sel}${c}}[5m]))`,
      unit: 'cores',
      line: {
        query: `sum by (container) (kube_pod_container_resource_requests{${sel}${c},resource="cpu"})`,
        label: 'request',
        op: '>',
      },
      perSeries: (l) => `CPU usage ${l.container ?? ''}`.trim(),
    },
    {
      name: 'restarts',
      query: `sum by (container) (kube_pod_container_status_restarts_total{${sel}${c}})`,
      unit: 'count',
      perSeries: (l) => `restarts ${l.container ?? ''}`.trim(),
    },
  ];
}

function sources(
  generatorBase: string | undefined,
  o: MetricsOptions,
  kube: KubeClients | undefined,
): PromSource[] {
  const out: PromSource[] = [];
  if (generatorBase) out.push(urlSource(generatorBase, `${generatorBase} (the alert's generatorURL)`));
  if (o.url) out.push(urlSource(o.url, `${o.url} (configured)`, o.auth));
  if (o.service && kube) {
    try {
      out.push(serviceProxySource(kube.config, o.service, `service ${o.service} through the Kubernetes API`));
    } catch {
      // a malformed service reference was refused at config time; nothing to try here
    }
  }
  return out;
}

/**
 * What the alert's own expression did over the last hour, and the target's resource series, from the
 * first Prometheus that answers: the alert's generatorURL host, a configured URL, or a service through
 * the API server's proxy — only hosts the alert named or the user configured. Never throws.
 */
export async function collectMetrics(
  alert: { generatorURL: string; startsAt: string },
  target: Target,
  o: MetricsOptions,
  kube: KubeClients | undefined,
  now = () => Date.now(),
): Promise<{ metrics?: Metrics; gaps: Gap[] }> {
  const gaps: Gap[] = [];
  const fromUrl = exprFromGeneratorUrl(alert.generatorURL);
  let expr: string | undefined;
  if ('error' in fromUrl) {
    if (alert.generatorURL || o.url || o.service)
      gaps.push({ what: "the alert's expression", reason: fromUrl.error });
  } else if (!bracketsBalanced(fromUrl.expr)) {
    gaps.push({
      what: "the alert's expression",
      reason: `it has unbalanced brackets, so it was not queried: ${fromUrl.expr.slice(0, 200)}`,
    });
  } else {
    expr = fromUrl.expr;
  }
  const queries: Query[] = [];
  if (expr) {
    const split = splitThreshold(expr);
    queries.push({
      name: 'alert expression',
      query: split.query,
      unit: 'value',
      ...(split.threshold ? { threshold: { ...split.threshold, label: 'threshold' } } : {}),
    });
  }
  queries.push(...podQueries(target));
  const candidates = sources('error' in fromUrl ? undefined : fromUrl.base, o, kube);
  if (!queries.length || !candidates.length) return { gaps };

  const end = Math.floor(now() / 1000);
  const started = Math.floor(Date.parse(alert.startsAt) / 1000) || end;
  const start = Math.min(started, end) - o.windowMinutes * 60;
  const step = Math.max(1, Math.ceil((end - start) / 120));

  // The first source that answers at all (even with a query error) is the one to use.
  const tried: string[] = [];
  for (const src of candidates) {
    try {
      const first = await queryRange(src, queries[0]!.query, start, end, step, o.timeoutMs).then(
        (r) => ({ ok: true as const, r }),
        (err: Error) => {
          if (err instanceof PromError && /refused the query/.test(err.message))
            return { ok: false as const, refused: err.message };
          throw err;
        },
      );
      const series: MetricSeries[] = [];
      const rest = await Promise.all(
        queries.slice(1).map((qq) => runQuery(src, qq, start, end, step, o.timeoutMs)),
      );
      const results = [
        first.ok
          ? await toSeries(src, queries[0]!, first.r, start, end, step, o.timeoutMs)
          : { series: [], gap: { what: queries[0]!.name, reason: `Prometheus ${first.refused}` } },
        ...rest,
      ];
      for (const r of results) {
        series.push(...r.series);
        if (r.gap) gaps.push(r.gap);
      }
      if (!series.length && !gaps.some((g) => g.what === 'alert expression')) {
        gaps.push({ what: 'metrics', reason: `${src.label} has no data for these series in the window` });
      }
      return { metrics: { source: src.label, from: start, to: end, step, series }, gaps };
    } catch (err) {
      tried.push(`${src.label}: ${(err as Error).message}`);
    }
  }
  gaps.push({
    what: 'metrics',
    reason: `no Prometheus answered (${tried.join('; ')})`,
    fix: unreachedFix(o),
  });
  return { gaps };
}

async function runQuery(
  src: PromSource,
  qq: Query,
  start: number,
  end: number,
  step: number,
  timeoutMs: number,
) {
  try {
    return await toSeries(
      src,
      qq,
      await queryRange(src, qq.query, start, end, step, timeoutMs),
      start,
      end,
      step,
      timeoutMs,
    );
  } catch (err) {
    return {
      series: [] as MetricSeries[],
      gap: { what: qq.name, reason: `Prometheus: ${(err as Error).message}` } as Gap,
    };
  }
}

/** Summarises each returned series (the three with the highest peak), with its limit/request line. */
async function toSeries(
  src: PromSource,
  qq: Query,
  result: Awaited<ReturnType<typeof queryRange>>,
  start: number,
  end: number,
  step: number,
  timeoutMs: number,
): Promise<{ series: MetricSeries[]; gap?: Gap }> {
  const lines = qq.line
    ? await queryRange(src, qq.line.query, start, end, step, timeoutMs).catch(() => null)
    : null;
  const withData = result.series.filter((s) => s.points.length > 0);
  const top = [...withData]
    .sort((a, b) => Math.max(...b.points.map((p) => p[1])) - Math.max(...a.points.map((p) => p[1])))
    .slice(0, 3);
  return {
    series: top.map((s) => {
      const line = lines?.series.find((l) => l.labels.container === s.labels.container)?.points.at(-1)?.[1];
      const threshold =
        qq.threshold ??
        (line !== undefined && qq.line ? { value: line, op: qq.line.op, label: qq.line.label } : undefined);
      const labelText = Object.entries(s.labels)
        .filter(([k]) => k !== '__name__')
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      return {
        name: qq.perSeries
          ? qq.perSeries(s.labels)
          : top.length > 1 && labelText
            ? `${qq.name} {${labelText}}`
            : qq.name,
        query: qq.query,
        unit: qq.unit,
        points: downsample(s.points),
        ...(threshold ? { threshold } : {}),
        summary: summarize(s.points, threshold),
      };
    }),
  };
}

/** What to do when no Prometheus answered: configure what is missing, or check what is configured. */
function unreachedFix(o: MetricsOptions): string {
  const configured = [o.url && `--prometheus ${o.url}`, o.service && `prometheusService ${o.service}`].filter(
    Boolean,
  );
  const check = configured.length ? `check that ${configured.join(' and ')} answers from this laptop` : '';
  if (o.url && o.service) return check;
  const add = o.url
    ? 'or set prometheusService: <namespace>/<service>:<port> to go through the Kubernetes API'
    : o.service
      ? 'or pass --prometheus URL (reachable from this laptop)'
      : 'pass --prometheus URL (reachable from this laptop), or set prometheusService: <namespace>/<service>:<port> to go through the Kubernetes API';
  return [check, add].filter(Boolean).join(', ');
}
