import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.ts';
import { parseWebhook } from '../../electron/engine/intake/webhook.ts';
import type { Delivery } from '../../shared/delivery.ts';
import { type FakeFeishu, startFakeFeishu } from '../fakes/feishu.ts';
import type { FakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario, type Scenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { tempDir, testEngine } from '../helpers/engine.ts';
import { waitFor } from '../helpers/http.ts';

const oom = loadScenario('oom-jvm-heap');
const crash = loadScenario('crashloop-go-panic');
let kube: FakeKube;
let kubeconfig: string;
let ollama: FakeOllama;
let engines: Engine[] = [];
const fakes: FakeFeishu[] = [];

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster([oom, crash]));
  ollama = await startFakeOllama();
});
afterAll(async () => {
  await kube.close();
  await ollama.close();
  for (const f of fakes) await f.close();
});

async function feishu(opts: Parameters<typeof startFakeFeishu>[0] = {}) {
  const f = await startFakeFeishu(opts);
  fakes.push(f);
  return f;
}

async function engine(extra: Record<string, unknown>): Promise<Engine> {
  const e = testEngine({ kubeconfig, llm: false, feishuHoldSeconds: 0, feishuRetryBaseMs: 50, ...extra });
  engines.push(e);
  await e.pipeline.start();
  return e;
}

async function closeAll() {
  for (const e of engines) await e.close();
  engines = [];
}

function fire(
  e: Engine,
  s: Scenario,
  status: 'firing' | 'resolved' = 'firing',
  startsAt = '2026-11-26T03:25:00Z',
) {
  const r = e.ingest(
    parseWebhook(
      scenarioPayload(s, {
        status,
        startsAt,
        ...(status === 'resolved' ? { endsAt: '2026-11-26T03:48:00Z' } : {}),
      }),
    ),
    'webhook',
  );
  return r.created[0] ?? r.resolved[0]!;
}

const deliveries = (e: Engine, id: number): Delivery[] => e.queries.detail(id)?.deliveries ?? [];
const settled = (e: Engine, id: number, n = 1) =>
  waitFor(
    () => {
      const d = deliveries(e, id);
      return d.length >= n &&
        d.every((x) => x.status === 'sent' || x.status === 'failed' || x.status === 'skipped')
        ? d
        : null;
    },
    20_000,
    `deliveries of ${id}`,
  );

