import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.ts';
import type { SilenceInfo, SourceStatus } from '../../shared/alertmanager.ts';
import type { IncidentDetail, IncidentSummary } from '../../shared/incident.ts';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver.ts';
import { SCENARIO_CLUSTERS } from '../fixtures/scenarios/index.ts';
import { type RealAlertmanager, startAlertmanager } from '../helpers/alertmanager.ts';
import { TEST_TOKEN, tempDir, testEngine } from '../helpers/engine.ts';
import { startFlakyProxy } from '../helpers/flaky-proxy.ts';
import { getJson, postJson, serveEngine, type TestServer, waitFor } from '../helpers/http.ts';
import { amPayload } from '../helpers/payload.ts';
import { startRecordingProxy } from '../helpers/recording-proxy.ts';

/**
 * Pull mode and ack-as-silence against the real Alertmanager 0.25 (Debian's prometheus-alertmanager):
 * alerts posted to it are pulled, an ack creates a silence it lists, un-ack expires it, a resolution
 * resolves; a source that is down, slow or answers garbage says so and resolves nothing; push and pull
 * (by URL and through the API server's service proxy) together make no duplicates.
 */

// Alertmanager must send its webhooks somewhere; for pull-only tests, nowhere (connection refused).
const NOWHERE = 'http://127.0.0.1:9/nowhere';

interface Stack {
  engine: Engine;
  srv: TestServer;
}

async function stack(sources: unknown[], extra: Record<string, unknown> = {}): Promise<Stack> {
  const engine = testEngine({ alertmanagers: sources as never, ...extra });
  await engine.pipeline.start();
  return { engine, srv: await serveEngine(engine) };
}

async function incidents(s: Stack): Promise<IncidentSummary[]> {
  return (await getJson<{ items: IncidentSummary[] }>(`${s.srv.url}/api/incidents`)).body.items;
}

async function sources(s: Stack): Promise<SourceStatus[]> {
  return (await getJson<{ sources: SourceStatus[] }>(`${s.srv.url}/api/status`)).body.sources;
}

async function silences(am: RealAlertmanager) {
  const res = await fetch(`${am.url}/api/v2/silences`);
  return (await res.json()) as Array<{
    id: string;
    status: { state: string };
    matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual?: boolean }>;
    createdBy: string;
    comment: string;
  }>;
}

const alert = (alertname: string, pod: string, extra: Record<string, unknown> = {}) => ({
  labels: { alertname, namespace: 'shop', pod, severity: 'critical' },
  annotations: { summary: `${pod} is failing` },
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  ...extra,
});

const resolve = (a: ReturnType<typeof alert>) => ({
  ...a,
  endsAt: new Date(Date.now() - 1000).toISOString(),
});

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
});

