import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.ts';
import { parseWebhook } from '../../electron/engine/intake/webhook.ts';
import type { FakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import { loadScenario, scenarioPayload } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';
import { tempDir, testEngine } from '../helpers/engine.ts';
import { waitFor } from '../helpers/http.ts';

const s = loadScenario('oom-jvm-heap');
let kube: FakeKube;
let kubeconfig: string;
let ollama: FakeOllama;
let wiki: http.Server;
let wikiUrl: string;

beforeAll(async () => {
  ({ kube, kubeconfig } = await scenarioCluster([s]));
  ollama = await startFakeOllama();
  wiki = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<html><head><script>alert(1)</script></head><body><h1>Checkout OOM</h1><p>Check the <b>heap dump</b> in /dumps first.</p></body></html>',
    );
  });
  await new Promise<void>((r) => wiki.listen(0, '127.0.0.1', () => r()));
  wikiUrl = `http://127.0.0.1:${(wiki.address() as AddressInfo).port}/runbooks/checkout-oom`;
});
afterAll(async () => {
  await kube.close();
  await ollama.close();
  wiki.close();
});

async function started(extra = {}): Promise<Engine> {
  const e = testEngine({ kubeconfig, llm: true, ollamaHost: ollama.url, ...extra });
  await e.pipeline.start();
  return e;
}

function fire(
  engine: Engine,
  startsAt: string,
  annotations: Record<string, string> = {},
  status: 'firing' | 'resolved' = 'firing',
) {
  const payload = scenarioPayload(
    { ...s, alert: { ...s.alert, annotations: { ...s.alert.annotations, ...annotations } } },
    { startsAt, status, ...(status === 'resolved' ? { endsAt: startsAt.replace('00:00', '10:00') } : {}) },
  );
  const r = engine.ingest(parseWebhook(payload), 'webhook');
  return r.created[0] ?? r.resolved[0]!;
}

const ready = (engine: Engine, id: number) =>
  waitFor(
    () => (engine.queries.summary(id)?.state === 'ready' ? true : null),
    20_000,
    `incident ${id} ready`,
  );

describe('what the model is told besides the context', () => {
  it('the local runbook for the alert, fenced as untrusted', async () => {
    const dir = tempDir('runbooks-');
    fs.writeFileSync(
      path.join(dir, `${s.alert.labels.alertname!.toLowerCase()}.md`),
      '# Crash looping\n1. Check the heap settings (JAVA_OPTS).\n',
    );
    const engine = await started({ runbookDir: dir });
    try {
      const before = ollama.requests.length;
      await ready(engine, fire(engine, '2026-11-26T01:00:00Z'));
      const prompt = ollama.requests[before]!.messages.at(-1)!.content;
      expect(prompt).toMatch(
        /BEGIN UNTRUSTED RUNBOOK\n# Crash looping\n1\. Check the heap settings \(JAVA_OPTS\)\./,
      );
    } finally {
      await engine.close();
    }
  });

  it('the runbook_url page as text when there is no local runbook (scripts stripped)', async () => {
    const engine = await started({ runbookDir: tempDir('empty-runbooks-') });
    try {
      const before = ollama.requests.length;
      await ready(engine, fire(engine, '2026-11-26T02:00:00Z', { runbook_url: wikiUrl }));
      const prompt = ollama.requests[before]!.messages.at(-1)!.content;
      expect(prompt).toMatch(/BEGIN UNTRUSTED RUNBOOK\nCheckout OOM\nCheck the heap dump in \/dumps first\./);
      expect(prompt).not.toContain('alert(1)');
    } finally {
      await engine.close();
    }
  });

  it("how the last similar incident ended, with the engineer's verdict", async () => {
    const engine = await started({ fetchRunbooks: false });
    try {
      const first = fire(engine, '2026-11-26T03:00:00Z');
      await ready(engine, first);
      engine.queries.addFeedback(first, { verdict: 'right', note: 'raised the limit to 2Gi' });
      fire(engine, '2026-11-26T03:00:00Z', {}, 'resolved');
      const before = ollama.requests.length;
      await ready(engine, fire(engine, '2026-11-26T04:00:00Z'));
      const prompt = ollama.requests[before]!.messages.at(-1)!.content;
      expect(prompt).toMatch(
        /Similar past incidents[\s\S]*pod\/checkout-7d9f8b6c5-x2x9q: OOMKilled \(llm, \d+%\).*\[confirmed by the engineer; note: raised the limit to 2Gi\]/,
      );
    } finally {
      await engine.close();
    }
  });
});