describe('mirroring reports to Feishu', () => {
  it('posts one signed interactive card per incident with the diagnosis, steps and links', async () => {
    const f = await feishu({ secret: 'demo-secret' });
    const e = await engine({ feishuWebhook: f.url, feishuSecret: 'demo-secret' });
    try {
      const id = fire(e, oom);
      const [d] = await settled(e, id);
      expect(d).toMatchObject({ route: 'default', kind: 'new', status: 'sent', attempts: 1 });
      expect(f.delivered()).toHaveLength(1);
      const card = f.delivered()[0]!;
      expect(card).toMatchObject({
        msg_type: 'interactive',
        timestamp: expect.stringMatching(/^\d{10}$/),
        sign: expect.any(String),
      });
      const text = JSON.stringify(card);
      expect(text).toContain('KubePodCrashLooping');
      expect(text).toContain('OOMKilled');
      expect(text).toContain('```\\nkubectl describe pod checkout-7d9f8b6c5-x2x9q -n shop\\n```');
      // Nothing secret reaches the group.
      expect(text).not.toContain('S3cr3tP4ss');
      // Re-delivering the alert does not post a second card.
      fire(e, oom);
      await new Promise((r) => setTimeout(r, 300));
      expect(f.delivered()).toHaveLength(1);
    } finally {
      await closeAll();
    }
  });

  it('a wrong secret fails at once with "signature rejected by Feishu: check the secret", not silently', async () => {
    const f = await feishu({ secret: 'the-real-secret' });
    const e = await engine({ feishuWebhook: f.url, feishuSecret: 'a-wrong-secret' });
    try {
      const id = fire(e, oom);
      const [d] = await settled(e, id);
      expect(d).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastError: expect.stringMatching(/^signature rejected by Feishu: check the secret/),
        fix: expect.stringMatching(/secret/),
      });
      expect(f.requests).toHaveLength(1);
      const test = await e.api.testFeishu({});
      expect(test).toMatchObject({ ok: false, message: expect.stringMatching(/signature rejected/) });
      expect(await e.api.testFeishu({ secret: 'the-real-secret' })).toMatchObject({ ok: true });
      // doctor shows the refused card with its fix.
      const { runDoctor, formatChecks } = await import('../../electron/engine/doctor.ts');
      const text = formatChecks(await runDoctor(e.config));
      expect(text).toMatch(
        /! Feishu route default: a card failed at .*: signature rejected by Feishu: check the secret[\s\S]*fix: copy the signing secret/,
      );
    } finally {
      await closeAll();
    }
  });

  it('rate-limited, then accepted: exactly one card', async () => {
    const f = await feishu({ mode: 'rate-limited' });
    const e = await engine({ feishuWebhook: f.url });
    try {
      const id = fire(e, oom);
      await waitFor(() => (f.requests.length >= 1 ? true : null), 10_000);
      f.setOptions({ mode: 'ok' });
      const [d] = await settled(e, id);
      expect(d).toMatchObject({ status: 'sent' });
      expect(d!.attempts).toBeGreaterThanOrEqual(2);
      expect(f.delivered()).toHaveLength(1);
    } finally {
      await closeAll();
    }
  });

  it('Feishu down (500s, then dropped connections), then back: the card is delivered', async () => {
    const f = await feishu({ mode: 'http-500' });
    const e = await engine({ feishuWebhook: f.url });
    try {
      const id = fire(e, oom);
      await waitFor(() => (f.requests.length >= 2 ? true : null), 10_000);
      f.setOptions({ mode: 'reset' });
      await waitFor(() => (f.requests.length >= 3 ? true : null), 10_000);
      // The dropped connection is booked a moment after the stand-in sees the request.
      const pending = await waitFor(() => {
        const [d] = deliveries(e, id);
        return d?.status === 'pending' && d.attempts >= 3 ? d : null;
      }, 10_000);
      expect(pending.lastError).toMatch(/not reachable|answered 500/);
      f.setOptions({ mode: 'ok' });
      const [d] = await settled(e, id);
      expect(d).toMatchObject({ status: 'sent' });
      expect(f.delivered()).toHaveLength(1);
    } finally {
      await closeAll();
    }
  });

  it('pending cards survive a restart and are delivered once', async () => {
    const f = await feishu({ mode: 'http-500' });
    const dataDir = tempDir();
    const first = await engine({ dataDir, feishuWebhook: f.url, feishuRetryBaseMs: 60_000 });
    const id = fire(first, oom);
    await waitFor(() => (f.requests.length >= 1 ? true : null), 10_000);
    await closeAll();
    f.setOptions({ mode: 'ok' });
    const second = await engine({ dataDir, feishuWebhook: f.url, feishuRetryBaseMs: 50 });
    try {
      // The retry was due in a minute: the restarted engine honours that, so nudge the clock by retrying now.
      second.db
        .prepare(`UPDATE deliveries SET next_at = ? WHERE incident_id = ?`)
        .run(new Date().toISOString(), id);
      const [d] = await settled(second, id);
      expect(d).toMatchObject({ status: 'sent' });
      await new Promise((r) => setTimeout(r, 300));
      expect(f.delivered()).toHaveLength(1);
    } finally {
      await closeAll();
    }
  });

  it('a green "resolved after" card follows when the alert resolves; nothing is posted for one resolved before its card', async () => {
    const f = await feishu();
    const e = await engine({ feishuWebhook: f.url });
    try {
      const id = fire(e, oom);
      await settled(e, id);
      fire(e, oom, 'resolved');
      const all = await settled(e, id, 2);
      expect(all.map((d) => [d.kind, d.status])).toEqual([
        ['new', 'sent'],
        ['resolved', 'sent'],
      ]);
      const resolved = f.delivered()[1] as {
        card: { header: { template: string; title: { content: string } } };
      };
      expect(resolved.card.header).toMatchObject({
        template: 'green',
        title: { content: expect.stringMatching(/Resolved after 23 min/) },
      });
    } finally {
      await closeAll();
    }
    const g = await feishu();
    const held = await engine({
      feishuWebhook: g.url,
      feishuHoldSeconds: 60,
      llm: true,
      ollamaHost: ollama.url,
    });
    try {
      ollama.setOptions({ mode: 'hang' });
      const id = fire(held, crash);
      await waitFor(() => (deliveries(held, id).length ? true : null), 10_000);
      fire(held, crash, 'resolved');
      expect(deliveries(held, id)).toMatchObject([{ kind: 'new', status: 'skipped' }]);
      expect(g.requests).toHaveLength(0);
    } finally {
      ollama.setOptions({ mode: 'ok' });
      await closeAll();
    }
  });

  it('an "updated diagnosis" card follows only when the late LLM report changes the category', async () => {
    const f = await feishu();
    const e = await engine({ feishuWebhook: f.url, llm: true, ollamaHost: ollama.url, feishuHoldSeconds: 0 });
    try {
      // The model takes a while and then disagrees on a case the rules were not sure about.
      ollama.setOptions({
        firstTokenDelayMs: 1_000,
        respond: () =>
          JSON.stringify({
            rootCause: {
              category: 'DependencyFailure',
              explanation: 'Kafka rejects the consumer.',
              confidence: 70,
              evidence: [],
            },
            impact: 'Orders are not routed.',
            steps: [],
            prevention: [],
          }),
      });
      const id = fire(e, crash);
      const all = await settled(e, id, 2);
      expect(all.map((d) => [d.kind, d.status])).toEqual([
        ['new', 'sent'],
        ['updated', 'sent'],
      ]);
      const updated = JSON.stringify(f.delivered()[1]);
      expect(updated).toContain('Updated diagnosis');
      expect(updated).toContain('was CrashLoop');
    } finally {
      ollama.setOptions({ firstTokenDelayMs: 0, respond: undefined });
      await closeAll();
    }
  });

  it("routes by labels to several groups, with each bot's keyword", async () => {
    const all = await feishu();
    const critical = await feishu({ keyword: 'ALERT' });
    const e = await engine({
      feishuWebhook: all.url,
      feishuRoutes: [
        {
          name: 'orders',
          url: critical.url,
          keyword: 'ALERT',
          match: ['namespace=~ord.*', 'severity!=info'],
        },
        { name: 'nobody', url: critical.url, match: ['namespace=~payments.*'] },
      ],
    });
    try {
      const a = fire(e, oom); // namespace shop
      const b = fire(e, crash); // namespace orders
      await settled(e, a);
      await settled(e, b, 2);
      expect(deliveries(e, a).map((d) => d.route)).toEqual(['default']);
      expect(
        deliveries(e, b)
          .map((d) => d.route)
          .sort(),
      ).toEqual(['default', 'orders']);
      expect(critical.delivered()).toHaveLength(1);
      expect(JSON.stringify(critical.delivered()[0])).toContain('ALERT');
    } finally {
      await closeAll();
    }
  });
});

describe('bad Feishu settings', () => {
  it('a non-Feishu host or a malformed URL is refused in settings, with a clear message', async () => {
    const e = await engine({});
    try {
      await expect(
        e.api.updateSettings({ feishuWebhook: 'https://hooks.slack.com/services/T0/B0/XYZ' }),
      ).rejects.toThrow(/hooks\.slack\.com is not a Feishu or Lark host/);
      await expect(
        e.api.testFeishu({ webhook: 'https://example.com/open-apis/bot/v2/hook/abc' }),
      ).resolves.toMatchObject({
        ok: false,
        message: expect.stringMatching(/not a Feishu or Lark host/),
      });
    } finally {
      await closeAll();
    }
  });
});
