import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsFor, loadKubeConfig } from '../../electron/engine/collect/kube.ts';
import { collectMetrics } from '../../electron/engine/collect/metrics/index.ts';
import { queryRange, serviceProxySource } from '../../electron/engine/collect/metrics/prometheus.ts';
import { bracketsBalanced, splitThreshold } from '../../electron/engine/collect/metrics/promql.ts';
import { describeSeries } from '../../electron/engine/collect/metrics/summary.ts';
import type { Engine } from '../../electron/engine/engine.ts';
import { parseWebhook } from '../../electron/engine/intake/webhook.ts';
import { buildCard } from '../../electron/engine/notify/feishu/card.ts';
import { reportMarkdown } from '../../electron/engine/report-markdown.ts';
import { startFakeKube } from '../fakes/kube-apiserver.ts';
import { tempDir, testEngine } from '../helpers/engine.ts';
import { waitFor } from '../helpers/http.ts';
import { amPayload } from '../helpers/payload.ts';
import { freePort } from '../helpers/ports.ts';
import { type RealPrometheus, startPrometheus, startRampExporter } from '../helpers/prometheus.ts';
import { startRecordingProxy } from '../helpers/recording-proxy.ts';

let prom: RealPrometheus;
let exporter: Awaited<ReturnType<typeof startRampExporter>>;
const target = { kind: 'pod' as const, name: 'checkout-0', namespace: 'shop', container: 'app' };
const opts = { windowMinutes: 1, timeoutMs: 2_000 };
const graph = (base: string, expr: string) => `${base}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

beforeAll(async () => {
  exporter = await startRampExporter(10);
  prom = await startPrometheus(exporter.url);
  // Enough samples for a ramp through the threshold of 100 (reached after ~10 s). The tests' range queries
  // end at the last whole second, up to a second or two (a late scrape) behind this instant query: 3 s of
  // ramp above their 150 keeps their newest point above it too.
  await waitFor(
    async () => {
      const r = await fetch(`${prom.url}/api/v1/query?query=demo_queue_depth`).then(
        (x) => x.json() as Promise<{ data: { result: Array<{ value: [number, string] }> } }>,
      );
      return Number(r.data.result[0]?.value[1] ?? 0) > 180;
    },
    40_000,
    'the ramp to pass the threshold',
  );
}, 60_000);
afterAll(async () => {
  await prom?.close();
  await exporter?.close();
});

/** A server for the ways a Prometheus can fail, counting what it was asked. */
async function impostor(handler: http.RequestListener) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close() {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('PromQL, just enough', () => {
  it('splits a trailing comparison into the value to plot and the threshold', () => {
    expect(splitThreshold('demo_queue_depth > 100')).toEqual({
      query: 'demo_queue_depth',
      threshold: { op: '>', value: 100 },
    });
    expect(splitThreshold('sum(rate(x{a=">"}[5m])) / sum(rate(y[5m])) > (25 / 100)')).toMatchObject({
      threshold: { op: '>', value: 0.25 },
    });
    expect(splitThreshold('kube_node_status_condition{condition="Ready",status="true"} == 0')).toMatchObject({
      threshold: { op: '==', value: 0 },
    });
    expect(splitThreshold('a > b')).toEqual({ query: 'a > b' });
    expect(bracketsBalanced('sum(rate(x[5m])')).toBe(false);
    expect(bracketsBalanced('sum(rate(x{a="(("}[5m]))')).toBe(true);
  });
});

describe('metrics from the real Prometheus', () => {
  it("summarises the alert's own expression — the ramp and when it crossed the threshold — and the pod's memory against its limit", async () => {
    const r = await collectMetrics(
      { generatorURL: graph(prom.url, 'demo_queue_depth > 100'), startsAt: new Date().toISOString() },
      target,
      opts,
      undefined,
    );
    expect(r.gaps).toEqual([]);
    expect(r.metrics!.source).toContain("(the alert's generatorURL)");
    const expr = r.metrics!.series.find((s) => s.name === 'alert expression')!;
    expect(expr.query).toBe('demo_queue_depth');
    expect(expr.threshold).toEqual({ op: '>', value: 100, label: 'threshold' });
    expect(expr.summary.start).toBeLessThan(100);
    expect(expr.summary.max).toBeGreaterThan(150);
    expect(expr.summary.trend).toBe('rising');
    expect(expr.summary.firstCrossing).toBeGreaterThan(r.metrics!.from);
    expect(describeSeries(expr)).toMatch(
      /^alert expression: start .*, peak .*, now .*, rising \(\+.*\/min\), crossed threshold > 100 at \d\d:\d\d$/,
    );
    const mem = r.metrics!.series.find((s) => s.name === 'memory working set app')!;
    expect(mem).toMatchObject({ unit: 'bytes', threshold: { label: 'limit', value: 1073741824 } });
    expect(describeSeries(mem)).toMatch(/^memory working set app: start \d+\.\d MiB, .*limit >= 1\.0 GiB/);
    expect(r.metrics!.series.find((s) => s.name === 'restarts app')?.summary.last).toBe(3);
  });

  it("the pod's CPU usage against its request: the rate climbs past the request", async () => {
    const r = await collectMetrics(
      { generatorURL: graph(prom.url, 'demo_queue_depth > 100'), startsAt: new Date().toISOString() },
      target,
      opts,
      undefined,
    );
    const cpu = r.metrics!.series.find((s) => s.name === 'CPU usage app')!;
    expect(cpu).toMatchObject({
      unit: 'cores',
      query: expect.stringMatching(/^sum by \(container\) \(rate\(container_cpu_usage_seconds_total\{/),
      threshold: { label: 'request', op: '>', value: 0.1 },
    });
    expect(cpu.summary.start).toBeLessThan(0.1);
    expect(cpu.summary.max).toBeGreaterThan(0.12);
    expect(cpu.summary.trend).toBe('rising');
    expect(cpu.summary.firstCrossing).toBeGreaterThan(r.metrics!.from);
    expect(describeSeries(cpu)).toMatch(
      /^CPU usage app: start \d+m, peak \d+m at \d\d:\d\d, now \d+m, rising \(\+\d+m\/min\), crossed request > 100m at \d\d:\d\d$/,
    );
  });

  it('a configured Prometheus is used when the generatorURL host does not answer', async () => {
    const r = await collectMetrics(
      {
        generatorURL: graph(`http://127.0.0.1:${await freePort()}`, 'demo_queue_depth > 100'),
        startsAt: new Date().toISOString(),
      },
      target,
      { ...opts, url: prom.url },
      undefined,
    );
    expect(r.metrics?.source).toBe(`${prom.url} (configured)`);
  });

  it('an expression that fails to parse is a gap that quotes Prometheus; the resource series still come', async () => {
    const r = await collectMetrics(
      { generatorURL: graph(prom.url, 'demo_queue_depth + on('), startsAt: new Date().toISOString() },
      target,
      opts,
      undefined,
    );
    expect(r.gaps).toContainEqual(
      expect.objectContaining({ reason: expect.stringMatching(/unbalanced brackets/) }),
    );
    const bad = await collectMetrics(
      { generatorURL: graph(prom.url, 'demo_queue_depth >> 1'), startsAt: new Date().toISOString() },
      target,
      opts,
      undefined,
    );
    expect(bad.gaps).toContainEqual(
      expect.objectContaining({
        what: 'alert expression',
        reason: expect.stringMatching(/refused the query \(bad_data: .*parse error/),
      }),
    );
    expect(bad.metrics?.series.some((s) => s.name.startsWith('memory'))).toBe(true);
  });
});

