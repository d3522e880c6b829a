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

  it('reads query-string flags as booleans ("false" is false)', () => {
    const input = apiMethods.listIncidents.input;
    expect(input.parse({ acked: 'false' }).acked).toBe(false);
    expect(input.parse({ acked: 'true', before: '12' })).toMatchObject({ acked: true, before: 12 });
    expect(input.safeParse({ acked: 'yes' }).success).toBe(false);
    expect(input.safeParse({ status: 'maybe' }).success).toBe(false);
  });
});