describe('pull mode against the real Alertmanager', () => {
  let am: RealAlertmanager;
  let s: Stack;
  const a = alert('PullCrashLoop', 'api-1');

  beforeAll(async () => {
    am = await startAlertmanager(NOWHERE, TEST_TOKEN);
    closers.push(() => am.close());
    s = await stack([{ url: am.url, intervalSeconds: 1, restartGraceSeconds: 0 }]);
    closers.push(async () => {
      await s.srv.close();
      await s.engine.close();
    });
  });

  it('turns alerts posted to Alertmanager into incidents, once', async () => {
    await am.postAlerts([a]);
    const found = await waitFor(
      async () => (await incidents(s)).find((i) => i.alertname === 'PullCrashLoop'),
      10_000,
      'the pulled incident',
    );
    expect(found).toMatchObject({ target: 'pod/api-1', severity: 'critical', status: 'firing' });
    expect(found.startsAt).toBe(new Date(a.startsAt).toISOString());
    // Several more polls: still one incident.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await incidents(s)).filter((i) => i.alertname === 'PullCrashLoop')).toHaveLength(1);
    const [src] = await sources(s);
    expect(src).toMatchObject({
      state: 'ok',
      lastError: null,
      failures: 0,
      alerts: 1,
      firing: 1,
      version: '0.25.0',
    });
    const detail = (await getJson<IncidentDetail>(`${s.srv.url}/api/incidents/${found.id}`)).body;
    expect(detail.alert.externalURL).toBe(am.url);
  });

  it('ack with a silence: Alertmanager lists it, the alert stays firing; un-ack expires it', async () => {
    const inc = (await incidents(s)).find((i) => i.alertname === 'PullCrashLoop')!;
    const ack = await postJson(`${s.srv.url}/api/incidents/${inc.id}/ack`, {
      by: 'alice',
      silenceMinutes: 30,
    });
    expect(ack.status).toBe(200);
    const silence = ack.body!.silence as SilenceInfo;
    expect(ack.body).toMatchObject({ ackedBy: 'alice', silenceError: null });
    expect(silence).toMatchObject({ alertmanager: am.url, createdBy: 'alice', expiredAt: null });
    expect(Date.parse(silence.endsAt) - Date.parse(silence.startsAt)).toBe(30 * 60_000);

    const listed = (await silences(am)).find((x) => x.id === silence.id)!;
    expect(listed.status.state).toBe('active');
    expect(listed.createdBy).toBe('alice');
    expect(listed.comment).toContain('Acknowledged in Oncall Scout by alice');
    expect(listed.matchers.map((m) => [m.name, m.value, m.isRegex]).sort()).toEqual(
      Object.entries(a.labels)
        .map(([k, v]) => [k, v, false])
        .sort(),
    );
    // Silenced in Alertmanager now; that is not a resolution.
    await waitFor(async () => (await sources(s))[0]!.firing === 0, 10_000, 'the alert to show as silenced');
    await new Promise((r) => setTimeout(r, 2_000));
    const still = (await incidents(s)).find((i) => i.id === inc.id)!;
    expect(still.status).toBe('firing');
    const detail = (await getJson<IncidentDetail>(`${s.srv.url}/api/incidents/${inc.id}`)).body;
    expect(detail.silence?.id).toBe(silence.id);

    const unack = await postJson(`${s.srv.url}/api/incidents/${inc.id}/unack`, {});
    expect(unack.status).toBe(200);
    expect(unack.body).toMatchObject({ ackedAt: null, ackedBy: null });
    expect((await silences(am)).find((x) => x.id === silence.id)!.status.state).toBe('expired');
    const after = (await getJson<IncidentDetail>(`${s.srv.url}/api/incidents/${inc.id}`)).body;
    expect(after.silence?.expiredAt).not.toBeNull();
    // Un-ack twice: nothing left to expire, still fine.
    expect((await postJson(`${s.srv.url}/api/incidents/${inc.id}/unack`, {})).status).toBe(200);
  });

  it('an alert resolved in Alertmanager resolves its incident', async () => {
    const inc = (await incidents(s)).find((i) => i.alertname === 'PullCrashLoop')!;
    await am.postAlerts([resolve(a)]);
    const done = await waitFor(
      async () => (await incidents(s)).find((i) => i.id === inc.id && i.status === 'resolved'),
      10_000,
      'the incident to resolve',
    );
    expect(done.resolvedAt).not.toBeNull();
    expect((await incidents(s)).filter((i) => i.alertname === 'PullCrashLoop')).toHaveLength(1);
  });
});

