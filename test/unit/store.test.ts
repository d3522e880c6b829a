import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { lastLockWaitMs, openDatabase, write } from '../../electron/engine/store/db.ts';
import { createIngest, RecentKeys } from '../../electron/engine/store/ingest.ts';
import { MIGRATIONS } from '../../electron/engine/store/migrations.ts';
import { createQueries } from '../../electron/engine/store/queries.ts';
import { createQueue, MAX_ATTEMPTS } from '../../electron/engine/store/queue.ts';
import type { Alert } from '../../shared/alert.ts';
import { type Context, emptyContext } from '../../shared/context.ts';
import type { Report } from '../../shared/report.ts';
import { tempDir } from '../helpers/engine.ts';

function alert(
  pod: string,
  severity: string,
  startsAt = '2026-11-26T03:00:00.000Z',
  status: 'firing' | 'resolved' = 'firing',
): Alert {
  return {
    fingerprint: `fp-${pod}`,
    status,
    labels: { alertname: 'KubePodCrashLooping', namespace: 'default', pod, severity },
    annotations: {},
    startsAt,
    endsAt: status === 'resolved' ? '2026-11-26T03:10:00.000Z' : null,
    generatorURL: '',
    externalURL: '',
    receiver: 'r',
    groupKey: 'g',
  };
}

const ctx: Context = emptyContext(
  { kind: 'pod', name: 'p', namespace: 'default' },
  '2026-11-26T03:00:01.000Z',
);
const report = (source: 'rules' | 'llm'): Report => ({
  source,
  rootCause: {
    category: 'OOMKilled',
    explanation: 'Killed for memory. More text.',
    confidence: 95,
    evidence: ['OOMKilled'],
  },
  impact: 'x',
  steps: [],
  prevention: [],
  findings: [],
  createdAt: '2026-11-26T03:00:02.000Z',
});

/**
 * A database an older build left at schema `version`: two incidents (a critical and a warning pod), both
 * indexed for search, the first diagnosed by the rules.
 */
function olderDatabase(version: number, pods: [string, string]) {
  const file = path.join(tempDir(), 'db.sqlite');
  const old = new Database(file);
  old.pragma('journal_mode = WAL');
  old.pragma('foreign_keys = ON');
  for (const sql of MIGRATIONS.slice(0, version)) old.exec(sql);
  old.pragma(`user_version = ${version}`);
  const [a, b] = createIngest(old, { source: 'webhook', clusterLabel: 'cluster' })([
    alert(pods[0], 'critical'),
    alert(pods[1], 'warning'),
  ]).created;
  const queue = createQueue(old);
  queue.indexNew();
  queue.startCollecting(a!);
  queue.finishRules(a!, ctx, report('rules'), false, { collectMs: 5, rulesMs: 1 });
  old.close();
  return { file, a: a!, b: b! };
}

function setup() {
  const file = path.join(tempDir(), 'db.sqlite');
  const db = openDatabase(file);
  return {
    file,
    db,
    ingest: createIngest(db, { source: 'webhook', clusterLabel: 'cluster' }),
    queue: createQueue(db),
    queries: createQueries(db),
  };
}