describe('when Prometheus is not there, or not Prometheus', () => {
  it('down, slow, HTML login page: a clear gap each, never a crash', async () => {
    const slow = await impostor(() => {});
    const login = await impostor((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><form action="/oauth2/sign_in">Sign in</form></body></html>');
    });
    try {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const down = await collectMetrics(
        { generatorURL: graph(closed, 'x > 1'), startsAt: new Date().toISOString() },
        target,
        opts,
        undefined,
      );
      expect(down.gaps).toContainEqual(
        expect.objectContaining({
          what: 'metrics',
          reason: expect.stringMatching(/no Prometheus answered .*not reachable \(ECONNREFUSED\)/),
          fix: expect.stringMatching(/--prometheus URL/),
        }),
      );
      // A configured Prometheus that does not answer is named in the fix, not suggested again.
      const configured = await collectMetrics(
        { generatorURL: graph(closed, 'x > 1'), startsAt: new Date().toISOString() },
        target,
        { ...opts, url: closed },
        undefined,
      );
      expect(configured.gaps.find((g) => g.what === 'metrics')?.fix).toBe(
        `check that --prometheus ${closed} answers from this laptop, or set prometheusService: <namespace>/<service>:<port> to go through the Kubernetes API`,
      );
      const hung = await collectMetrics(
        { generatorURL: graph(slow.url, 'x > 1'), startsAt: new Date().toISOString() },
        target,
        { ...opts, timeoutMs: 300 },
        undefined,
      );
      expect(hung.gaps[0]!.reason).toMatch(/no answer in 0.3 s/);
      const html = await collectMetrics(
        { generatorURL: graph(login.url, 'x > 1'), startsAt: new Date().toISOString() },
        target,
        opts,
        undefined,
      );
      expect(html.gaps[0]!.reason).toMatch(/answered HTML .*login page/);
    } finally {
      await slow.close();
      await login.close();
    }
  });

  it('a generatorURL that is not a Prometheus graph URL is explained, and no host is asked that nobody named', async () => {
    const grafana = await impostor((_q, res) => res.end('{}'));
    try {
      const r = await collectMetrics(
        { generatorURL: `${grafana.url}/d/abc/dashboard?orgId=1`, startsAt: new Date().toISOString() },
        target,
        opts,
        undefined,
      );
      expect(r.gaps[0]).toMatchObject({
        what: "the alert's expression",
        reason: expect.stringMatching(/not a Prometheus graph URL/),
      });
      expect(r.metrics).toBeUndefined();
      expect(grafana.requests).toEqual([]);
      const unbalanced = await collectMetrics(
        { generatorURL: graph(grafana.url, 'sum(rate(x[5m])'), startsAt: new Date().toISOString() },
        { kind: 'node', name: 'n1' },
        opts,
        undefined,
      );
      expect(unbalanced.gaps[0]!.reason).toMatch(/unbalanced brackets/);
      expect(grafana.requests).toEqual([]);
    } finally {
      await grafana.close();
    }
  });
});

