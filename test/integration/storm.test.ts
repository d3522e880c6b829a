import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.ts';
import { parseWebhook } from '../../electron/engine/intake/webhook.ts';
import type { FakeKube, KubeObject } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { testEngine } from '../helpers/engine.ts';
import { waitFor } from '../helpers/http.ts';
import { amPayload } from '../helpers/payload.ts';

const s = loadScenario('crashloop-go-panic');
const template = s.objects.find(
  (o) => o.kind === 'Pod' && o.metadata.name === 'order-router-84c6d9f5b7-tn4vd',
)!;
const REPLICAS = 12;
const names = Array.from(
  { length: REPLICAS },
  (_, i) => `order-router-84c6d9f5b7-x${String(i).padStart(4, '0')}`,
);

let kube: FakeKube;
let kubeconfig: string;
let ollama: FakeOllama;

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster([s]));
  const log = s.logs['orders/order-router-84c6d9f5b7-tn4vd/order-router/previous']!;
  for (const name of names) {
    const pod = structuredClone(template) as KubeObject & { metadata: Record<string, unknown> };
    pod.metadata = { ...pod.metadata, name, uid: undefined, resourceVersion: undefined };
    kube.upsert(pod);
    kube.setLogs(`orders/${name}/order-router/previous`, log);
    kube.setLogs(`orders/${name}/order-router`, log);
  }
  ollama = await startFakeOllama({ tokenDelayMs: 20 });
});
afterAll(async () => {
  await kube.close();
  await ollama.close();
});

describe('an alert storm', () => {
  it('many pods of one workload failing the same way share one LLM analysis, each report naming its own pod', async () => {
    const engine: Engine = testEngine({ kubeconfig, llm: true, ollamaHost: ollama.url });
    await engine.pipeline.start();
    try {
      ollama.setOptions({
        respond: (req) => {
          const pod = /pod orders\/(order-router-84c6d9f5b7-x\d+)/.exec(req.messages.at(-1)!.content)![1]!;
          return JSON.stringify({
            rootCause: {
              category: 'CrashLoop',
              explanation: `Pod ${pod} panics on a null shipping address.`,
              confidence: 85,
              evidence: [],
            },
            impact: `${pod} cannot route orders.`,
            steps: [
              {
                title: `Read the crash of ${pod}`,
                command: `kubectl logs ${pod} -n orders --previous`,
                risk: 'read-only',
              },
            ],
            prevention: ['Validate messages.'],
          });
        },
      });
      const before = ollama.requests.length;
      const payload = amPayload(names.map((pod) => ({ labels: { ...s.alert.labels, pod } })));
      const { created } = engine.ingest(parseWebhook(payload), 'webhook');
      expect(created).toHaveLength(REPLICAS);
      await waitFor(
        () => created.every((id) => engine.queries.summary(id)?.state === 'ready'),
        60_000,
        'all incidents ready',
      );
      expect(ollama.requests.length - before).toBe(1);
      const reports = created.map((id) => engine.queries.detail(id)!.report!);
      expect(reports.every((r) => r.source === 'llm' && r.rootCause.category === 'CrashLoop')).toBe(true);
      expect(reports.filter((r) => r.sharedFrom !== undefined)).toHaveLength(REPLICAS - 1);
      for (const [i, id] of created.entries()) {
        const d = engine.queries.detail(id)!;
        const commands = d.report!.steps.map((st) => st.command ?? '').join(' ');
        const others = names.filter((n) => n !== names[i]);
        expect(commands).toBe(`kubectl --context prod-eu-1 logs ${names[i]} -n orders --previous`);
        for (const o of others) expect(d.report!.rootCause.explanation).not.toContain(o);
      }
      // Asked to look again, an incident gets its own fresh analysis rather than the shared one.
      const again = created[3]!;
      await engine.api.reanalyze({ id: again });
      await waitFor(
        () => engine.queries.detail(again)!.reports.filter((r) => r.source === 'llm').length === 2,
        30_000,
        're-analysis',
      );
      expect(ollama.requests.length - before).toBe(2);
      expect(engine.queries.detail(again)!.report!.sharedFrom).toBeUndefined();
    } finally {
      await engine.close();
    }
  }, 90_000);
});