describe('a source that is down, slow or answers garbage', () => {
  let am: RealAlertmanager;
  let proxy: Awaited<ReturnType<typeof startFlakyProxy>>;
  let s: Stack;
  const c = alert('FlakyOne', 'worker-1');
  const d = alert('FlakyTwo', 'worker-2');

  beforeAll(async () => {
    am = await startAlertmanager(NOWHERE, TEST_TOKEN);
    closers.push(() => am.close());
    proxy = await startFlakyProxy(am.url);
    closers.push(() => proxy.close());
    s = await stack([
      { name: 'flaky', url: proxy.url, intervalSeconds: 1, timeoutSeconds: 1, restartGraceSeconds: 0 },
    ]);
    closers.push(async () => {
      await s.srv.close();
      await s.engine.close();
    });
    await am.postAlerts([c]);
    await waitFor(async () => (await incidents(s)).length === 1, 10_000, 'the first incident');
  });

  const failing = async (match: RegExp) =>
    waitFor(
      async () => {
        const src = (await sources(s))[0]!;
        return src.state === 'failing' && match.test(src.lastError ?? '') ? src : null;
      },
      10_000,
      `the source to fail with ${match}`,
    );

  it('down: says so with backoff, resolves nothing; back: nothing lost, nothing duplicated', async () => {
    proxy.setMode('down');
    const src = await failing(/closed the connection/);
    expect(src.backoffMs).toBeGreaterThanOrEqual(2_000);
    expect(src.lastError).toMatch(/retrying in \d+ s/);
    // While it is down: c resolves in Alertmanager, d starts firing.
    await am.postAlerts([resolve(c), d]);
    await waitFor(async () => (await sources(s))[0]!.failures >= 2, 15_000, 'a second failure');
    const second = (await sources(s))[0]!;
    expect(second.backoffMs).toBeGreaterThan(src.backoffMs!);
    expect((await incidents(s)).map((i) => [i.alertname, i.status])).toEqual([['FlakyOne', 'firing']]);

    proxy.setMode('pass');
    const items = await waitFor(
      async () => {
        const list = await incidents(s);
        return list.length === 2 && list.find((i) => i.alertname === 'FlakyOne')?.status === 'resolved'
          ? list
          : null;
      },
      20_000,
      'c resolved and d pulled after the source came back',
    );
    expect(items.find((i) => i.alertname === 'FlakyTwo')?.status).toBe('firing');
    expect((await sources(s))[0]).toMatchObject({
      state: 'ok',
      lastError: null,
      failures: 0,
      backoffMs: null,
    });
  });

  it('slow: times out and says so', async () => {
    proxy.setMode('hang');
    await failing(/no answer from .* within 1 s/);
    proxy.setMode('pass');
    await waitFor(async () => (await sources(s))[0]!.state === 'ok', 20_000, 'recovery');
  });

  it('garbage: HTML, JSON that is no list, a 500 — each said plainly, nothing resolved', async () => {
    proxy.setMode('html');
    await failing(/did not answer JSON \(text\/html: "<html><body>Sign in/);
    proxy.setMode('not-a-list');
    await failing(/not a list of alerts/);
    proxy.setMode('error500');
    await failing(/HTTP 500/);
    // A list with one broken entry: the good ones count, nothing resolves by absence meanwhile.
    proxy.setMode('partial');
    await am.postAlerts([resolve(d)]);
    await waitFor(
      async () => /not valid alerts/.test((await sources(s))[0]!.lastError ?? ''),
      20_000,
      'the partial answer to be reported',
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await incidents(s)).find((i) => i.alertname === 'FlakyTwo')?.status).toBe('firing');
    proxy.setMode('pass');
    await waitFor(
      async () => (await incidents(s)).find((i) => i.alertname === 'FlakyTwo')?.status === 'resolved',
      20_000,
      'd to resolve once the answers are whole',
    );
    expect(await incidents(s)).toHaveLength(2);
  });
});

describe('a source behind authentication', () => {
  let am: RealAlertmanager;
  let front: Awaited<ReturnType<typeof startRecordingProxy>>;
  let s: Stack;
  const basic = `Basic ${Buffer.from('scout:s3cr:t pw').toString('base64')}`;
  const inUrl = `Basic ${Buffer.from('urluser:p@ss/word').toString('base64')}`;

  beforeAll(async () => {
    am = await startAlertmanager(NOWHERE, TEST_TOKEN);
    closers.push(() => am.close());
    // One recording proxy in front of the real Alertmanager for all three sources, told apart by the
    // credentials they send: a bearer token, basicAuth, and user:password written into the URL.
    front = await startRecordingProxy(am.url);
    closers.push(() => front.close());
    const at = new URL(front.url);
    s = await stack([
      {
        name: 'bearer',
        url: front.url,
        bearerToken: 'am-token-1',
        intervalSeconds: 1,
        restartGraceSeconds: 0,
      },
      {
        name: 'basic',
        url: front.url,
        basicAuth: { username: 'scout', password: 's3cr:t pw' },
        intervalSeconds: 1,
        restartGraceSeconds: 0,
      },
      {
        name: 'in-url',
        url: `http://urluser:${encodeURIComponent('p@ss/word')}@${at.host}`,
        intervalSeconds: 1,
        restartGraceSeconds: 0,
      },
    ]);
    closers.push(async () => {
      await s.srv.close();
      await s.engine.close();
    });
  });

  it('every poll carries the configured bearer token or basic credentials; the alerts come through once', async () => {
    await am.postAlerts([alert('Guarded', 'g-1')]);
    await waitFor(
      async () => (await sources(s)).every((x) => x.state === 'ok' && x.firing === 1),
      10_000,
      'the three sources to list the alert',
    );
    expect((await incidents(s)).filter((i) => i.alertname === 'Guarded')).toHaveLength(1);
    const polls = front.to('/api/v2/alerts');
    const byAuth = new Map<string, number>();
    for (const c of polls) {
      const key = String(c.headers.authorization);
      byAuth.set(key, (byAuth.get(key) ?? 0) + 1);
    }
    // Nothing unauthenticated, nothing else: exactly the three configured credentials.
    expect([...byAuth.keys()].sort()).toEqual(['Bearer am-token-1', basic, inUrl].sort());
    for (const n of byAuth.values()) expect(n).toBeGreaterThanOrEqual(1);
    // The credentials are never shown: the status names the URL without them.
    const listed = await sources(s);
    expect(listed.find((x) => x.name === 'in-url')?.target).toBe(front.url);
    expect(JSON.stringify(listed)).not.toMatch(/am-token-1|s3cr|p@ss|urluser/);
  });

  it('the silence for an ack goes through the same source, with its credentials', async () => {
    const inc = (await incidents(s)).find((i) => i.alertname === 'Guarded')!;
    const ack = await postJson(`${s.srv.url}/api/incidents/${inc.id}/ack`, { silenceMinutes: 10 });
    expect(ack.body?.silenceError).toBeNull();
    const posted = front.to('/api/v2/silences').filter((c) => c.method === 'POST');
    expect(posted).toHaveLength(1);
    expect(['Bearer am-token-1', basic, inUrl]).toContain(posted[0]!.headers.authorization);
    const unack = await postJson(`${s.srv.url}/api/incidents/${inc.id}/unack`, {});
    expect(unack.status).toBe(200);
    const deleted = front.to('/api/v2/silence/').filter((c) => c.method === 'DELETE');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.headers.authorization).toBe(posted[0]!.headers.authorization);
  });
});

