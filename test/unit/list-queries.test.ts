import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/engine/store/db.ts';
import { createIngest } from '../../electron/engine/store/ingest.ts';
import { createQueries } from '../../electron/engine/store/queries.ts';
import { createSearchIndex } from '../../electron/engine/store/search-index.ts';
import type { Alert } from '../../shared/alert.ts';
import { apiMethods } from '../../shared/api.ts';
import { tempDir } from '../helpers/engine.ts';

function alert(i: number, over: Partial<Record<string, string>> = {}): Alert {
  const labels = {
    alertname: i % 2 ? 'KubePodCrashLooping' : 'KubePodNotReady',
    namespace: i % 3 ? 'shop' : 'billing',
    cluster: i % 4 ? 'prod-eu-1' : 'prod-us-1',
    pod: `pod-${i}`,
    severity: i % 5 ? 'warning' : 'critical',
    ...over,
  };
  return {
    fingerprint: `fp-${i}`,
    status: 'firing',
    labels,
    annotations: { summary: `pod ${i} is unwell` },
    // Distinct, increasing times: the list's order is received_at DESC, id DESC.
    startsAt: new Date(Date.UTC(2026, 10, 26, 3, 0, i)).toISOString(),
    endsAt: null,
    generatorURL: '',
    externalURL: '',
    receiver: 'r',
    groupKey: 'g',
  };
}

function setup(n = 30) {
  const db = openDatabase(path.join(tempDir(), 'db.sqlite'));
  const ingest = createIngest(db, { source: 'webhook', clusterLabel: 'cluster' });
  for (let i = 1; i <= n; i++) ingest([alert(i)]);
  const index = createSearchIndex(db);
  while (index.catchUp() > 0);
  return { db, q: createQueries(db) };
}