/** Posts one QueueTooDeep alert for shop/checkout-0 naming `generatorURL`; resolves with its ready incident. */
async function readyIncident(engine: Engine, generatorURL: string) {
  const payload = amPayload([
    {
      labels: {
        alertname: 'QueueTooDeep',
        namespace: 'shop',
        pod: 'checkout-0',
        container: 'app',
        severity: 'warning',
      },
      startsAt: new Date().toISOString(),
    },
  ]);
  (payload.alerts[0] as { generatorURL: string }).generatorURL = generatorURL;
  const [id] = engine.ingest(parseWebhook(payload), 'webhook').created;
  return waitFor(() => {
    const x = engine.queries.detail(id!);
    return x?.state === 'ready' ? x : null;
  }, 20_000);
}

describe('metrics in the incident', () => {
  it('an alert whose generatorURL points at Prometheus gets the ramp and the crossing in its context, its prompt, its Feishu card and its Markdown report', async () => {
    const engine = testEngine({ metricsWindowMinutes: 5 });
    await engine.pipeline.start();
    try {
      const d = await readyIncident(engine, graph(prom.url, 'demo_queue_depth > 100'));
      const expr = d.context!.metrics!.series.find((s) => s.name === 'alert expression')!;
      expect(expr.summary.firstCrossing).toBeDefined();
      expect(d.context!.digest).toMatch(
        /## Metrics[\s\S]*alert expression: start .* rising .* crossed threshold > 100 at/,
      );
      const card = JSON.stringify(buildCard('new', d, { lang: 'en' }));
      expect(card).toMatch(/\*\*Metrics\*\*\\n- alert expression: start/);
      // `oncall-scout analyze` prints the same lines: what the Feishu card and the LLM get.
      const md = reportMarkdown(d.alert, d.report!, d.context);
      const section = /\n## Metrics\n\n([\s\S]*?)\n\n## /.exec(md)?.[1] ?? '';
      expect(section.split('\n')).toEqual([
        expect.stringMatching(
          /^From http:\/\/127\.0\.0\.1:\d+ \(the alert's generatorURL\), \d\d:\d\d–\d\d:\d\d UTC:$/,
        ),
        '',
        ...d.context!.metrics!.series.map(
          (s) => `- ${describeSeries(s)}${s === expr ? ' — `demo_queue_depth`' : ''}`,
        ),
      ]);
      expect(section).toMatch(
        /^- alert expression: start \S+, peak \S+ at \d\d:\d\d, now \S+, rising \(\+.*\/min\), crossed threshold > 100 at \d\d:\d\d — `demo_queue_depth`$/m,
      );
      expect(section).toMatch(/^- memory working set app: .*limit >= 1\.0 GiB/m);
      expect(section).toMatch(/^- CPU usage app: .*request > 100m/m);
      // No metrics, no section (the gap is listed under "Not collected").
      expect(reportMarkdown(d.alert, d.report!, { ...d.context!, metrics: undefined })).not.toContain(
        '## Metrics',
      );
    } finally {
      await engine.close();
    }
  }, 40_000);
});

describe('Prometheus through the Kubernetes API service proxy', () => {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'prometheus-k8s', namespace: 'monitoring' },
    spec: { ports: [{ name: 'web', port: 9090, targetPort: 'web' }] },
  };

  it('when the generatorURL host and the configured URL both fail, the configured service answers through the API server with the kubeconfig token', async () => {
    const kube = await startFakeKube({ objects: [service], token: 'kube-token-prom' });
    kube.proxyService('monitoring/prometheus-k8s:web', prom.url);
    const engine = testEngine({
      kubeconfig: kube.writeKubeconfig(tempDir('kubeconfig-'), { context: 'test' }),
      prometheus: `http://127.0.0.1:${await freePort()}`,
      prometheusService: 'monitoring/prometheus-k8s:web',
      metricsWindowMinutes: 5,
    });
    await engine.pipeline.start();
    try {
      const d = await readyIncident(
        engine,
        graph(`http://127.0.0.1:${await freePort()}`, 'demo_queue_depth > 100'),
      );
      const m = d.context!.metrics!;
      expect(m.source).toBe('service monitoring/prometheus-k8s:web through the Kubernetes API');
      const expr = m.series.find((s) => s.name === 'alert expression')!;
      expect(expr.summary).toMatchObject({ trend: 'rising', firstCrossing: expect.any(Number) });
      expect(expr.summary.start).toBeLessThan(100);
      expect(expr.summary.max).toBeGreaterThan(150);
      expect(describeSeries(expr)).toMatch(/rising .* crossed threshold > 100 at \d\d:\d\d$/);
      expect(m.series.map((s) => s.name)).toEqual(
        expect.arrayContaining(['memory working set app', 'CPU usage app', 'restarts app']),
      );
      expect(d.context!.gaps.filter((g) => /metrics|expression/.test(g.what))).toEqual([]);
      // Every query went through the proxy path, authenticated with the kubeconfig's token.
      const proxied = kube.requests.filter(
        (r) =>
          r.path === '/api/v1/namespaces/monitoring/services/prometheus-k8s:web/proxy/api/v1/query_range',
      );
      expect(proxied.map((r) => r.query.query)).toEqual(
        expect.arrayContaining([
          'demo_queue_depth',
          expect.stringContaining('container_cpu_usage_seconds_total'),
        ]),
      );
      for (const r of proxied) expect(r.headers.authorization).toBe('Bearer kube-token-prom');
    } finally {
      await engine.close();
      await kube.close();
    }
  }, 40_000);

  it('a service without endpoints, or a kubeconfig the API server refuses, is a gap that says so', async () => {
    const kube = await startFakeKube({ objects: [service], token: 'kube-token-prom' });
    try {
      const clients = (token?: string) =>
        clientsFor(
          loadKubeConfig({
            kubeconfig: kube.writeKubeconfig(tempDir('kubeconfig-'), { context: 'test', token }),
          }),
          'test',
        );
      const alert = {
        generatorURL: graph(`http://127.0.0.1:${await freePort()}`, 'demo_queue_depth > 100'),
        startsAt: new Date().toISOString(),
      };
      const o = { ...opts, service: 'monitoring/prometheus-k8s:web' };
      const none = await collectMetrics(alert, target, o, clients());
      expect(none.metrics).toBeUndefined();
      expect(none.gaps).toContainEqual(
        expect.objectContaining({
          what: 'metrics',
          reason: expect.stringMatching(
            /service monitoring\/prometheus-k8s:web through the Kubernetes API: the API server cannot reach .*\(503: no endpoints available for service "prometheus-k8s"\): are its pods running/,
          ),
        }),
      );
      kube.proxyService('monitoring/prometheus-k8s:web', prom.url);
      const refused = await collectMetrics(alert, target, o, clients('expired-token'));
      expect(refused.metrics).toBeUndefined();
      expect(refused.gaps).toContainEqual(
        expect.objectContaining({
          what: 'metrics',
          reason: expect.stringMatching(
            /the API server refused the kubeconfig's credentials \(401\): log in again/,
          ),
        }),
      );
    } finally {
      await kube.close();
    }
  });
  it('a proxied answer that starts and then drips is cut at the deadline, not kept alive by each byte', async () => {
    // An API server (or a proxy in front of it) that sends the headers, then a byte every 100 ms.
    const drip = await impostor((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"success","data":{"result":[');
      const t = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(t));
    });
    const kube = await startFakeKube({ objects: [] });
    try {
      const kc = loadKubeConfig({
        kubeconfig: kube.writeKubeconfig(tempDir('kubeconfig-'), { context: 'test' }),
      });
      kc.clusters = kc.clusters.map((c) => ({ ...c, server: drip.url }));
      const src = serviceProxySource(kc, 'monitoring/prometheus-k8s:web', 'service');
      const t0 = performance.now();
      const now = Math.floor(Date.now() / 1000);
      await expect(queryRange(src, 'up', now - 300, now, 15, 1_000)).rejects.toThrow(
        /no answer from 127\.0\.0\.1:\d+ within 1 s/,
      );
      expect(performance.now() - t0).toBeLessThan(2_000);
      expect(drip.requests[0]).toMatch(
        /^\/api\/v1\/namespaces\/monitoring\/services\/prometheus-k8s:web\/proxy\/api\/v1\/query_range\?/,
      );
    } finally {
      await drip.close();
      await kube.close();
    }
  });
});