describe('store', () => {
  it('runs every migration once and records the schema version, in WAL mode', () => {
    const { db, file } = setup();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const again = openDatabase(file);
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('upgrades a database of the previous schema in place: every incident, its alerts and report kept, the identity indexed start first', () => {
    // Schema 4, the last before the identity was indexed start first (migration 5).
    const { file, a, b } = olderDatabase(4, ['a', 'b']);

    const { db, ingest, queries } = (() => {
      const db = openDatabase(file);
      return {
        db,
        ingest: createIngest(db, { source: 'webhook', clusterLabel: 'cluster' }),
        queries: createQueries(db),
      };
    })();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(queries.detail(a)).toMatchObject({ state: 'ready', category: 'OOMKilled', context: ctx });
    expect(queries.summary(b)).toMatchObject({ state: 'received', severity: 'warning' });
    const unique = (db.pragma('index_list(incidents)') as { name: string; unique: number }[]).filter(
      (i) => i.unique,
    );
    expect(
      unique.map((i) => (db.pragma(`index_info(${i.name})`) as { name: string }[]).map((c) => c.name)),
    ).toEqual([['starts_at', 'fingerprint']]);
    // Re-deliveries are still known; the alerts still belong to their incidents (deleting one cascades).
    expect(ingest([alert('a', 'critical'), alert('c', 'info')])).toMatchObject({
      accepted: 1,
      duplicates: 1,
    });
    db.prepare('DELETE FROM incidents WHERE id = ?').run(a);
    expect(db.prepare('SELECT COUNT(*) AS n FROM alerts WHERE incident_id = ?').get(a)).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM reports WHERE incident_id = ?').get(a)).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM alerts').get()).toEqual({ n: 2 });
  });

  it('keeps search working across the move to an index without a copy of the text (migration 7)', () => {
    const { file, a, b } = olderDatabase(6, ['api-1', 'api-2']);

    const db = openDatabase(file);
    const queries = createQueries(db);
    const found = (q: string) => queries.list({ q, limit: 10 }).map((i) => i.id);
    // What was searchable before still is: labels, and the diagnosis stored by the old index.
    expect(found('api-2')).toEqual([b]);
    expect(found('killed memory')).toEqual([a]);
    const size = (table: string) => db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).pluck().get();
    expect(
      db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'incidents_fts_content'").pluck().get(),
    ).toBe(0);
    expect(size('incidents_fts_docsize')).toBe(2);
    expect(db.prepare("SELECT v FROM incidents_fts_config WHERE k = 'automerge'").pluck().get()).toBe(0);
    // A new diagnosis replaces the old one's words; new incidents are indexed as before.
    const queue = createQueue(db);
    queue.startCollecting(b);
    queue.finishRules(
      b,
      ctx,
      {
        ...report('rules'),
        rootCause: { ...report('rules').rootCause, explanation: 'Evicted for disk pressure.' },
      },
      false,
      { collectMs: 5, rulesMs: 1 },
    );
    expect(found('evicted')).toEqual([b]);
    expect(found('killed memory')).toEqual([a]);
    const [c] = createIngest(db, { source: 'webhook', clusterLabel: 'cluster' })([
      alert('web-9', 'info'),
    ]).created;
    queue.indexNew();
    expect(found('web-9')).toEqual([c]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses a database written by a newer version instead of damaging it', () => {
    const { db, file } = setup();
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer Oncall Scout/);
  });

  it('queues critical before warning before info, oldest first', () => {
    const { ingest, queue } = setup();
    ingest([alert('info-1', 'info'), alert('warn-1', 'warning')]);
    ingest([alert('crit-1', 'critical'), alert('warn-2', 'warning', '2026-11-26T03:00:01.000Z')]);
    const order = queue.pendingCollection(new Set(), 10).map((r) => JSON.parse(queue.get(r.id)!.labels).pod);
    expect(order).toEqual(['crit-1', 'warn-1', 'warn-2', 'info-1']);
  });

  it('a resolved alert cancels a queued analysis but keeps a finished report', () => {
    const { ingest, queue, queries } = setup();
    const [a, b] = ingest([alert('a', 'critical'), alert('b', 'critical')]).created;
    expect(queue.startCollecting(b!)).toBe(true);
    queue.finishRules(b!, ctx, report('rules'), false, { collectMs: 5, rulesMs: 1 });
    const r = ingest([
      alert('a', 'critical', undefined, 'resolved'),
      alert('b', 'critical', undefined, 'resolved'),
    ]);
    expect(r.resolved).toEqual([a, b]);
    expect(queries.summary(a!)).toMatchObject({ state: 'cancelled', status: 'resolved' });
    expect(queries.summary(b!)).toMatchObject({ state: 'ready', status: 'resolved', category: 'OOMKilled' });
  });

  it("Alertmanager's re-send of a group counts what was stored without the write lock; anything new still commits", () => {
    const { file, ingest } = setup();
    const first = [alert('a', 'critical'), alert('b', 'critical')];
    expect(ingest(first)).toMatchObject({ accepted: 2, duplicates: 0 });
    // Another connection holds the write lock (the pipeline storing a report, say).
    const other = openDatabase(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const t0 = performance.now();
      expect(ingest(first)).toEqual({ accepted: 0, duplicates: 2, created: [], resolved: [] });
      expect(performance.now() - t0).toBeLessThan(50);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The group grew and one alert resolved: the new deliveries are stored, the old one still counted.
    const r = ingest([
      ...first.slice(0, 1),
      alert('b', 'critical', undefined, 'resolved'),
      alert('c', 'critical'),
    ]);
    expect(r).toMatchObject({ accepted: 2, duplicates: 1, resolved: [expect.any(Number)] });
    expect(r.created).toHaveLength(1);
  });

  it('a write that waited for the other connection’s lock says how long (the webhook reports it)', async () => {
    const { file } = setup();
    const db = openDatabase(file);
    db.exec('CREATE TABLE probe (x)');
    const held = new Int32Array(new SharedArrayBuffer(4));
    // Another thread holds the write lock for 60 ms, as the pipeline worker does while storing.
    const other = new Worker(
      `const { workerData } = require('node:worker_threads');
       const db = new (require('better-sqlite3'))(workerData.file);
       db.exec('BEGIN IMMEDIATE');
       Atomics.store(workerData.held, 0, 1);
       Atomics.notify(workerData.held, 0);
       Atomics.wait(workerData.held, 0, 1, 60);
       db.exec('COMMIT');
       db.close();`,
      { eval: true, workerData: { file, held } },
    );
    const exited = new Promise((r) => other.once('exit', r));
    Atomics.wait(held, 0, 0, 5_000);
    write(() => db.prepare('INSERT INTO probe VALUES (1)').run());
    expect(lastLockWaitMs()).toBeGreaterThanOrEqual(40);
    await exited;
    write(() => db.prepare('INSERT INTO probe VALUES (2)').run());
    expect(lastLockWaitMs()).toBeLessThan(5);
    db.close();
  });

  it('stores payloads that arrived together in one transaction, each with its own counts', () => {
    const { db, ingest } = setup();
    ingest([alert('a', 'critical')]);
    const [first, second, third] = ingest.many([
      [alert('a', 'critical'), alert('b', 'critical')],
      // The same new alert in two notifications (two routes, say) is one incident.
      [alert('b', 'critical'), alert('c', 'warning')],
      [alert('a', 'critical', undefined, 'resolved')],
    ]);
    expect(first).toMatchObject({ accepted: 1, duplicates: 1, created: [expect.any(Number)] });
    expect(second).toMatchObject({ accepted: 1, duplicates: 1, created: [expect.any(Number)] });
    expect(third).toMatchObject({ accepted: 1, duplicates: 0, created: [], resolved: [expect.any(Number)] });
    expect(db.prepare('SELECT count(*) AS n FROM incidents').get()).toEqual({ n: 3 });
    // Remembered once committed: the same payloads again take no write.
    expect(ingest.many([[alert('b', 'critical')], [alert('c', 'warning')]])).toEqual([
      { accepted: 0, duplicates: 1, created: [], resolved: [] },
      { accepted: 0, duplicates: 1, created: [], resolved: [] },
    ]);
  });

  it('remembers a bounded number of deliveries, forgetting the oldest first', () => {
    const keys = new RecentKeys(3);
    for (const k of ['a', 'b', 'c', 'a', 'd']) keys.add(k);
    expect(['a', 'b', 'c', 'd'].map((k) => keys.has(k))).toEqual([false, true, true, true]);
    // Round and round: always exactly the three newest.
    const more = 'efghijklmn'.split('');
    for (const k of more) keys.add(k);
    expect(['b', 'c', 'd', ...more].filter((k) => keys.has(k))).toEqual(['l', 'm', 'n']);
    keys.add('a');
    expect(['a', 'l', 'm', 'n'].map((k) => keys.has(k))).toEqual([true, false, true, true]);
  });

  it('an alert first seen resolved is history, not work', () => {
    const { ingest, queue } = setup();
    const r = ingest([alert('x', 'critical', undefined, 'resolved')]);
    expect(r).toMatchObject({ accepted: 1, created: [] });
    expect(queue.pendingCollection(new Set(), 10)).toHaveLength(0);
  });

  it('the LLM report replaces the rules report as the current one; both are kept', () => {
    const { ingest, queue, queries } = setup();
    const [id] = ingest([alert('a', 'critical')]).created;
    queue.startCollecting(id!);
    expect(queue.finishRules(id!, ctx, report('rules'), true, { collectMs: 10, rulesMs: 0.5 })).toBe(true);
    expect(queries.summary(id!)).toMatchObject({
      state: 'diagnosing',
      source: 'rules',
      summary: 'Killed for memory.',
    });
    expect(queue.pendingLlm(new Set(), 5).map((r) => r.id)).toEqual([id]);
    queue.finishLlm(id!, report('llm'), 1200);
    const d = queries.detail(id!)!;
    expect(d).toMatchObject({ state: 'ready', source: 'llm' });
    expect(d.reports.map((r) => r.source)).toEqual(['rules', 'llm']);
    expect(d.timings).toMatchObject({ collectMs: 10, llmMs: 1200, diagnoseMs: 1200.5 });
    expect(d.timings.totalMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps a collected context deflated, reads it back whole, and still reads rows stored as JSON text', () => {
    const { db, ingest, queue, queries } = setup();
    const [id, old] = ingest([alert('a', 'critical'), alert('old', 'critical')]).created;
    const lines = Array.from(
      { length: 2_000 },
      (_, i) => `2026-11-26T03:00:${String(i % 60).padStart(2, '0')}Z GET /api/orders 200 ${i}`,
    );
    const big: Context = {
      ...ctx,
      logs: [
        {
          pod: 'p',
          container: 'app',
          previous: false,
          text: lines.join('\n'),
          lineCount: lines.length,
          truncated: false,
        },
      ],
    };
    queue.startCollecting(id!);
    queue.finishRules(id!, big, report('rules'), false, { collectMs: 5, rulesMs: 1 });
    const stored = db
      .prepare<[number], { body: Buffer | string; n: number }>(
        'SELECT body, length(body) AS n FROM contexts WHERE incident_id = ?',
      )
      .get(id!)!;
    expect(Buffer.isBuffer(stored.body)).toBe(true);
    expect(stored.n).toBeLessThan(JSON.stringify(big).length / 5);
    expect(queries.detail(id!)!.context).toEqual(big);
    expect(queue.loadContext(id!)).toEqual(big);
    // A row written by an earlier version: plain JSON text.
    db.prepare('INSERT INTO contexts (incident_id, body, collected_at) VALUES (?, ?, ?)').run(
      old!,
      JSON.stringify(ctx),
      ctx.collectedAt,
    );
    expect(queries.detail(old!)!.context).toEqual(ctx);
  });

  it('after a crash, interrupted collections start over; a poison incident fails after MAX_ATTEMPTS', () => {
    const { ingest, queue, queries } = setup();
    const [id, poison] = ingest([alert('a', 'critical'), alert('poison', 'critical')]).created;
    queue.startCollecting(id!);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      queue.startCollecting(poison!);
      if (i < MAX_ATTEMPTS - 1) queue.recover();
    }
    const r = queue.recover();
    expect(r.failed).toBe(1);
    expect(queries.summary(id!)!.state).toBe('received');
    expect(queries.summary(poison!)!.state).toBe('failed');
    expect(queries.detail(poison!)!.error).toMatch(/interrupted 3 times/);
  });
});
