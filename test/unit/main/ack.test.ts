import { describe, expect, it, vi } from 'vitest';
import {
  notificationAcks,
  QUICK_SILENCE_MINUTES,
  trayAcks,
} from '../../../electron/main/decisions/ack-actions.ts';
import type { IncidentSummary } from '../../../shared/incident.ts';
import { DEFAULT_NOTIFICATIONS } from '../../../shared/settings.ts';
import { FakeNotification } from '../../helpers/fake-notification.ts';
import { incidentSummary } from '../../helpers/incident-summary.ts';

/** Acknowledging from the notification and the tray: the decisions, and the notifier's buttons with a fake `electron`. */

vi.mock('electron', () => import('../../helpers/fake-notification.ts'));

const { startNotifier } = await import('../../../electron/main/notifier.ts');
const { EventBus } = await import('../../../electron/engine/events.ts');

const incident = (over: Partial<IncidentSummary> = {}): IncidentSummary =>
  incidentSummary({ severity: 'critical', target: 'pod/checkout-1', ...over });

describe('acknowledge actions', () => {
  it('a notification about one firing incident offers ack and ack + silence; a coalesced one does not', () => {
    const one = notificationAcks({ first: { kind: 'new', incident: incident() }, more: 0, items: [] }, 'en');
    expect(one.texts).toEqual(['Acknowledge', 'Acknowledge and silence 1 h']);
    expect(one.requests).toEqual([{ id: 7 }, { id: 7, silenceMinutes: QUICK_SILENCE_MINUTES }]);
    expect(
      notificationAcks({ first: { kind: 'new', incident: incident() }, more: 3, items: [] }, 'en').texts,
    ).toEqual([]);
    const acked = incident({ ackedAt: '2026-11-26T03:01:00.000Z' });
    expect(
      notificationAcks({ first: { kind: 'diagnosis', incident: acked }, more: 0, items: [] }, 'zh').texts,
    ).toEqual([]);
  });

  it('the tray lists firing, unacknowledged incidents, most severe then newest, at most five', () => {
    const list = [
      incident({ id: 1, severity: 'warning', receivedAt: '2026-11-26T03:00:00.000Z' }),
      incident({ id: 2, severity: 'critical', receivedAt: '2026-11-26T02:00:00.000Z' }),
      incident({ id: 3, severity: 'critical', receivedAt: '2026-11-26T04:00:00.000Z' }),
      incident({ id: 4, ackedAt: '2026-11-26T04:00:00.000Z' }),
      incident({ id: 5, status: 'resolved' }),
      ...[6, 7, 8, 9].map((id) => incident({ id, severity: 'info' })),
    ];
    const items = trayAcks(list, 'zh');
    expect(items.map((i) => i.ack.id)).toEqual([3, 2, 1, 6, 7]);
    expect(items[0]).toMatchObject({
      label: 'KubePodCrashLooping — pod/checkout-1',
      ackText: '确认',
      ackSilence: { id: 3, silenceMinutes: 60 },
    });
  });

  it('the notifier shows the buttons and a click acknowledges through the API', () => {
    const bus = new EventBus();
    const acks: unknown[] = [];
    const stop = startNotifier({
      bus,
      settings: { notifications: () => DEFAULT_NOTIFICATIONS } as never,
      language: () => 'en',
      pausedUntil: () => null,
      open: () => {},
      ack: (r) => acks.push(r),
    });
    bus.emit('incident', incident());
    const n = FakeNotification.shown.at(-1)!;
    expect(n.options.actions?.map((a) => a.text)).toEqual(['Acknowledge', 'Acknowledge and silence 1 h']);
    n.handlers.get('action')!({ actionIndex: 1 }, 1);
    expect(acks).toEqual([{ id: 7, silenceMinutes: 60 }]);
    stop();
  });
});
