import { describe, expect, it } from 'vitest';
import { routeForBatch } from '../../../electron/main/decisions/click-route.ts';
import { Coalescer } from '../../../electron/main/decisions/coalesce.ts';
import {
  muteReason,
  type NotifyItem,
  NotifyTracker,
  notifyCoalescer,
} from '../../../electron/main/decisions/notify-policy.ts';
import { notificationText } from '../../../electron/main/decisions/notify-text.ts';
import { activePause, pauseUntil } from '../../../electron/main/decisions/pause.ts';
import { inQuietHours, nextMorning } from '../../../electron/main/decisions/quiet-hours.ts';
import { TRAY_STATES, trayView } from '../../../electron/main/decisions/tray-state.ts';
import { trayLabels } from '../../../electron/main/decisions/tray-text.ts';
import { restoreBounds } from '../../../electron/main/decisions/window-bounds.ts';
import { severityRank } from '../../../shared/alert.ts';
import type { IncidentSummary } from '../../../shared/incident.ts';
import { parseHash } from '../../../shared/routes.ts';
import { DEFAULT_NOTIFICATIONS, type NotificationSettings } from '../../../shared/settings.ts';
import { incidentSummary } from '../../helpers/incident-summary.ts';

const incident = (over: Partial<IncidentSummary> = {}): IncidentSummary =>
  incidentSummary({ id: 1, ...over });
// A frozen clock: local times, so quiet hours read the same in every time zone.
const at = (hhmm: string, day = 26) => {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(2026, 10, day, h, m, 0, 0);
};
const settings = (over: Partial<NotificationSettings> = {}): NotificationSettings => ({
  ...DEFAULT_NOTIFICATIONS,
  ...over,
});
const quiet = { enabled: true, start: '22:00', end: '08:00' };

describe('quiet hours', () => {
  it('spans midnight and ends at its end minute', () => {
    expect(inQuietHours(at('23:30'), quiet)).toBe(true);
    expect(inQuietHours(at('03:00'), quiet)).toBe(true);
    expect(inQuietHours(at('07:59'), quiet)).toBe(true);
    expect(inQuietHours(at('08:00'), quiet)).toBe(false);
    expect(inQuietHours(at('21:59'), quiet)).toBe(false);
    expect(inQuietHours(at('12:00'), { enabled: true, start: '12:00', end: '13:00' })).toBe(true);
    expect(inQuietHours(at('23:30'), { ...quiet, enabled: false })).toBe(false);
  });

  it('"until morning" is the next end of quiet hours, or 08:00', () => {
    expect(nextMorning(at('23:00'), quiet)).toEqual(at('08:00', 27));
    expect(nextMorning(at('03:00'), quiet)).toEqual(at('08:00', 26));
    expect(nextMorning(at('09:00'), { ...quiet, enabled: false })).toEqual(at('08:00', 27));
    expect(nextMorning(at('23:00'), { enabled: true, start: '23:00', end: '06:30' })).toEqual(
      at('06:30', 27),
    );
  });

  it('pauses for an hour or until morning, and a pause runs out', () => {
    const now = at('23:00');
    expect(pauseUntil('1h', now, quiet)).toBe(now.getTime() + 3_600_000);
    expect(pauseUntil('morning', now, quiet)).toBe(at('08:00', 27).getTime());
    expect(activePause(now.getTime() + 10, now.getTime())).toBe(now.getTime() + 10);
    expect(activePause(now.getTime(), now.getTime())).toBeNull();
    expect(activePause(null, now.getTime())).toBeNull();
  });
});

describe('what to notify', () => {
  it('mutes by setting, pause, severity and quiet hours — critical pierces quiet hours only', () => {
    const night = at('02:00');
    const day = at('14:00');
    expect(muteReason('warning', settings(), day, null)).toBeNull();
    expect(muteReason('warning', settings({ enabled: false }), day, null)).toBe('disabled');
    expect(muteReason('critical', settings(), day, day.getTime() + 1000)).toBe('paused');
    expect(muteReason('warning', settings(), day, day.getTime() - 1)).toBeNull();
    expect(muteReason('info', settings(), day, null)).toBe('severity');
    expect(muteReason('info', settings({ minSeverity: 'info' }), day, null)).toBeNull();
    expect(muteReason('warning', settings({ minSeverity: 'critical' }), day, null)).toBe('severity');
    expect(muteReason('none', settings({ minSeverity: 'info' }), day, null)).toBe('severity');
    expect(muteReason('warning', settings({ quietHours: quiet }), night, null)).toBe('quiet-hours');
    expect(muteReason('critical', settings({ quietHours: quiet }), night, null)).toBeNull();
  });

  it('notifies a new firing incident once, then once when its diagnosis is ready', () => {
    const t = new NotifyTracker();
    expect(t.observe(incident())).toEqual({ kind: 'new', incident: incident() });
    expect(t.observe(incident({ state: 'collecting' }))).toBeNull();
    expect(t.observe(incident({ state: 'diagnosing', category: 'CrashLoop' }))).toBeNull();
    const ready = incident({ state: 'ready', category: 'CrashLoop', confidence: 90, summary: 'x' });
    expect(t.observe(ready)).toEqual({ kind: 'diagnosis', incident: ready });
    expect(t.observe(ready)).toBeNull();
    expect(t.observe(incident({ state: 'ready', category: 'OOMKilled' }))).toBeNull();
  });

  it('stays quiet about incidents it did not see arrive, resolved ones, and acknowledgements', () => {
    const t = new NotifyTracker();
    expect(t.observe(incident({ id: 7, state: 'ready', category: 'CrashLoop' }))).toBeNull();
    expect(t.observe(incident({ id: 8, status: 'resolved', state: 'cancelled' }))).toBeNull();
    t.observe(incident({ id: 9 }));
    expect(t.observe(incident({ id: 9, status: 'resolved', resolvedAt: 'x' }))).toBeNull();
    expect(
      t.observe(incident({ id: 9, state: 'ready', status: 'resolved', category: 'CrashLoop' })),
    ).toBeNull();
  });
});