describe('incident list queries', () => {
  it('filters by status, acknowledgement, severity, namespace and cluster, and counts the matches', () => {
    const { db, q } = setup();
    q.ack(2, 'alice');
    q.ack(4, null);
    db.prepare("UPDATE incidents SET resolved_at = '2026-11-26T04:00:00Z' WHERE id IN (3, 4)").run();
    const ids = (f: Parameters<typeof q.list>[0]) =>
      q
        .list(f)
        .map((i) => i.id)
        .sort((a, b) => a - b);
    expect(ids({ status: 'resolved', limit: 100 })).toEqual([3, 4]);
    expect(q.count({ status: 'firing' })).toBe(28);
    expect(ids({ acked: true, limit: 100 })).toEqual([2, 4]);
    expect(ids({ acked: false, status: 'firing', severity: 'critical', limit: 100 })).toEqual([
      5, 10, 15, 20, 25, 30,
    ]);
    expect(ids({ namespace: 'billing', cluster: 'prod-us-1', limit: 100 })).toEqual([12, 24]);
    expect(q.count({ namespace: 'billing', cluster: 'prod-us-1' })).toBe(2);
    expect(ids({ q: 'pod-17', limit: 100 })).toEqual([17]);
    expect(q.facets()).toEqual({ namespaces: ['billing', 'shop'], clusters: ['prod-eu-1', 'prod-us-1'] });
    expect(q.firingCounts()).toEqual({ firing: 28, unacknowledged: 27, analyzing: 28 });
  });

  it('pages with a keyset cursor in list order, without gaps or repeats', () => {
    const { q } = setup(25);
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = q.list({ limit: 7, before });
      if (!page.length) break;
      seen.push(...page.map((i) => i.id));
      before = page.at(-1)!.id;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
  });

  it('groups the replicas of one workload failing alike, firing and worst first, with the newest diagnosis', () => {
    const db = openDatabase(path.join(tempDir(), 'db.sqlite'));
    const ingest = createIngest(db, { source: 'webhook', clusterLabel: 'cluster' });
    const q = createQueries(db);
    const oom = { alertname: 'KubePodOOMKilled', namespace: 'shop', cluster: 'prod', severity: 'warning' };
    // Five replicas of the Deployment "api" (two ReplicaSets), one of them critical.
    const pods = [
      'api-7d9f8c6b5-hhhhh',
      'api-7d9f8c6b5-bbbbb',
      'api-66b4f5d7c9-ccccc',
      'api-66b4f5d7c9-ddddd',
    ];
    for (const [i, pod] of pods.entries()) ingest([alert(100 + i, { ...oom, pod })]);
    ingest([alert(104, { ...oom, pod: 'api-66b4f5d7c9-jjjjj', severity: 'critical' })]);
    // The same alert on another workload, and on "api" in another namespace: other groups.
    ingest([alert(105, { ...oom, pod: 'worker-5f6d7c8b9-fffff' })]);
    ingest([alert(106, { ...oom, namespace: 'staging', pod: 'api-7d9f8c6b5-ggggg' })]);
    // A StatefulSet whose only alert has resolved: listed last although it is the newest.
    ingest([alert(107, { ...oom, pod: 'kafka-0', severity: 'critical' })]);
    db.prepare("UPDATE incidents SET resolved_at = '2026-11-26T04:00:00Z' WHERE id = 8").run();
    q.ack(1, 'alice');
    db.prepare(
      "UPDATE incidents SET state = 'ready', category = 'OOMKilled', confidence = 90, summary = ? WHERE id = ?",
    ).run('heap above the limit', 2);
    db.prepare(
      "UPDATE incidents SET state = 'ready', category = 'OOMKilled', confidence = 70, summary = ? WHERE id = ?",
    ).run('newer diagnosis', 4);

    const { groups, total } = q.groups({}, 100);
    expect(total).toBe(4);
    expect(groups.map((g) => `${g.namespace}/${g.workload}`)).toEqual([
      'shop/api', // critical
      'staging/api', // warning, newer than shop/worker
      'shop/worker',
      'shop/kafka', // resolved
    ]);
    expect(groups[0]).toMatchObject({
      alertname: 'KubePodOOMKilled',
      cluster: 'prod',
      severity: 'critical',
      count: 5,
      firing: 5,
      unacknowledged: 4,
      analyzing: 3,
      startsAt: alert(100).startsAt,
      receivedAt: expect.any(String),
      category: 'OOMKilled',
      confidence: 70,
      summary: 'newer diagnosis',
    });
    expect(groups[3]).toMatchObject({ severity: 'critical', count: 1, firing: 0, summary: null });

    // A group's own filters list exactly its incidents, and "acknowledge all" takes exactly them.
    const one = { alertname: 'KubePodOOMKilled', namespace: 'shop', cluster: 'prod', workload: 'api' };
    expect(q.list({ ...one, limit: 100 }).map((i) => i.id)).toEqual([5, 4, 3, 2, 1]);
    expect(q.count(one)).toBe(5);
    expect(q.ackMatching(one, 'bob').sort()).toEqual([2, 3, 4, 5]);
    expect(q.groups({ acked: false }, 100).groups.map((g) => g.workload)).toEqual(['api', 'worker', 'kafka']);
    expect(q.groups({ status: 'firing' }, 1)).toMatchObject({ total: 3, groups: [{ workload: 'api' }] });
    expect(q.groups({ workload: 'nothing' }, 100)).toEqual({ groups: [], total: 0 });
  });

  it('keeps the search index merged in its own short steps as incidents and diagnoses arrive', () => {
    const db = openDatabase(path.join(tempDir(), 'db.sqlite'));
    const ingest = createIngest(db, { source: 'webhook', clusterLabel: 'cluster' });
    const index = createSearchIndex(db);
    const segments = () =>
      db.prepare('SELECT COUNT(DISTINCT segid) FROM incidents_fts_idx').pluck().get() as number;
    // FTS5 does not merge by itself here (a merge inside another write held the lock for too long).
    expect(db.prepare("SELECT v FROM incidents_fts_config WHERE k = 'automerge'").pluck().get()).toBe(0);
    for (let i = 1; i <= 2000; i++) {
      ingest([alert(i)]);
      if (i % 25 === 0) index.catchUp();
      // A new diagnosis replaces an incident's entry: one more small segment each time.
      if (i % 10 === 0) index.setDiagnosis(i - 5, `diagnosis ${i} heap exhausted`);
    }
    while (index.catchUp() > 0);
    // 80 batches and 200 diagnoses, each its own segment when written: merged down to a few.
    expect(segments()).toBeLessThanOrEqual(12);
    const q = createQueries(db);
    expect(q.list({ q: 'pod-1234', limit: 10 }).map((i) => i.id)).toEqual([1234]);
    expect(q.count({ q: 'heap exhausted' })).toBe(200);
    expect(q.list({ q: 'diagnosis 1000', limit: 10 }).map((i) => i.id)).toEqual([995]);
    expect(
      db.prepare("INSERT INTO incidents_fts (incidents_fts) VALUES ('integrity-check')").run(),
    ).toBeTruthy();
  });

  it('reads query-string flags as booleans ("false" is false)', () => {
    const input = apiMethods.listIncidents.input;
    expect(input.parse({ acked: 'false' }).acked).toBe(false);
    expect(input.parse({ acked: 'true', before: '12' })).toMatchObject({ acked: true, before: 12 });
    expect(input.safeParse({ acked: 'yes' }).success).toBe(false);
    expect(input.safeParse({ status: 'maybe' }).success).toBe(false);
  });
});
