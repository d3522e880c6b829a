import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.ts';
import { parseWebhook } from '../../electron/engine/intake/webhook.ts';
import type { IncidentDetail } from '../../shared/incident.ts';
import type { FakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { testEngine } from '../helpers/engine.ts';
import { waitFor } from '../helpers/http.ts';

const CORE = ['oom-jvm-heap', 'crashloop-missing-env', 'imagepull-tag-typo', 'configerror-missing-secret'];
const scenarios = CORE.map(loadScenario);

let kube: FakeKube;
let kubeconfig: string;
let ollama: FakeOllama;

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster(scenarios));
  ollama = await startFakeOllama();
});
afterAll(async () => {
  await kube.close();
  await ollama.close();
});

async function engineWith(llm: boolean, ollamaHost = ollama.url, extra = {}): Promise<Engine> {
  const e = testEngine({
    kubeconfig,
    llm,
    ollamaHost,
    firstTokenTimeoutMs: 2_000,
    llmTimeoutMs: 5_000,
    ...extra,
  });
  await e.pipeline.start();
  return e;
}

async function fire(engine: Engine, name: string, status: 'firing' | 'resolved' = 'firing'): Promise<number> {
  const s = loadScenario(name);
  const r = engine.ingest(parseWebhook(scenarioPayload(s, { status })), 'webhook');
  return r.created[0] ?? r.resolved[0]!;
}

async function finished(engine: Engine, id: number, timeoutMs = 20_000): Promise<IncidentDetail> {
  return waitFor(
    () => {
      const d = engine.queries.detail(id);
      return d && ['ready', 'failed', 'cancelled'].includes(d.state) ? d : null;
    },
    timeoutMs,
    `incident ${id} to finish`,
  );
}