describe('push and pull together, by URL and through the service proxy', () => {
  let am: RealAlertmanager;
  let kube: FakeKube;
  let s: Stack;
  const alerts = [alert('Both', 'a-1'), alert('Both', 'a-2'), alert('Both', 'a-3')];

  beforeAll(async () => {
    kube = await startFakeKube({
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'alertmanager-main', namespace: 'monitoring' },
          spec: { ports: [{ name: 'web', port: 9093, targetPort: 'web' }] },
        },
      ],
      token: 'kube-token-123',
    });
    closers.push(() => kube.close());
    const kubeconfig = kube.writeKubeconfig(tempDir('kubeconfig-'), {
      context: 'test',
      aliases: SCENARIO_CLUSTERS,
    });
    // The engine first, so Alertmanager can be pointed at its webhook.
    s = await stack(
      [
        { name: 'direct', url: 'http://127.0.0.1:9/later', intervalSeconds: 1, restartGraceSeconds: 0 },
        {
          name: 'in-cluster',
          service: 'monitoring/alertmanager-main:web',
          intervalSeconds: 1,
          restartGraceSeconds: 0,
        },
      ],
      { kubeconfig },
    );
    closers.push(async () => {
      await s.srv.close();
      await s.engine.close();
    });
    am = await startAlertmanager(`${s.srv.url}/webhook/alertmanager`, TEST_TOKEN);
    closers.push(() => am.close());
  });

  it('a service without endpoints is reported as such', async () => {
    const src = await waitFor(
      async () => (await sources(s)).find((x) => x.name === 'in-cluster' && x.state === 'failing'),
      10_000,
      'the service source to fail',
    );
    expect(src.lastError).toMatch(/no endpoints available for service "alertmanager-main".*pods running/);
    expect(src.target).toBe(`monitoring/alertmanager-main:web via ${kube.url}`);
  });

  it('three alerts, two pull sources and the webhook: three incidents, each resolved once', async () => {
    kube.proxyService('monitoring/alertmanager-main:web', am.url);
    // Through Settings, as a user would: the direct source now points at the real Alertmanager.
    const put = await fetch(`${s.srv.url}/api/settings`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        alertmanagers: [
          { name: 'direct', url: am.url, intervalSeconds: 1, restartGraceSeconds: 0 },
          {
            name: 'in-cluster',
            service: 'monitoring/alertmanager-main:web',
            intervalSeconds: 1,
            restartGraceSeconds: 0,
          },
        ],
      }),
    });
    expect(put.status).toBe(200);
    await am.postAlerts(alerts);
    await waitFor(
      async () => (await sources(s)).every((x) => x.state === 'ok' && x.firing === 3),
      15_000,
      'both sources to list the three alerts',
    );
    await waitFor(async () => (await incidents(s)).length === 3, 10_000, 'three incidents');
    // The webhook delivers too (group_wait 1 s); give it and a few polls time, then count again.
    await new Promise((r) => setTimeout(r, 3_000));
    const list = await incidents(s);
    expect(list).toHaveLength(3);
    expect(new Set(list.map((i) => i.target))).toEqual(new Set(['pod/a-1', 'pod/a-2', 'pod/a-3']));
    const bySource = s.engine.db
      .prepare('SELECT source, COUNT(*) AS n FROM alerts GROUP BY source ORDER BY source')
      .all() as Array<{ source: string; n: number }>;
    expect(bySource.reduce((n, r) => n + r.n, 0)).toBe(3);
    // The service proxy was used with the kubeconfig's token, and did not pass it on.
    const proxied = kube.requests.filter((r) => r.path.includes('/services/alertmanager-main:web/proxy/'));
    expect(proxied.length).toBeGreaterThan(0);
    expect(proxied[0]!.headers.authorization).toBe('Bearer kube-token-123');

    await am.postAlerts([resolve(alerts[0]!)]);
    await waitFor(
      async () => (await incidents(s)).find((i) => i.target === 'pod/a-1')?.status === 'resolved',
      15_000,
      'a-1 to resolve',
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const resolvedRows = s.engine.db
      .prepare("SELECT COUNT(*) AS n FROM alerts WHERE status = 'resolved'")
      .get() as { n: number };
    expect(resolvedRows.n).toBe(1);
    expect((await incidents(s)).filter((i) => i.status === 'firing')).toHaveLength(2);
  });

  it('an alert gone from one source but listed by another stays firing', async () => {
    // Only the direct source sees a filtered-out view: it stops listing a-2; in-cluster still lists it.
    await s.engine.sources.configure([
      { ...s.engine.config.alertmanagers[0]!, filter: ['pod="a-3"'] },
      s.engine.config.alertmanagers[1]!,
    ]);
    await waitFor(
      async () => (await sources(s)).find((x) => x.name === 'direct')?.alerts === 1,
      10_000,
      'the filter',
    );
    await new Promise((r) => setTimeout(r, 2_000));
    expect(
      (await incidents(s))
        .filter((i) => i.status === 'firing')
        .map((i) => i.target)
        .sort(),
    ).toEqual(['pod/a-2', 'pod/a-3']);
    // And when the last source to list it sees it end, it resolves.
    await am.postAlerts([resolve(alerts[1]!)]);
    await waitFor(
      async () => (await incidents(s)).find((i) => i.target === 'pod/a-2')?.status === 'resolved',
      15_000,
      'a-2 to resolve through the source that still listed it',
    );
  });
});

