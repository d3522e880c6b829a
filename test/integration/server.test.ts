import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../electron/engine/engine.ts';
import { write } from '../../electron/engine/store/db.ts';
import type { IncidentSummary } from '../../shared/incident.ts';
import { TEST_TOKEN, testEngine } from '../helpers/engine.ts';
import { getJson, postJson, postTogether, serveEngine, type TestServer, waitFor } from '../helpers/http.ts';
import { incidentSummary } from '../helpers/incident-summary.ts';
import { amPayload, podAlert } from '../helpers/payload.ts';

let engine: Engine;
let srv: TestServer;
const count = () => (engine.db.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n;

beforeEach(async () => {
  engine = testEngine({ maxBodyBytes: 64 * 1024 });
  srv = await serveEngine(engine);
});
afterEach(async () => {
  await srv.close();
  await engine.close();
});

describe('webhook', () => {
  it('stores firing alerts and answers accepted/duplicates; a re-delivery is counted, not re-processed', async () => {
    const body = amPayload([podAlert('api-1'), podAlert('api-2')]);
    const first = await postJson(`${srv.url}/webhook/alertmanager`, body);
    expect(first).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    expect(Atomics.load(new Int32Array(engine.intakeGate.buffer), 0)).toBe(0);
    const again = await postJson(`${srv.url}/webhook/analyze`, body);
    expect(again).toEqual({ status: 200, body: { accepted: 0, duplicates: 2 } });
    // The engine's own share of the answer's time, for benchmarks and a browser's network panel.
    const timed = await fetch(`${srv.url}/webhook/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify(body),
    });
    const timing = Object.fromEntries(
      (timed.headers.get('server-timing') ?? '').split(', ').map((m) => {
        const [name, dur] = m.split(';dur=');
        return [name, Number(dur)];
      }),
    );
    expect(Object.keys(timing)).toEqual(['intake', 'read', 'validate', 'store', 'lock']);
    // Its parts add up to the whole (each rounded to 0.01 ms).
    expect(Math.abs(timing.read! + timing.validate! + timing.store! - timing.intake!)).toBeLessThan(0.03);
    expect(timing.store).toBeGreaterThan(0);
    expect(timing.lock).toBeLessThanOrEqual(timing.store!);
    expect(count()).toBe(2);
  });

  it('rejects bad requests with a clear error and stores nothing', async () => {
    const url = `${srv.url}/webhook/alertmanager`;
    const good = amPayload([podAlert('api-1')]);
    const cases: Array<[Promise<{ status: number; body: Record<string, unknown> | null }>, number, RegExp]> =
      [
        [postJson(url, good, null), 401, /token/],
        [postJson(url, good, 'wrong-token-wrong-token'), 401, /token/],
        [postJson(url, good, TEST_TOKEN, { 'content-type': 'text/plain' }), 415, /application\/json/],
        [postJson(url, '{"version": "4", "alerts": [', TEST_TOKEN), 400, /malformed JSON/],
        [postJson(url, { ...good, version: '3' }, TEST_TOKEN), 400, /version/],
        [postJson(url, { ...good, alerts: [{ labels: {} }] }, TEST_TOKEN), 400, /alerts\[0\]/],
        [postJson(url, { ...good, pad: 'x'.repeat(70 * 1024) }, TEST_TOKEN), 413, /limit/],
        [postJson(`${srv.url}/webhook/nope`, good), 404, /not found/],
      ];
    for (const [req, status, error] of cases) {
      const res = await req;
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(String(res.body?.error)).toMatch(error);
    }
    expect(count()).toBe(0);
    const get = await fetch(url, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(get.status).toBe(405);
    // Every refused request has left the intake gate: the pipeline's writes are not held back for good.
    expect(Atomics.load(new Int32Array(engine.intakeGate.buffer), 0)).toBe(0);
  });

  it('a client still sending its body does not hold the analysis back; the payload is stored once it arrives', async () => {
    const body = JSON.stringify(amPayload([podAlert('slow-1')]));
    const gateCount = () => Atomics.load(new Int32Array(engine.intakeGate.buffer), 0);
    let whileSending = -1;
    const answer = new Promise<number>((resolve, reject) => {
      const req = http.request(`${srv.url}/webhook/alertmanager`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          authorization: `Bearer ${TEST_TOKEN}`,
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(() => {
        whileSending = gateCount();
        req.end(body.slice(20));
      }, 200);
    });
    expect(await answer).toBe(200);
    // Headers and part of the body were in; the pipeline's writes were not held back meanwhile.
    expect(whileSending).toBe(0);
    expect(count()).toBe(1);
    expect(gateCount()).toBe(0);
  });

  it('payloads arriving together share one commit, each answered with its own counts', async () => {
    // Alertmanager flushing many groups at once: each notification repeats one alert and adds its own.
    const shared = podAlert('shared-0');
    const bodies = Array.from({ length: 30 }, (_, i) => amPayload([shared, podAlert(`burst-${i}`)]));
    const fsynced = vi.spyOn(engine.db, 'pragma');
    const answers = await postTogether(srv.url, bodies);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Every alert is stored once: the shared one is accepted by exactly one notification.
    const accepted = answers.map((a) => (a.body as { accepted: number }).accepted);
    expect(accepted.reduce((x, y) => x + y)).toBe(31);
    expect(accepted.filter((n) => n === 2)).toHaveLength(1);
    expect(count()).toBe(31);
    const commits = fsynced.mock.calls.filter(([p]) => p === 'synchronous = FULL').length;
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThanOrEqual(3);
  });

  it('a payload the store rejects fails alone when it arrived together with others', async () => {
    write(() =>
      engine.db.exec(`CREATE TRIGGER poison BEFORE INSERT ON incidents WHEN NEW.alertname = 'Poison'
        BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`),
    );
    const bodies = [
      amPayload([podAlert('ok-1')]),
      amPayload([podAlert('bad-1', 'default', 'Poison')]),
      amPayload([podAlert('ok-2')]),
    ];
    const answers = await postTogether(srv.url, bodies);
    expect(answers.map((a) => a.status)).toEqual([200, 500, 200]);
    expect(answers[1]!.body).toMatchObject({
      error: expect.stringMatching(/poisoned row.*Alertmanager will retry/),
    });
    expect(count()).toBe(2);
  });

  it('answers 413 from Content-Length without reading a huge body', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${srv.url}/webhook/alertmanager`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(50 * 1024 * 1024),
          authorization: `Bearer ${TEST_TOKEN}`,
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.write('{"version":"4"');
    });
    expect(status).toBe(413);
  });

  it('closes the incident when the alert resolves, and cancels an analysis that had not started', async () => {
    const alert = podAlert('api-1');
    await postJson(`${srv.url}/webhook/alertmanager`, amPayload([alert]));
    const res = await postJson(
      `${srv.url}/webhook/alertmanager`,
      amPayload([{ ...alert, status: 'resolved' }]),
    );
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
    const { body } = await getJson<{ items: Array<Record<string, unknown>> }>(`${srv.url}/api/incidents`);
    expect(body.items[0]).toMatchObject({ state: 'cancelled', resolvedAt: '2026-11-26T03:40:00.000Z' });
  });

  it('keeps the healthz probe open and everything else behind the token', async () => {
    expect((await getJson(`${srv.url}/healthz`, null)).status).toBe(200);
    expect((await getJson(`${srv.url}/api/incidents`, null)).status).toBe(401);
    expect((await getJson(`${srv.url}/api/incidents?token=${TEST_TOKEN}`, null)).status).toBe(401);
    expect((await getJson(`${srv.url}/nothing-here`, null)).status).toBe(404);
  });
});

