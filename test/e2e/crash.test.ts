import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../shared/incident.ts';
import type { FakeKube } from '../fakes/kube-apiserver.ts';
import { loadScenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { spawnServe } from '../helpers/cli-process.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { getJson, postJson, waitFor } from '../helpers/http.ts';

let kube: FakeKube;
let kubeconfig: string;
const s = loadScenario('oom-jvm-heap');

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster([s]));
});
afterAll(async () => {
  await kube.close();
});

describe('durability', () => {
  it('a 200 means the alert is on disk: kill -9 right after it, restart, and the incident still finishes', async () => {
    const dataDir = tempDir();
    const args = ['--data-dir', dataDir, '--kubeconfig', kubeconfig, '--no-llm', '--token', TEST_TOKEN];
    // A slow API server keeps the first run busy collecting when it dies.
    kube.setLatency(3_000);
    const first = await spawnServe(args);
    const res = await postJson(`${first.url}/webhook/alertmanager`, scenarioPayload(s));
    expect(res).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    await first.kill9();

    kube.setLatency(0);
    const second = await spawnServe(args);
    try {
      expect(second.output()).toMatch(/resumed: +1 unfinished incident/);
      const items = await waitFor(
        async () => {
          const { body } = await getJson<{ items: IncidentSummary[] }>(`${second.url}/api/incidents`);
          return body.items.length === 1 && body.items[0]!.state === 'ready' ? body.items : null;
        },
        15_000,
        'the resumed incident to finish',
      );
      expect(items[0]).toMatchObject({ category: 'OOMKilled', target: `pod/${s.alert.labels.pod}` });
      // The duplicate delivery Alertmanager sends after the crash is recognised.
      const again = await postJson(`${second.url}/webhook/alertmanager`, scenarioPayload(s));
      expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
    } finally {
      const code = await second.stop();
      expect(code, second.output()).toBe(0);
    }
    const db = new Database(path.join(dataDir, 'oncall-scout.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
