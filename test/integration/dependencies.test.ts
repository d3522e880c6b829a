import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeProvider } from '../../electron/engine/collect/kube.ts';
import { resolveConfig } from '../../electron/engine/config.ts';
import { DiskState } from '../../electron/engine/disk-state.ts';
import type { Engine } from '../../electron/engine/engine.ts';
import { EventBus } from '../../electron/engine/events.ts';
import { parseWebhook } from '../../electron/engine/intake/webhook.ts';
import { Pipeline, pipelineSettings } from '../../electron/engine/pipeline.ts';
import { type Db, openDatabase } from '../../electron/engine/store/db.ts';
import { createIngest } from '../../electron/engine/store/ingest.ts';
import { createQueries } from '../../electron/engine/store/queries.ts';
import { createQueue } from '../../electron/engine/store/queue.ts';
import type { ApiOutput } from '../../shared/api.ts';
import type { FakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { TEST_TOKEN, tempDir, testEngine } from '../helpers/engine.ts';
import { getJson, postJson, serveEngine, waitFor } from '../helpers/http.ts';
import { amPayload, podAlert } from '../helpers/payload.ts';

/**
 * Each dependency failing — the Kubernetes API, Ollama, the disk — ends in a state the user can see and
 * recover from, and work resumes when the dependency returns.
 */
const s = loadScenario('oom-jvm-heap');
let kube: FakeKube;
let kubeconfig: string;
let ollama: FakeOllama;

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster([s]));
  ollama = await startFakeOllama();
});
afterAll(async () => {
  await kube.close();
  await ollama.close();
});

const ready = (e: Engine, id: number, ms = 20_000) =>
  waitFor(() => {
    const d = e.queries.detail(id);
    return d?.state === 'ready' ? d : null;
  }, ms);

function fire(e: Engine, startsAt: string) {
  return e.ingest(parseWebhook(scenarioPayload(s, { startsAt })), 'webhook').created[0]!;
}

/**
 * No room left, as on a full disk: the database's free pages (a migration's dropped tables leave some)
 * taken by a filler row, and the file capped at its size.
 */
