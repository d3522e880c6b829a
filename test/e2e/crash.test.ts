import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentDetail, IncidentSummary } from '../../shared/incident.ts';
import { type FakeFeishu, startFakeFeishu } from '../fakes/feishu.ts';
import type { FakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { type CliProcess, spawnServe } from '../helpers/cli-process.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { TEST_TOKEN, tempDir } from '../helpers/engine.ts';
import { getJson, postJson, waitFor } from '../helpers/http.ts';

/**
 * SIGKILL at each stage an incident passes through, then restart on the same data dir: every incident
 * finishes, the database is intact, and a card interrupted mid-send goes out at most once more.
 */
let kube: FakeKube;
let kubeconfig: string;
const s = loadScenario('oom-jvm-heap');

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster([s]));
});
afterAll(async () => {
  await kube.close();
});

async function incidents(p: CliProcess): Promise<IncidentSummary[]> {
  return (await getJson<{ items: IncidentSummary[] }>(`${p.url}/api/incidents`)).body.items;
}

async function detail(p: CliProcess, id: number): Promise<IncidentDetail> {
  return (await getJson<IncidentDetail>(`${p.url}/api/incidents/${id}`)).body;
}

function expectIntact(dataDir: string): void {
  const db = new Database(path.join(dataDir, 'oncall-scout.db'), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
}

async function stopCleanly(p: CliProcess): Promise<void> {
  const code = await p.stop();
  expect(code, p.output()).toBe(0);
}

describe('durability', () => {
  it('a 200 means the alert is on disk: kill -9 right after it, while collection is under way, restart, and the incident still finishes', async () => {
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
          const items = await incidents(second);
          return items.length === 1 && items[0]!.state === 'ready' ? items : null;
        },
        15_000,
        'the resumed incident to finish',
      );
      expect(items[0]).toMatchObject({ category: 'OOMKilled', target: `pod/${s.alert.labels.pod}` });
      // The duplicate delivery Alertmanager sends after the crash is recognised.
      const again = await postJson(`${second.url}/webhook/alertmanager`, scenarioPayload(s));
      expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
    } finally {
      await stopCleanly(second);
    }
    expectIntact(dataDir);
  });

  it('killed while the LLM streams: the rules report survives, and the next start asks the LLM again', async () => {
    let ollama: FakeOllama | undefined;
    const dataDir = tempDir();
    try {
      // ~40 chunks at 100 ms: the answer is still streaming for seconds when the engine dies.
      ollama = await startFakeOllama({ tokenDelayMs: 100, chunkSize: 40 });
      const args = [
        '--data-dir',
        dataDir,
        '--kubeconfig',
        kubeconfig,
        '--ollama-host',
        ollama.url,
        '--token',
        TEST_TOKEN,
      ];
      const first = await spawnServe(args);
      await postJson(`${first.url}/webhook/alertmanager`, scenarioPayload(s));
      await waitFor(async () => ollama!.requests.length >= 1 || null, 15_000, 'the LLM to be asked');
      // Let a few tokens stream, then pull the plug.
      await new Promise((r) => setTimeout(r, 400));
      const before = await incidents(first);
      expect(before[0]).toMatchObject({ source: 'rules' });
      await first.kill9();

      ollama.setOptions({ tokenDelayMs: 0 });
      const asked = ollama.requests.length;
      const second = await spawnServe(args);
      try {
        const done = await waitFor(
          async () => {
            const [i] = await incidents(second);
            return i?.source === 'llm' ? i : null;
          },
          20_000,
          'the LLM report after restart',
        );
        expect(done).toMatchObject({ state: 'ready', category: 'OOMKilled' });
        expect(ollama.requests.length).toBe(asked + 1);
        const d = await detail(second, done.id);
        expect(d.reports.map((r) => r.source)).toEqual(['rules', 'llm']);
      } finally {
        await stopCleanly(second);
      }
      expectIntact(dataDir);
    } finally {
      await ollama?.close();
    }
  });

  it('killed between a Feishu send and its bookkeeping: the card goes out again once, not more (at-least-once)', async () => {
    let feishu: FakeFeishu | undefined;
    const dataDir = tempDir();
    try {
      // The group gets the card but the engine never hears back before it dies.
      feishu = await startFakeFeishu({ mode: 'accept-then-hang' });
      const config = path.join(dataDir, 'config.json');
      writeFileSync(
        config,
        JSON.stringify({ feishuWebhook: feishu.url, feishuHoldSeconds: 0, feishuRetryBaseMs: 50 }),
      );
      const args = [
        '--data-dir',
        dataDir,
        '--kubeconfig',
        kubeconfig,
        '--no-llm',
        '--token',
        TEST_TOKEN,
        '--config',
        config,
      ];
      const first = await spawnServe(args);
      await postJson(`${first.url}/webhook/alertmanager`, scenarioPayload(s));
      await waitFor(
        async () => feishu!.delivered().length >= 1 || null,
        15_000,
        'the card to reach the group',
      );
      const [i] = await incidents(first);
      expect((await detail(first, i!.id)).deliveries).toMatchObject([{ status: 'sending' }]);
      await first.kill9();

      feishu.setOptions({ mode: 'ok' });
      const second = await spawnServe(args);
      try {
        const sent = await waitFor(
          async () => {
            const d = await detail(second, i!.id);
            return d.deliveries.every((x) => x.status === 'sent') ? d.deliveries : null;
          },
          15_000,
          'the interrupted card to be settled',
        );
        expect(sent).toHaveLength(1);
        // Give any stray resend a moment to show itself.
        await new Promise((r) => setTimeout(r, 500));
        expect(feishu.delivered()).toHaveLength(2);
      } finally {
        await stopCleanly(second);
      }
      expectIntact(dataDir);
    } finally {
      await feishu?.close();
    }
  });
});