describe('API', () => {
  it('lists, shows, searches, acknowledges and takes feedback with the contract fields', async () => {
    await postJson(
      `${srv.url}/webhook/alertmanager`,
      amPayload([podAlert('checkout-7f9', 'shop', 'KubePodNotReady', 'warning'), podAlert('api-1')]),
    );
    const list = await getJson<{ items: Array<Record<string, unknown>> }>(`${srv.url}/api/incidents`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    const item = list.body.items.find((i) => i.alertname === 'KubePodNotReady')!;
    for (const key of [
      'id',
      'alertname',
      'severity',
      'namespace',
      'target',
      'state',
      'category',
      'confidence',
      'receivedAt',
      'ackedAt',
      'resolvedAt',
    ]) {
      expect(item).toHaveProperty(key);
    }
    expect(item).toMatchObject({
      severity: 'warning',
      namespace: 'shop',
      target: 'pod/checkout-7f9',
      state: 'received',
    });

    // The pipeline's thread keeps the search index; it indexes new incidents within a moment.
    await engine.pipeline.start();
    const found = await waitFor(async () => {
      const r = await getJson<{ items: Array<{ id: number }> }>(`${srv.url}/api/incidents?q=checkout`);
      return r.body.items.length ? r.body.items : null;
    });
    expect(found.map((i) => i.id)).toEqual([item.id]);
    const odd = await getJson<{ items: unknown[] }>(
      `${srv.url}/api/incidents?q=${encodeURIComponent('"unbalanced AND (')}`,
    );
    expect(odd.status).toBe(200);

    const detail = await getJson(`${srv.url}/api/incidents/${item.id}`);
    for (const key of ['id', 'state', 'alert', 'context', 'report', 'timings', 'deliveries', 'actions'])
      expect(detail.body).toHaveProperty(key);

    const ack = await postJson(`${srv.url}/api/incidents/${item.id}/ack`, { by: 'alice' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ ackedBy: 'alice' });
    expect(typeof ack.body?.ackedAt).toBe('string');

    const bad = await postJson(`${srv.url}/api/incidents/${item.id}/feedback`, { verdict: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'verdict' });
    const fb = await postJson(`${srv.url}/api/incidents/${item.id}/feedback`, {
      verdict: 'false_positive',
      note: 'flapping',
    });
    expect(fb.status).toBe(200);
    const after = await getJson<{ feedback: Array<{ verdict: string }> }>(
      `${srv.url}/api/incidents/${item.id}`,
    );
    expect(after.body.feedback).toMatchObject([{ verdict: 'false_positive', note: 'flapping' }]);

    expect((await getJson(`${srv.url}/api/incidents/99999`)).status).toBe(404);
    expect((await getJson(`${srv.url}/api/incidents/abc`)).status).toBe(400);
    expect((await getJson(`${srv.url}/api/incidents?state=bogus`)).status).toBe(400);
  });

  it('acknowledges every firing, unacknowledged incident matching the filters at once', async () => {
    await postJson(
      `${srv.url}/webhook/alertmanager`,
      amPayload([podAlert('api-1', 'shop'), podAlert('api-2', 'shop'), podAlert('db-1', 'pay')]),
    );
    await postJson(
      `${srv.url}/webhook/alertmanager`,
      amPayload([{ ...podAlert('old-1', 'shop'), status: 'resolved' }]),
    );
    const all = async () =>
      (await getJson<{ items: IncidentSummary[] }>(`${srv.url}/api/incidents`)).body.items;
    const first = await postJson(`${srv.url}/api/incidents/ack`, { namespace: 'shop', by: 'alice' });
    expect(first).toEqual({ status: 200, body: { acked: 2 } });
    const after = await all();
    const acked = after.filter((i) => i.ackedAt).map((i) => i.target);
    expect(acked.sort()).toEqual(['pod/api-1', 'pod/api-2']);
    expect(after.find((i) => i.target === 'pod/api-1')?.ackedBy).toBe('alice');
    // Already taken, resolved, or in another namespace: left alone.
    expect((await postJson(`${srv.url}/api/incidents/ack`, { namespace: 'shop' })).body).toEqual({
      acked: 0,
    });
    expect((await postJson(`${srv.url}/api/incidents/ack`, { bogus: 1 })).status).toBe(400);
  });

  it("groups a workload's replicas, and one group's filters list and acknowledge exactly its incidents", async () => {
    await postJson(
      `${srv.url}/webhook/alertmanager`,
      amPayload([
        podAlert('api-7d9f8c6b5-x2x9q', 'shop'),
        podAlert('api-7d9f8c6b5-b4n7k', 'shop'),
        podAlert('api-66b4f5d7c9-q8z2m', 'shop'),
        podAlert('db-0', 'shop'),
      ]),
    );
    const res = await getJson<{ groups: Array<Record<string, unknown>>; total: number }>(
      `${srv.url}/api/groups?status=firing`,
    );
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.groups.map((g) => [g.workload, g.count, g.unacknowledged])).toEqual([
      ['db', 1, 1], // the newest first, at equal severity
      ['api', 3, 3],
    ]);
    const api = res.body.groups[1]!;
    const filters = { alertname: String(api.alertname), namespace: 'shop', workload: 'api' };
    const listed = await getJson<{ items: IncidentSummary[]; total: number }>(
      `${srv.url}/api/incidents?${new URLSearchParams(filters)}`,
    );
    expect(listed.body.total).toBe(3);
    expect(listed.body.items.every((i) => i.target.startsWith('pod/api-'))).toBe(true);
    expect((await postJson(`${srv.url}/api/incidents/ack`, filters)).body).toEqual({ acked: 3 });
    const after = await getJson<{ groups: Array<Record<string, unknown>> }>(
      `${srv.url}/api/groups?acked=false`,
    );
    expect(after.body.groups.map((g) => g.workload)).toEqual(['db']);
    expect((await getJson(`${srv.url}/api/groups?limit=0`)).status).toBe(400);
    expect((await getJson(`${srv.url}/api/groups?status=maybe`)).status).toBe(400);
  });

  it('groups on the analysis worker, off the webhook thread, and on that thread while the worker restarts', async () => {
    await postJson(
      `${srv.url}/webhook/alertmanager`,
      amPayload([podAlert('api-7d9f8c6b5-x2x9q', 'shop'), podAlert('api-7d9f8c6b5-b4n7k', 'shop')]),
    );
    const onMain = vi.spyOn(engine.queries, 'groups');
    const groups = async () =>
      (await getJson<{ groups: Array<{ workload: string; count: number }> }>(`${srv.url}/api/groups`)).body
        .groups;
    expect(await groups()).toMatchObject([{ workload: 'api', count: 2 }]);
    expect(onMain).not.toHaveBeenCalled();
    await engine.pipeline.crash();
    expect(await groups()).toMatchObject([{ workload: 'api', count: 2 }]);
    expect(onMain).toHaveBeenCalledTimes(1);
  });

  it('tells the UI of every incident that acknowledge-all took (a storm: 450)', async () => {
    for (let p = 0; p < 3; p++) {
      const pods = Array.from({ length: 150 }, (_, i) => podAlert(`web-${p}-${i}`, 'storm'));
      expect((await postJson(`${srv.url}/webhook/alertmanager`, amPayload(pods))).status).toBe(200);
    }
    const told = new Set<number>();
    const off = engine.bus.on('incident', (s) => {
      if (s.ackedAt) told.add(s.id);
    });
    try {
      const r = await postJson(`${srv.url}/api/incidents/ack`, { namespace: 'storm' });
      expect(r.body).toEqual({ acked: 450 });
      await waitFor(() => told.size === 450, 5_000, 'an event for each acknowledged incident');
    } finally {
      off();
    }
  });

  it('gives the report as Markdown to paste into a ticket, once there is one', async () => {
    await postJson(`${srv.url}/webhook/alertmanager`, amPayload([podAlert('api-1', 'shop')]));
    const { id } = (await getJson<{ items: Array<{ id: number }> }>(`${srv.url}/api/incidents`)).body
      .items[0]!;
    const auth = { authorization: `Bearer ${TEST_TOKEN}` };
    const early = await fetch(`${srv.url}/api/incidents/${id}/markdown`, { headers: auth });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: string }).error).toMatch(/no report yet \(received\)/);

    await engine.pipeline.start();
    await waitFor(
      async () => (await getJson<{ state: string }>(`${srv.url}/api/incidents/${id}`)).body.state === 'ready',
    );
    const res = await fetch(`${srv.url}/api/incidents/${id}/markdown`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="oncall-scout-incident-${id}.md"`,
    );
    const md = await res.text();
    expect(md).toMatch(
      /^# KubePodCrashLooping — \w+ \(\d+% confidence\)\n\nSource: rules · pod\/api-1 · namespace shop · started /,
    );
    // No cluster here: what could not be read is listed, so the reader knows what the report rests on.
    expect(md).toContain('## Not collected');
    expect((await fetch(`${srv.url}/api/incidents/99999/markdown`, { headers: auth })).status).toBe(404);
  });

  it('streams incident events over SSE', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${srv.url}/api/events?token=${TEST_TOKEN}`, { signal: ctrl.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    await postJson(`${srv.url}/webhook/alertmanager`, amPayload([podAlert('sse-pod')]));
    await waitFor(async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return text.includes('event: incident') && text.includes('sse-pod');
    });
    ctrl.abort();
  });

  it('disconnects an event-stream client that stops reading, and keeps serving the others', async () => {
    const small = await serveEngine(engine, { eventStreamMaxBuffered: 256 * 1024 });
    try {
      const { port } = new URL(small.url);
      const stalled = net.connect(Number(port), '127.0.0.1');
      stalled.write(`GET /api/events?token=${TEST_TOKEN} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await waitFor(() => engine.bus.listening('incident'));
      // It never reads: what the kernel's buffers cannot hold waits in the engine's memory.
      stalled.pause();
      const closed = new Promise<void>((resolve) => stalled.on('close', () => resolve()));
      const summary = incidentSummary({ summary: 'x'.repeat(4096) });
      // Bursts of 100 events (400 KB), as a payload's new incidents come, until 16 MB were due.
      for (let burst = 0; burst < 40 && engine.bus.listening('incident'); burst++) {
        for (let i = 0; i < 100; i++) engine.bus.emit('incident', { ...summary, id: burst * 100 + i + 1 });
        await new Promise((r) => setImmediate(r));
      }
      // The stream was dropped well before, and with it what waited for it.
      expect(engine.bus.listening('incident')).toBe(false);
      stalled.resume();
      await closed;
      // A client that reads gets its events as before.
      const ctrl = new AbortController();
      const live = await fetch(`${small.url}/api/events?token=${TEST_TOKEN}`, { signal: ctrl.signal });
      const reader = live.body!.getReader();
      await waitFor(() => engine.bus.listening('incident'));
      engine.bus.emit('incident', { ...summary, id: 99_999 });
      let text = '';
      await waitFor(async () => {
        text += new TextDecoder().decode((await reader.read()).value);
        return text.includes('"id":99999');
      });
      ctrl.abort();
    } finally {
      await small.close();
    }
  });
});