describe('coalescing', () => {
  const rank = (i: NotifyItem) => severityRank(i.incident.severity);
  const item = (id: number, severity: IncidentSummary['severity'] = 'warning'): NotifyItem => ({
    kind: 'new',
    incident: incident({ id, severity }),
  });

  it('shows the first at once, then at most one per 5 s for the rest of a burst, led by the most severe', () => {
    const c = new Coalescer(rank, 5_000);
    expect(c.push(item(1), 0)).toMatchObject({ first: item(1), more: 0 });
    for (let i = 2; i <= 39; i++)
      expect(c.push(item(i, i === 20 ? 'critical' : 'warning'), 100 + i)).toBeNull();
    expect(c.nextAt()).toBe(5_000);
    expect(c.due(4_999)).toBeNull();
    const batch = c.due(5_000)!;
    expect(batch.first.incident.id).toBe(20);
    expect(batch.more).toBe(37);
    expect(batch.items).toHaveLength(38);
    expect(c.nextAt()).toBeNull();
    expect(c.push(item(40), 6_000)).toBeNull();
    expect(c.due(10_000)).toMatchObject({ more: 0 });
    expect(c.push(item(41), 20_000)).toMatchObject({ more: 0 });
  });

  it("the tray's order: the most severe leads a batch, and a new incident before a diagnosis of its rank", () => {
    const c = notifyCoalescer();
    const diagnosed = (id: number, severity: IncidentSummary['severity']): NotifyItem => ({
      kind: 'diagnosis',
      incident: incident({ id, severity }),
    });
    c.push(item(1, 'info'), 0);
    c.push(diagnosed(2, 'warning'), 1);
    c.push(item(3, 'warning'), 2);
    expect(c.due(5_000)!.first.incident.id).toBe(3);
    c.push(diagnosed(4, 'critical'), 6_000);
    c.push(item(5, 'warning'), 6_001);
    expect(c.due(10_000)!.first.incident.id).toBe(4);
  });

  it('says "and N more" in the text, in English and Chinese', () => {
    const batch = { first: item(1, 'critical'), more: 37, items: [] };
    expect(notificationText(batch, 'en')).toEqual({
      title: 'Critical: KubePodCrashLooping',
      body: 'pod/checkout-7d9f8b6c5-x2x9q in shop\nand 37 more',
    });
    expect(notificationText(batch, 'zh').body).toContain('另有 37 条');
    const diag = {
      first: {
        kind: 'diagnosis' as const,
        incident: incident({ category: 'OOMKilled', confidence: 92, summary: 'heap too small\nmore' }),
      },
      more: 0,
      items: [],
    };
    expect(notificationText(diag, 'en')).toEqual({
      title: 'KubePodCrashLooping: OOMKilled · 92% confidence',
      body: 'heap too small',
    });
  });

  it('routes a click: one incident opens its report, a batch opens what is firing unacknowledged', () => {
    const one = routeForBatch({ first: item(42), more: 0, items: [item(42)] });
    expect(one).toBe('#/incidents/42');
    expect(parseHash(one)).toEqual({ page: 'incident', id: 42 });
    const many = routeForBatch({ first: item(42), more: 3, items: [] });
    expect(parseHash(many)).toEqual({
      page: 'list',
      filters: { view: 'groups', status: 'firing', acked: 'false' },
    });
  });
});

describe('tray', () => {
  it('picks the first state whose condition holds: firing > analyzing > paused > ok', () => {
    expect(TRAY_STATES.map((s) => s.name)).toEqual(['firing', 'analyzing', 'paused', 'ok']);
    expect(trayView({ unacknowledged: 3, analyzing: 2, paused: true })).toEqual({
      state: 'firing',
      title: '3',
      badge: 3,
    });
    expect(trayView({ unacknowledged: 0, analyzing: 2, paused: true }).state).toBe('analyzing');
    expect(trayView({ unacknowledged: 0, analyzing: 0, paused: true })).toEqual({
      state: 'paused',
      title: '',
      badge: 0,
    });
    expect(trayView({ unacknowledged: 0, analyzing: 0, paused: false }).state).toBe('ok');
  });

  it('labels the menu with what is going on', () => {
    const c = { unacknowledged: 2, analyzing: 1, paused: false };
    const l = trayLabels(trayView(c), c, null, 'en');
    expect(l.status).toBe('2 firing, not acknowledged · analysing 1 incident');
    expect(l.tooltip).toContain('Oncall Scout — 2 firing');
    const paused = trayLabels(
      trayView({ ...c, unacknowledged: 0, analyzing: 0, paused: true }),
      { ...c, unacknowledged: 0, analyzing: 0 },
      at('08:00', 27).getTime(),
      'zh',
    );
    expect(paused.status).toBe('通知已暂停至 08:00');
  });
});

describe('window bounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('restores bounds that still fit a display, and drops those left on an unplugged monitor', () => {
    const saved = { x: 100, y: 80, width: 1200, height: 800, maximized: false };
    expect(restoreBounds(saved, screen)).toEqual(saved);
    expect(restoreBounds({ ...saved, x: 2500 }, screen)).toBeNull();
    expect(
      restoreBounds({ ...saved, x: 2500 }, [...screen, { x: 1920, y: 0, width: 1920, height: 1080 }]),
    ).toEqual({ ...saved, x: 2500 });
    expect(restoreBounds({ x: 'a' }, screen)).toBeNull();
    expect(restoreBounds(null, screen)).toBeNull();
  });
});
