import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.ts';
import { parseWebhook } from '../../electron/engine/intake/webhook.ts';
import { write } from '../../electron/engine/store/db.ts';
import type { Delivery } from '../../shared/delivery.ts';
import { type FakeFeishu, startFakeFeishu } from '../fakes/feishu.ts';
import type { FakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import {
  labelsFingerprint,
  loadScenario,
  type Scenario,
  scenarioPayload,
} from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { tempDir, testEngine } from '../helpers/engine.ts';
import { waitFor } from '../helpers/http.ts';

const oom = loadScenario('oom-jvm-heap');
const crash = loadScenario('crashloop-go-panic');
// Its Deployment carries DATABASE_URL=postgres://invoice:S3cr3tP4ss@… in its env and annotations.
const dbTimeout = loadScenario('dependency-db-io-timeout');
let kube: FakeKube;
let kubeconfig: string;
let ollama: FakeOllama;
let engines: Engine[] = [];
const fakes: FakeFeishu[] = [];

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster([oom, crash, dbTimeout]));
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

/** An engine whose cards wait (the model never answers) until `burst` makes them all due at once. */
function burstEngine(extra: Record<string, unknown>) {
  ollama.setOptions({ mode: 'hang' });
  return engine({ llm: true, ollamaHost: ollama.url, feishuHoldSeconds: 600, ...extra });
}

/**
 * `n` incidents, each on its own workload, or (`storm`) all replicas of one; once all their cards are
 * queued, every one is due now.
 */
async function burst(e: Engine, n: number, cardsEach: number, storm = false): Promise<number[]> {
  const payload = scenarioPayload(oom) as { alerts: Array<Record<string, unknown>> };
  const base = payload.alerts[0]!;
  const suffixes = 'bcdfghjklmnpqrstvwxz';
  payload.alerts = Array.from({ length: n }, (_, i) => {
    const pod = storm ? `checkout-7d9f8b6c5-x2x9${suffixes[i]}` : `burst${i}-7d9f8b6c5-x2x9q`;
    const labels = { ...(base.labels as Record<string, string>), pod };
    return { ...base, labels, fingerprint: labelsFingerprint(labels) };
  });
  const ids = e.ingest(parseWebhook(payload), 'webhook').created;
  expect(ids).toHaveLength(n);
  await waitFor(
    () => ids.every((id) => deliveries(e, id).length === cardsEach) || null,
    20_000,
    'every card queued',
  );
  // Through the engine's own write(): the analysis worker may hold the write lock at this moment.
  write(() =>
    e.db.prepare(`UPDATE deliveries SET next_at = ? WHERE status = 'pending'`).run(new Date().toISOString()),
  );
  return ids;
}

