import { describe, expect, it } from 'vitest';
import { alertKey } from '../../electron/engine/alertmanager/alerts.ts';
import type { AmConnection } from '../../electron/engine/alertmanager/connection.ts';
import { backoffMs, MAX_BACKOFF_MS, Poller } from '../../electron/engine/intake/pull.ts';
import type { Alert } from '../../shared/alert.ts';
import { AlertmanagerSource } from '../../shared/alertmanager.ts';

/**
 * The poller's decisions with a scripted Alertmanager and a frozen clock: what is new, what resolved,
 * and when absence must not count (before every source has spoken, right after a restart).
 */

const NOW = new Date('2026-11-26T10:00:00.000Z');

function listed(pod: string, startsAt = '2026-11-26T09:00:00.000Z') {
  return {
    labels: { alertname: 'X', pod },
    annotations: {},
    startsAt,
    endsAt: '2026-11-26T10:05:00.000Z',
    fingerprint: pod === 'a' ? '00000000000000aa' : '00000000000000bb',
    receivers: [{ name: 'r' }],
    status: { state: 'active', silencedBy: [], inhibitedBy: [] },
  };
}

function scripted(answers: { alerts: unknown[]; uptime?: string }[]) {
  let i = 0;
  let current = answers[0]!;
  const conn: AmConnection = {
    source: 'am',
    kind: 'url',
    target: 'http://am:9093',
    async request(path) {
      if (path.startsWith('/api/v2/alerts')) current = answers[Math.min(i++, answers.length - 1)]!;
      const body = path.startsWith('/api/v2/status')
        ? { uptime: current.uptime ?? '2026-11-20T00:00:00.000Z', versionInfo: { version: '0.25.0' } }
        : current.alerts;
      return { status: 200, contentType: 'application/json', text: JSON.stringify(body) };
    },
  };
  return conn;
}

function poller(conn: AmConnection, o: { reported?: Alert[]; settled?: boolean; grace?: number } = {}) {
  const calls: Array<{ firing: string[]; resolved: string[]; released: number }> = [];
  const p = new Poller(
    AlertmanagerSource.parse({ url: 'http://am:9093', restartGraceSeconds: o.grace ?? 90 }),
    conn,
    {
      ingest(alerts, _source, released = []) {
        calls.push({
          firing: alerts.filter((a) => a.status === 'firing').map((a) => a.labels.pod!),
          resolved: alerts.filter((a) => a.status === 'resolved').map((a) => a.labels.pod!),
          released: released.length,
        });
        return { accepted: alerts.length, duplicates: 0, created: [], resolved: [] };
      },
      reported: () => o.reported ?? [],
      listedElsewhere: () => null,
      settled: () => o.settled ?? true,
      now: () => NOW,
      log: () => {},
    },
  );
  return { p, calls };
}

describe('backoff', () => {
  it('doubles per failure from the interval, up to five minutes', () => {
    expect(backoffMs(15_000, 0)).toBe(15_000);
    expect(backoffMs(15_000, 1)).toBe(30_000);
    expect(backoffMs(15_000, 3)).toBe(120_000);
    expect(backoffMs(15_000, 9)).toBe(MAX_BACKOFF_MS);
    expect(backoffMs(600_000, 2)).toBe(600_000);
  });
});

describe('the poller', () => {
  it('reports a new alert once, and its absence as a resolution', async () => {
    const { p, calls } = poller(
      scripted([{ alerts: [listed('a')] }, { alerts: [listed('a')] }, { alerts: [] }]),
    );
    await p.poll();
    await p.poll();
    await p.poll();
    await p.stop();
    expect(calls).toEqual([
      { firing: ['a'], resolved: [], released: 0 },
      { firing: [], resolved: ['a'], released: 0 },
    ]);
  });

  it('absence does not resolve until every source has polled once', async () => {
    const { p, calls } = poller(scripted([{ alerts: [listed('a')] }, { alerts: [] }]), { settled: false });
    await p.poll();
    await p.poll();
    await p.stop();
    expect(calls).toEqual([{ firing: ['a'], resolved: [], released: 0 }]);
  });

  it('an alert it had reported before a restart of the app, now gone, resolves', async () => {
    const before: Alert = {
      fingerprint: '00000000000000bb',
      status: 'firing',
      labels: { alertname: 'X', pod: 'b' },
      annotations: {},
      startsAt: '2026-11-26T08:00:00.000Z',
      endsAt: null,
      generatorURL: '',
      externalURL: '',
      receiver: '',
      groupKey: '',
    };
    const { p, calls } = poller(scripted([{ alerts: [listed('a')] }]), { reported: [before] });
    // start() loads what it had reported from the store, then polls at once.
    p.start();
    await new Promise((r) => setTimeout(r, 50));
    await p.stop();
    expect(calls).toEqual([{ firing: ['a'], resolved: ['b'], released: 0 }]);
    expect(alertKey(before)).toBe('00000000000000bb@2026-11-26T08:00:00.000Z');
  });

  it('right after Alertmanager restarted (empty until Prometheus sends again), absence is not a resolution', async () => {
    const restarted = '2026-11-26T09:59:30.000Z';
    const { p, calls } = poller(
      scripted([
        { alerts: [listed('a')] },
        { alerts: [], uptime: restarted },
        { alerts: [listed('a')], uptime: restarted },
      ]),
    );
    await p.poll();
    await p.poll();
    await p.poll();
    await p.stop();
    expect(calls).toEqual([{ firing: ['a'], resolved: [], released: 0 }]);
    expect(p.status()).toMatchObject({ state: 'ok', alerts: 1, firing: 1, version: '0.25.0' });
  });

  it('a silenced alert is listed (still firing) but does not become an incident under the default filters', async () => {
    const silenced = { ...listed('b'), status: { state: 'suppressed', silencedBy: ['s1'], inhibitedBy: [] } };
    const { p, calls } = poller(scripted([{ alerts: [listed('a'), silenced] }]));
    await p.poll();
    await p.stop();
    expect(calls).toEqual([{ firing: ['a'], resolved: [], released: 0 }]);
    expect(p.status()).toMatchObject({ alerts: 2, firing: 1 });
  });
});