describe('pipeline against the stand-in cluster and Ollama', () => {
  it.each(CORE)('%s: rules report within the second, then the LLM report replaces it', async (name) => {
    const engine = await engineWith(true);
    try {
      const id = await fire(engine, name);
      const d = await finished(engine, id);
      const expected = loadScenario(name).expect.category;
      expect(d.state).toBe('ready');
      expect(d.reports.map((r) => r.source)).toEqual(['rules', 'llm']);
      expect(d.reports[0]!.rootCause.category).toBe(expected);
      expect(d.report).toMatchObject({
        source: 'llm',
        model: 'qwen2.5:14b',
        rootCause: { category: expected },
      });
      expect(d.timings.collectMs).toBeLessThan(5_000);
      expect(d.context?.pods[0]?.name).toBe(loadScenario(name).alert.labels.pod);
    } finally {
      await engine.close();
    }
  });

  it('asks Ollama the way PROTOCOLS says: streamed, schema as format, temperature 0.3, explicit num_ctx, untrusted data fenced', async () => {
    const before = ollama.requests.length;
    const engine = await engineWith(true);
    try {
      await finished(engine, await fire(engine, 'oom-jvm-heap'));
      const req = ollama.requests[before]!;
      expect(req.stream).toBe(true);
      expect(req.model).toBe('qwen2.5:14b');
      expect(req.options).toMatchObject({ temperature: 0.3, num_ctx: 8192 });
      expect(req.format).toMatchObject({
        type: 'object',
        required: expect.arrayContaining(['rootCause', 'steps']),
      });
      const user = req.messages.at(-1)!.content;
      expect(user).toContain('hint-category: OOMKilled');
      expect(user).toMatch(
        /BEGIN UNTRUSTED CLUSTER CONTEXT[\s\S]*OOMKilled[\s\S]*END UNTRUSTED CLUSTER CONTEXT/,
      );
    } finally {
      await engine.close();
    }
  });

  it('fits num_ctx to the model: never above the context length /api/show reports', async () => {
    const small = await startFakeOllama({ contextLength: 4096 });
    const engine = await engineWith(true, small.url);
    try {
      await finished(engine, await fire(engine, 'crashloop-go-panic'));
      expect(small.requests[0]!.options).toMatchObject({ num_ctx: 4096 });
      // The digest shrank with it: 4,096 minus room for the instructions and the answer.
      expect(engine.queries.detail(1)!.context!.digestTokens).toBeLessThanOrEqual(1_904);
    } finally {
      await engine.close();
      await small.close();
    }
  });

  it('Ollama down: the rules report stands and says how to start Ollama', async () => {
    const engine = await engineWith(true, 'http://127.0.0.1:9');
    try {
      const d = await finished(engine, await fire(engine, 'crashloop-missing-env'));
      expect(d.state).toBe('ready');
      expect(d.report).toMatchObject({ source: 'rules', rootCause: { category: 'CrashLoop' } });
      expect(d.report!.llmError).toMatch(
        /not reachable at http:\/\/127\.0\.0\.1:9: start it with `ollama serve`/,
      );
    } finally {
      await engine.close();
    }
  });

  it('model not pulled: the error names the pull command', async () => {
    const engine = await engineWith(true, ollama.url, { model: 'llama3.1:70b' });
    try {
      const d = await finished(engine, await fire(engine, 'imagepull-tag-typo'));
      expect(d.report!.llmError).toBe('model llama3.1:70b is not pulled: run `ollama pull llama3.1:70b`');
      expect(d.report!.rootCause.category).toBe('ImagePull');
    } finally {
      await engine.close();
    }
  });

  it('prose instead of JSON: one repair attempt, then the rules report with the reason', async () => {
    ollama.setOptions({ mode: 'garbage' });
    const before = ollama.requests.length;
    const engine = await engineWith(true);
    try {
      const d = await finished(engine, await fire(engine, 'configerror-missing-secret'));
      expect(ollama.requests.length - before).toBe(2);
      expect(d.report).toMatchObject({ source: 'rules', rootCause: { category: 'ConfigError' } });
      expect(d.report!.llmError).toMatch(/not a valid diagnosis/);
    } finally {
      ollama.setOptions({ mode: 'ok' });
      await engine.close();
    }
  });

  it('a hanging Ollama is given up after the first-token deadline', async () => {
    ollama.setOptions({ mode: 'hang' });
    const engine = await engineWith(true, ollama.url, { firstTokenTimeoutMs: 300 });
    try {
      const d = await finished(engine, await fire(engine, 'oom-jvm-heap'));
      expect(d.report!.llmError).toMatch(/sent nothing for 0.3 s/);
      expect(d.report!.rootCause.category).toBe('OOMKilled');
    } finally {
      ollama.setOptions({ mode: 'ok' });
      await engine.close();
    }
  });

  it('the alert resolving cancels a running LLM analysis', async () => {
    ollama.setOptions({ mode: 'hang-after-first-token' });
    const engine = await engineWith(true, ollama.url, { llmTimeoutMs: 30_000 });
    try {
      const id = await fire(engine, 'oom-jvm-heap');
      await waitFor(() => engine.queries.summary(id)?.state === 'diagnosing', 5_000);
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      await fire(engine, 'oom-jvm-heap', 'resolved');
      const d = await finished(engine, id);
      await waitFor(() => engine.queries.detail(id)?.report?.llmError, 3_000);
      expect(Date.now() - t0).toBeLessThan(3_000);
      expect(engine.queries.detail(id)!.report!.llmError).toMatch(/resolved before the LLM finished/);
      expect(d.status).toBe('resolved');
    } finally {
      ollama.setOptions({ mode: 'ok' });
      await engine.close();
    }
  });

  it('a read that hangs becomes a timed-out gap; the other reads still arrive', async () => {
    const engine = await engineWith(false, ollama.url, { readTimeoutMs: 300 });
    let off = () => {};
    try {
      // A first collection loads the Kubernetes client into the fresh worker (a second or more on a busy
      // machine): not what this test times.
      await finished(engine, await fire(engine, 'crashloop-go-panic'));
      off = kube.fail(/\/log$/, 'hang');
      const d = await finished(engine, await fire(engine, 'oom-jvm-heap'));
      expect(d.state).toBe('ready');
      expect(d.report!.rootCause.category).toBe('OOMKilled');
      expect(d.context!.gaps).toContainEqual(
        expect.objectContaining({ what: expect.stringMatching(/logs of/), reason: 'timed out after 300 ms' }),
      );
      expect(d.context!.events.length).toBeGreaterThan(0);
      expect(d.timings.collectMs).toBeLessThan(2_000);
    } finally {
      off();
      await engine.close();
    }
  });

  it('a forbidden or unreachable cluster becomes explained gaps, never a failed incident', async () => {
    const off = kube.fail('/pods/', 403);
    const engine = await engineWith(false);
    try {
      const d = await finished(engine, await fire(engine, 'oom-jvm-heap'));
      expect(d.state).toBe('ready');
      expect(d.report!.rootCause.category).toBe('Unknown');
      expect(d.context!.gaps[0]).toMatchObject({
        reason: expect.stringMatching(/forbidden \(403\)/),
        fix: expect.stringMatching(/read access/),
      });
    } finally {
      off();
      await engine.close();
    }
    const nowhere = testEngine({ kubeconfig: '/nonexistent/kubeconfig', llm: false });
    await nowhere.pipeline.start();
    try {
      const d = await finished(nowhere, await fire(nowhere, 'oom-jvm-heap'));
      expect(d.state).toBe('ready');
      expect(d.context!.gaps[0]!.reason).toMatch(/no kubeconfig found/);
    } finally {
      await nowhere.close();
    }
  });

  describe('warming up while idle', () => {
    const loaded = (logs: string[]) => logs.filter((l) => /Kubernetes client loaded in \d+ ms/.test(l));

    it('loads the Kubernetes client before the first alert needs it, once', async () => {
      const logs: string[] = [];
      const e = testEngine({ kubeconfig, warmUpMs: 50 }, { log: (m) => logs.push(m) });
      await e.pipeline.start();
      try {
        await waitFor(() => loaded(logs).length > 0, 15_000, 'the warm-up');
        const id = await fire(e, 'oom-jvm-heap');
        expect((await finished(e, id)).category).toBe('OOMKilled');
        expect(loaded(logs)).toHaveLength(1);
      } finally {
        await e.close();
      }
    });

    it('has nothing to do when an alert came first', async () => {
      const logs: string[] = [];
      const e = testEngine({ kubeconfig, warmUpMs: 3_000 }, { log: (m) => logs.push(m) });
      await e.pipeline.start();
      const started = Date.now();
      try {
        const id = await fire(e, 'crashloop-missing-env');
        expect((await finished(e, id)).state).toBe('ready');
        await new Promise((r) => setTimeout(r, Math.max(0, started + 3_800 - Date.now())));
        expect(loaded(logs)).toEqual([]);
      } finally {
        await e.close();
      }
    });
  });
});