describe('ack with a silence for an alert that came by webhook', () => {
  let am: RealAlertmanager;
  let s: Stack;

  beforeAll(async () => {
    am = await startAlertmanager(NOWHERE, TEST_TOKEN);
    closers.push(() => am.close());
    s = await stack([]);
    closers.push(async () => {
      await s.srv.close();
      await s.engine.close();
    });
  });

  const post = async (pod: string, externalURL: string) => {
    const labels = { alertname: 'Hooked', namespace: 'shop', pod, severity: 'warning' };
    const res = await postJson(`${s.srv.url}/webhook/alertmanager`, amPayload([{ labels }], { externalURL }));
    expect(res.status).toBe(200);
    return waitFor(async () => (await incidents(s)).find((i) => i.target === `pod/${pod}`), 5_000, pod);
  };

  it('silences in the Alertmanager named by its externalURL', async () => {
    const inc = await post('h-1', am.url);
    const ack = await postJson(`${s.srv.url}/api/incidents/${inc.id}/ack`, { silenceMinutes: 15 });
    expect(ack.body?.silenceError).toBeNull();
    const id = (ack.body!.silence as SilenceInfo).id;
    expect((await silences(am)).find((x) => x.id === id)?.status.state).toBe('active');
  });

  it('says clearly when no Alertmanager is known or reachable — the ack itself holds', async () => {
    const none = await post('h-2', '');
    const r1 = await postJson(`${s.srv.url}/api/incidents/${none.id}/ack`, { silenceMinutes: 15 });
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ silence: null });
    expect(r1.body!.ackedAt).not.toBeNull();
    expect(r1.body!.silenceError).toMatch(/no Alertmanager is known for this incident.*Settings/);

    const gone = await post('h-3', 'http://127.0.0.1:9');
    const r2 = await postJson(`${s.srv.url}/api/incidents/${gone.id}/ack`, { silenceMinutes: 15 });
    expect(r2.body!.silenceError).toMatch(/not silenced.*127\.0\.0\.1:9.*connection refused/);
  });
});