/** The stand-in never had to refuse a card (11232), and saw at most 5 in any second. */
function expectWithinLimits(f: FakeFeishu, cards: number) {
  expect(f.requests.filter((r) => r.code === 11232)).toEqual([]);
  expect(f.requests.map((r) => r.code)).toEqual(Array(cards).fill(0));
  const at = f.requests.map((r) => r.at);
  for (const t of at) expect(at.filter((u) => u >= t && u - t < 1_000).length).toBeLessThanOrEqual(5);
  // It was a burst the sender had to pace, not cards that trickled in.
  expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual(1_000 * (Math.ceil(cards / 5) - 1));
}

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
      expect(text).toContain(
        '```\\nkubectl --context prod-eu-1 describe pod checkout-7d9f8b6c5-x2x9q -n shop\\n```',
      );
      // Re-delivering the alert does not post a second card.
      fire(e, oom);
      await new Promise((r) => setTimeout(r, 300));
      expect(f.delivered()).toHaveLength(1);
    } finally {
      await closeAll();
    }
  });

  it('a card held for the LLM goes out as soon as the LLM gives up, with the rules report', async () => {
    const f = await feishu();
    // Nothing listens there: the LLM step fails at once and the rules report stands.
    const e = await engine({
      feishuWebhook: f.url,
      llm: true,
      ollamaHost: 'http://127.0.0.1:9',
      feishuHoldSeconds: 600,
    });
    try {
      const id = fire(e, oom);
      const [d] = await settled(e, id);
      expect(d).toMatchObject({ kind: 'new', status: 'sent' });
      expect(e.queries.detail(id)?.report).toMatchObject({ source: 'rules', llmError: expect.any(String) });
      expect(JSON.stringify(f.delivered()[0])).toContain('OOMKilled');
    } finally {
      await closeAll();
    }
  });

  it('nothing secret reaches the group: alert annotations and links, and the model quoting them, are redacted', async () => {
    // Secrets planted where Alertmanager passes them on untouched: a label, annotations, the links.
    const planted = {
      label: 'L4belPassw0rd',
      annotation: 'Ann0tat1onPassw0rd',
      bearer: 'abcDEF0123456789ghiJKLmno',
      runbookToken: 'Runb00kT0kenValue',
      graphToken: 'Gr4phT0kenValue',
    };
    const secrets = ['S3cr3tP4ss', ...Object.values(planted)];
    const payload = scenarioPayload(dbTimeout) as { alerts: Array<Record<string, unknown>> };
    const alert = payload.alerts[0]!;
    const labels = {
      ...(alert.labels as Record<string, string>),
      db_password: planted.label,
    };
    Object.assign(alert, {
      labels,
      fingerprint: labelsFingerprint(labels),
      annotations: {
        ...(alert.annotations as Record<string, string>),
        description: `invoice-api cannot reach postgres://invoice:${planted.annotation}@10.0.3.7:5432/billing`,
        probe: `curl -H "Authorization: Bearer ${planted.bearer}" http://invoice-api:8080/healthz`,
        runbook_url: `https://wiki.acme.example/runbooks/billing/invoice-api?token=${planted.runbookToken}`,
      },
      generatorURL: `${alert.generatorURL}&access_token=${planted.graphToken}`,
    });
    // The model quotes everything back (as a model that saw the raw values would).
    ollama.setOptions({
      respond: () =>
        JSON.stringify({
          rootCause: {
            category: 'DependencyFailure',
            explanation: `Quoting the alert: postgres://invoice:${planted.annotation}@10.0.3.7 and DATABASE_URL=postgres://invoice:S3cr3tP4ss@10.0.3.7:5432/billing; the probe sends Authorization: Bearer ${planted.bearer}; db_password=${planted.label}.`,
            confidence: 80,
            evidence: ['dial postgres://invoice:S3cr3tP4ss@10.0.3.7:5432/billing: i/o timeout'],
          },
          impact: `Invoices fail (password=${planted.annotation}).`,
          steps: [
            {
              title: `Try the database with PGPASSWORD=${planted.annotation}`,
              command: `psql postgres://invoice:S3cr3tP4ss@10.0.3.7:5432/billing -c 'select 1'`,
              risk: 'read-only',
            },
          ],
          prevention: [],
        }),
    });
    const f = await feishu();
    const e = await engine({
      feishuWebhook: f.url,
      llm: true,
      ollamaHost: ollama.url,
      // The card waits for the model's answer and goes out as soon as it is there, carrying it.
      feishuHoldSeconds: 600,
      fetchRunbooks: false,
    });
    try {
      const id = e.ingest(parseWebhook(payload), 'webhook').created[0]!;
      const [d] = await settled(e, id);
      expect(e.queries.detail(id)?.report?.source).toBe('llm');
      expect(d).toMatchObject({ kind: 'new', status: 'sent' });
      // The model never saw the alert's secrets...
      const prompt = ollama.requests
        .filter((r) => JSON.stringify(r.messages).includes('InvoiceApiAvailabilityLow'))
        .map((r) => JSON.stringify(r.messages))
        .join('\n');
      expect(prompt).toContain('[REDACTED]');
      for (const secret of secrets) expect(prompt, secret).not.toContain(secret);
      // ...and what it says anyway is redacted on the card.
      expect(f.delivered()).toHaveLength(1);
      const text = JSON.stringify(f.delivered()[0]);
      expect(text).toContain('Quoting the alert');
      expect(text).toContain('REDACTED');
      expect(text).toContain('https://wiki.acme.example/runbooks/billing/invoice-api?token=');
      for (const secret of secrets) expect(text, secret).not.toContain(secret);
    } finally {
      ollama.setOptions({ respond: undefined });
      await closeAll();
    }
  });

  it("honours the bot's rate limits: a burst of 12 incidents, none refused, one card each", async () => {
    const f = await feishu({ rateLimits: true });
    const e = await burstEngine({ feishuWebhook: f.url });
    try {
      const ids = await burst(e, 12, 1);
      for (const id of ids) {
        expect(await settled(e, id)).toMatchObject([{ kind: 'new', status: 'sent', attempts: 1 }]);
      }
      expectWithinLimits(f, 12);
    } finally {
      ollama.setOptions({ mode: 'ok' });
      await closeAll();
    }
  });

  it('a burst that is one storm (12 replicas of one Deployment) is one card, the others folded into it', async () => {
    const f = await feishu({ rateLimits: true });
    const e = await burstEngine({ feishuWebhook: f.url });
    try {
      const ids = await burst(e, 12, 1, true);
      for (const id of ids) await settled(e, id);
      expect(ids.map((id) => deliveries(e, id)[0]!.status).sort()).toEqual([
        'sent',
        ...Array(11).fill('skipped'),
      ]);
      expect(f.delivered()).toHaveLength(1);
    } finally {
      ollama.setOptions({ mode: 'ok' });
      await closeAll();
    }
  });

  it('two routes to the same bot share its rate limit', async () => {
    const f = await feishu({ rateLimits: true });
    const e = await burstEngine({
      feishuWebhook: f.url,
      feishuRoutes: [{ name: 'same-bot', url: f.url, match: [] }],
    });
    try {
      const ids = await burst(e, 6, 2);
      for (const id of ids) {
        const cards = await settled(e, id, 2);
        expect(cards.map((d) => [d.route, d.status, d.attempts]).sort()).toEqual([
          ['default', 'sent', 1],
          ['same-bot', 'sent', 1],
        ]);
      }
      expectWithinLimits(f, 12);
    } finally {
      ollama.setOptions({ mode: 'ok' });
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
      write(() =>
        second.db
          .prepare(`UPDATE deliveries SET next_at = ? WHERE incident_id = ?`)
          .run(new Date().toISOString(), id),
      );
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

  it("a storm is one card: a workload's replicas fold into the first, whose resolved card waits for them all", async () => {
    const f = await feishu();
    const e = await engine({ feishuWebhook: f.url });
    try {
      const pod = oom.alert.labels.pod!; // checkout-7d9f8b6c5-x2x9q
      const replicas = ['x2x9q', 'b4n7k', 'q8z2m', 'h2nvj'].map((suffix) => ({
        ...oom,
        alert: { ...oom.alert, labels: { ...oom.alert.labels, pod: pod.replace(/[^-]+$/, suffix) } },
      }));
      const [lead, ...rest] = replicas.map((s) => fire(e, s));
      const other = fire(e, crash); // another workload: its own card
      await settled(e, other);
      for (const id of [lead!, ...rest]) await settled(e, id);
      expect(deliveries(e, lead!)).toMatchObject([{ kind: 'new', status: 'sent' }]);
      for (const id of rest) {
        expect(deliveries(e, id)).toMatchObject([
          {
            kind: 'new',
            status: 'skipped',
            lastError: expect.stringMatching(
              new RegExp(`^folded into the card of incident ${lead}: the same alert on checkout`),
            ),
          },
        ]);
      }
      expect(f.delivered()).toHaveLength(2);

      // The first one resolves while the others still fire: no "resolved" yet, the storm goes on.
      fire(e, replicas[0]!, 'resolved');
      await waitFor(() => deliveries(e, lead!).some((d) => d.kind === 'resolved') || null);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(f.delivered()).toHaveLength(2);
      // The last of them resolves: one green card for all four.
      for (const s of replicas.slice(1)) fire(e, s, 'resolved');
      await settled(e, lead!, 2);
      const cards = f.delivered() as Array<{
        card: { header: { template: string; title: { content: string } } };
      }>;
      expect(cards).toHaveLength(3);
      expect(cards[2]!.card.header).toMatchObject({
        template: 'green',
        title: {
          content: `✅ All 4 resolved after 23 min · ${oom.alert.labels.alertname} · shop/checkout`,
        },
      });
      // A replica that fails again later is a new storm: it gets a card.
      const again = fire(e, replicas[1]!, 'firing', '2026-11-26T05:00:00Z');
      expect(await settled(e, again)).toMatchObject([{ kind: 'new', status: 'sent' }]);
    } finally {
      await closeAll();
    }
  });

  it('a storm announced before a restart still folds into its card after it', async () => {
    const f = await feishu();
    const dataDir = tempDir();
    const replica = (suffix: string) => ({
      ...oom,
      alert: {
        ...oom.alert,
        labels: { ...oom.alert.labels, pod: oom.alert.labels.pod!.replace(/[^-]+$/, suffix) },
      },
    });
    const first = await engine({ dataDir, feishuWebhook: f.url });
    const lead = fire(first, replica('x2x9q'));
    await settled(first, lead);
    await closeAll();
    const second = await engine({ dataDir, feishuWebhook: f.url });
    try {
      const later = fire(second, replica('b4n7k'));
      expect(await settled(second, later)).toMatchObject([
        { status: 'skipped', lastError: expect.stringContaining(`the card of incident ${lead}`) },
      ]);
      expect(f.delivered()).toHaveLength(1);
    } finally {
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
