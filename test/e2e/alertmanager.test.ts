import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startServe } from '../../electron/cli.ts';
import { resolveConfig } from '../../electron/engine/config.ts';
import type { IncidentSummary } from '../../shared/incident.ts';
import type { FakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { type RealAlertmanager, startAlertmanager } from '../helpers/alertmanager.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { getJson, waitFor } from '../helpers/http.ts';

const NAMES = ['oom-jvm-heap', 'crashloop-missing-env', 'imagepull-tag-typo', 'configerror-missing-secret'];
const scenarios = NAMES.map(loadScenario);

let kube: FakeKube;
let ollama: FakeOllama;
let app: Running;
let am: RealAlertmanager;

beforeAll(async () => {
  const cluster = await scenarioCluster(scenarios);
  kube = cluster.kube;
  ollama = await startFakeOllama();
  app = await startServe(
    resolveConfig({
      dataDir: tempDir(),
      port: 0,
      token: TEST_TOKEN,
      kubeconfig: cluster.kubeconfig,
      ollamaHost: ollama.url,
    }),
    () => {},
  );
  am = await startAlertmanager(`${app.url}/webhook/alertmanager`, TEST_TOKEN);
});

afterAll(async () => {
  await am?.close();
  await app?.close();
  await kube?.close();
  await ollama?.close();
});

async function incidents(): Promise<IncidentSummary[]> {
  return (await getJson<{ items: IncidentSummary[] }>(`${app.url}/api/incidents`)).body.items;
}

describe('with the real Alertmanager 0.25', () => {
  it('turns alerts posted to Alertmanager into ready incidents with the right diagnosis', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    await am.postAlerts(
      scenarios.map((s) => ({ labels: s.alert.labels, annotations: s.alert.annotations, startsAt })),
    );
    const done = await waitFor(
      async () => {
        const items = await incidents();
        return items.length === NAMES.length && items.every((i) => i.state === 'ready') ? items : null;
      },
      20_000,
      'all incidents ready',
    );
    for (const s of scenarios) {
      const i = done.find((x) => x.target === `pod/${s.alert.labels.pod}`);
      expect(i, s.name).toBeDefined();
      expect(i, s.name).toMatchObject({
        category: s.expect.category,
        source: 'llm',
        alertname: s.alert.labels.alertname,
      });
    }
    const detail = await getJson<{ alert: { receiver: string; externalURL: string; endsAt: string | null } }>(
      `${app.url}/api/incidents/${done[0]!.id}`,
    );
    expect(detail.body.alert).toMatchObject({ receiver: 'oncall-scout', externalURL: am.url, endsAt: null });
  });

  it('a resolved alert closes its incident; re-sent notifications are not analysed twice', async () => {
    const s = scenarios[0]!;
    const before = (await incidents()).find((i) => i.target === `pod/${s.alert.labels.pod}`)!;
    await am.postAlerts([
      {
        labels: s.alert.labels,
        annotations: s.alert.annotations,
        endsAt: new Date(Date.now() - 1000).toISOString(),
      },
    ]);
    const after = await waitFor(
      async () => (await incidents()).find((i) => i.id === before.id && i.resolvedAt),
      15_000,
      'the incident to resolve',
    );
    expect(after.status).toBe('resolved');
    expect((await incidents()).length).toBe(NAMES.length);
  });
});