describe('a configured Prometheus with credentials', () => {
  it('sends the bearer token or the basic credentials to the configured URL, and never to the generatorURL host', async () => {
    const front = await startRecordingProxy(prom.url);
    // The alert's own host answers 502 (a gateway with nothing behind it), so the configured URL is next.
    const gen = await startRecordingProxy(`http://127.0.0.1:${await freePort()}`);
    try {
      const alert = {
        generatorURL: graph(gen.url, 'demo_queue_depth > 100'),
        startsAt: new Date().toISOString(),
      };
      const bearer = await collectMetrics(
        alert,
        target,
        { ...opts, url: front.url, auth: { bearer: 'prom-token-1' } },
        undefined,
      );
      expect(bearer.metrics?.source).toBe(`${front.url} (configured)`);
      expect(bearer.metrics?.series.find((s) => s.name === 'alert expression')?.summary.trend).toBe('rising');
      const asked = front.to('/api/v1/query_range');
      expect(asked.length).toBeGreaterThanOrEqual(4);
      for (const c of asked) expect(c.headers.authorization).toBe('Bearer prom-token-1');

      front.calls.length = 0;
      const basic = await collectMetrics(
        alert,
        target,
        { ...opts, url: front.url, auth: { username: 'scout', password: 'pa:ss wörd' } },
        undefined,
      );
      expect(basic.metrics?.source).toBe(`${front.url} (configured)`);
      expect(front.to('/api/v1/query_range').length).toBeGreaterThanOrEqual(4);
      for (const c of front.to('/api/v1/query_range'))
        expect(c.headers.authorization).toBe(`Basic ${Buffer.from('scout:pa:ss wörd').toString('base64')}`);

      // The generatorURL host was asked (it is the alert's own), but without the configured credentials.
      expect(gen.calls.length).toBe(2);
      for (const c of gen.calls) expect(c.headers.authorization).toBeUndefined();
    } finally {
      await front.close();
      await gen.close();
    }
  });
});