function fillDisk(db: Db): void {
  const free = db.pragma('freelist_count', { simple: true }) as number;
  if (free > 0) {
    db.exec('CREATE TABLE IF NOT EXISTS filler (b BLOB)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.prepare('INSERT INTO filler VALUES (zeroblob(?))').run(free * pageSize);
  }
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
}

describe('dependencies failing, then coming back', () => {
  it('Kubernetes API answering 500, then slow past the read timeout: explained gaps; a re-analysis after it recovers is complete', async () => {
    const e = testEngine({ kubeconfig, llm: false, readTimeoutMs: 500 });
    await e.pipeline.start();
    try {
      const off500 = kube.fail('/api/v1/namespaces/shop/pods/', 500);
      const a = await ready(e, fire(e, '2026-11-26T01:00:00Z'));
      expect(a.context!.gaps[0]).toMatchObject({
        reason: expect.stringMatching(/the API server answered 500/),
      });
      off500();
      kube.setLatency(1_000);
      const b = await ready(e, fire(e, '2026-11-26T02:00:00Z'));
      expect(b.context!.gaps[0]).toMatchObject({
        reason: 'timed out after 500 ms',
        fix: expect.stringMatching(/slow or unreachable/),
      });
      kube.setLatency(0);
      await e.api.reanalyze({ id: b.id });
      const again = await waitFor(() => {
        const d = e.queries.detail(b.id);
        return d?.state === 'ready' && d.context?.pods.length ? d : null;
      }, 20_000);
      expect(again.report!.rootCause.category).toBe('OOMKilled');
      expect(again.context!.gaps.filter((g) => g.what !== 'metrics')).toEqual([]);
    } finally {
      kube.setLatency(0);
      await e.close();
    }
  });

  it('Ollama hanging, then back: the first incident keeps its rules report with the reason, the next one gets the LLM', async () => {
    ollama.setOptions({ mode: 'hang' });
    const e = testEngine({ kubeconfig, llm: true, ollamaHost: ollama.url, firstTokenTimeoutMs: 400 });
    await e.pipeline.start();
    try {
      const a = await ready(e, fire(e, '2026-11-26T03:00:00Z'));
      expect(a.report).toMatchObject({
        source: 'rules',
        llmError: expect.stringMatching(/sent nothing for 0.4 s/),
      });
      ollama.setOptions({ mode: 'ok' });
      const b = await ready(e, fire(e, '2026-11-26T04:00:00Z'));
      expect(b.report!.source).toBe('llm');
    } finally {
      ollama.setOptions({ mode: 'ok' });
      await e.close();
    }
  });

  it('the analysis worker dying mid-collection: intake goes on, the worker comes back and finishes the incident', async () => {
    const logs: string[] = [];
    const e = testEngine({ kubeconfig, llm: false }, { log: (m) => logs.push(m) });
    await e.pipeline.start();
    try {
      kube.setLatency(1_500);
      const a = fire(e, '2026-11-26T05:00:00Z');
      await waitFor(() => e.queries.summary(a)?.state === 'collecting', 10_000, 'collection to start');
      await e.pipeline.crash();
      // Alerts keep arriving while there is no worker.
      const b = fire(e, '2026-11-26T06:00:00Z');
      kube.setLatency(0);
      expect((await ready(e, a)).report!.rootCause.category).toBe('OOMKilled');
      expect((await ready(e, b)).report!.rootCause.category).toBe('OOMKilled');
      expect(logs.join('\n')).toMatch(/the analysis worker stopped \(exit code 1\); restarting it in 1 s/);
    } finally {
      kube.setLatency(0);
      await e.close();
    }
  });

  it('the disk full: the webhook answers 503 so Alertmanager retries, nothing half-stored; then it works again', async () => {
    const e = testEngine({});
    const srv = await serveEngine(e);
    try {
      fillDisk(e.db);
      const payload = amPayload(Array.from({ length: 40 }, (_, i) => podAlert(`full-${i}`)));
      const full = await postJson(`${srv.url}/webhook/alertmanager`, payload, TEST_TOKEN);
      expect(full.status).toBe(503);
      expect(full.body?.error).toMatch(/^the disk is full: nothing was stored; free space on /);
      expect((e.db.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n).toBe(0);
      // The status bar says so, and what to do.
      const during = await getJson<ApiOutput<'getStatus'>>(`${srv.url}/api/status`, TEST_TOKEN);
      expect(during.body.disk).toMatchObject({ full: true, since: expect.any(String) });
      expect(during.body.disk.message).toContain(`free space on ${e.config.dataDir}`);
      e.db.pragma('max_page_count = 1073741823');
      const ok = await postJson(`${srv.url}/webhook/alertmanager`, payload, TEST_TOKEN);
      expect(ok.body).toEqual({ accepted: 40, duplicates: 0 });
      const after = await getJson<ApiOutput<'getStatus'>>(`${srv.url}/api/status`, TEST_TOKEN);
      expect(after.body.disk).toEqual({ full: false, since: null, message: null });
    } finally {
      await srv.close();
      await e.close();
    }
  });

  it('a pass scheduled just before a stop does not touch the closed store', async () => {
    const dataDir = tempDir();
    const config = resolveConfig({ dataDir, port: 0, token: TEST_TOKEN, llm: false, kubeconfig });
    const db = openDatabase(path.join(dataDir, 'oncall-scout.db'));
    const queue = createQueue(db);
    let passes = 0;
    const pipeline = new Pipeline({
      ...pipelineSettings(config),
      queue: {
        ...queue,
        pendingCollection: (...a: Parameters<typeof queue.pendingCollection>) => {
          passes++;
          return queue.pendingCollection(...a);
        },
      },
      queries: createQueries(db),
      bus: new EventBus(),
      kube: createKubeProvider({ kubeconfig }),
    });
    pipeline.start(); // schedules its first pass
    await pipeline.stop();
    db.close();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
    expect(passes).toBe(0);
  });

  it('the disk full while analysing: the incident waits in the queue, the status says why, and it finishes once there is room', async () => {
    const dataDir = tempDir();
    const config = resolveConfig({ dataDir, port: 0, token: TEST_TOKEN, llm: false, kubeconfig });
    const db = openDatabase(path.join(dataDir, 'oncall-scout.db'));
    const disk = new DiskState(dataDir);
    const pipeline = new Pipeline({
      ...pipelineSettings(config),
      queue: createQueue(db),
      queries: createQueries(db),
      bus: new EventBus(),
      kube: createKubeProvider({ kubeconfig }),
      diskRetryMs: 300,
      onDisk: (full) => (full ? disk.full() : disk.ok()),
    });
    try {
      const id = createIngest(db, { source: 'webhook', clusterLabel: 'cluster' })(
        parseWebhook(scenarioPayload(s)),
      ).created[0]!;
      // Room for the claim, none for the context and report.
      fillDisk(db);
      pipeline.start();
      await waitFor(() => disk.status().full || null, 10_000, 'the pipeline to find the disk full');
      expect(disk.status().message).toContain(`free space on ${dataDir}`);
      expect(createQueries(db).summary(id)?.state).toMatch(/received|collecting/);
      db.pragma('max_page_count = 1073741823');
      await waitFor(
        () => createQueries(db).summary(id)?.state === 'ready' || null,
        15_000,
        'the analysis to finish',
      );
      expect(createQueries(db).summary(id)).toMatchObject({ category: 'OOMKilled' });
      expect(disk.status().full).toBe(false);
    } finally {
      await pipeline.stop();
      db.close();
    }
  });
});
