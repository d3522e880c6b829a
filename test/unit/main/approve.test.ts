import { describe, expect, it, vi } from 'vitest';
import { approvalButton } from '../../../electron/main/decisions/approve-action.ts';
import type { ActionRecord } from '../../../shared/action.ts';
import type { IncidentSummary } from '../../../shared/incident.ts';
import { DEFAULT_NOTIFICATIONS } from '../../../shared/settings.ts';
import { FakeNotification } from '../../helpers/fake-notification.ts';
import { incidentSummary } from '../../helpers/incident-summary.ts';

/** The "Approve" button of an incident's notification: the decision, and the notifier with a fake `electron`. */

vi.mock('electron', () => import('../../helpers/fake-notification.ts'));

const { startNotifier } = await import('../../../electron/main/notifier.ts');
const { EventBus } = await import('../../../electron/engine/events.ts');

const incident = (over: Partial<IncidentSummary> = {}): IncidentSummary =>
  incidentSummary({
    state: 'ready',
    category: 'OOMKilled',
    confidence: 95,
    source: 'rules',
    summary: 'OOMKilled',
    ...over,
  });

const pending = (over: Partial<ActionRecord> = {}): ActionRecord => ({
  id: 41,
  incidentId: 7,
  action: { type: 'restart-pod', namespace: 'shop', pod: 'checkout-7d9f8b6c5-x2x9q' },
  source: 'rules',
  reason: 'restart pod checkout-7d9f8b6c5-x2x9q (OOMKilled 6 times; 2 other replicas ready)',
  confidence: 95,
  mode: 'approve',
  state: 'pending',
  stateReason: null,
  decidedBy: null,
  decidedAt: null,
  dryRun: null,
  outcome: null,
  createdAt: '2026-11-26T03:00:02.000Z',
  updatedAt: '2026-11-26T03:00:02.000Z',
  ...over,
});

describe('the Approve button', () => {
  const one = { first: { kind: 'diagnosis' as const, incident: incident() }, more: 0, items: [] };
  it('only for one firing incident whose action waits for an engineer', () => {
    expect(approvalButton(one, pending(), 'en')).toEqual({
      text: 'Approve: restart pod checkout-7d9f8b6c5-x2x9q',
      actionId: 41,
    });
    expect(approvalButton(one, pending(), 'zh')?.text).toBe('批准：重启 Pod checkout-7d9f8b6c5-x2x9q');
    expect(approvalButton({ ...one, more: 2 }, pending(), 'en')).toBeNull();
    expect(approvalButton(one, pending({ state: 'suggested' }), 'en')).toBeNull();
    expect(approvalButton(one, null, 'en')).toBeNull();
    const resolved = { ...one, first: { ...one.first, incident: incident({ status: 'resolved' }) } };
    expect(approvalButton(resolved, pending(), 'en')).toBeNull();
    const long = pending({ action: { type: 'restart-pod', namespace: 'shop', pod: `a-${'x'.repeat(80)}` } });
    expect(approvalButton(one, long, 'en')!.text).toHaveLength(48);
  });

  it('the notifier shows it after the acknowledge buttons, and a click approves through the API', () => {
    const bus = new EventBus();
    const approved: number[] = [];
    const stop = startNotifier({
      bus,
      settings: { notifications: () => DEFAULT_NOTIFICATIONS } as never,
      language: () => 'en',
      pausedUntil: () => null,
      open: () => {},
      ack: () => {},
      pendingApproval: (id) => (id === 7 ? pending() : null),
      approve: (id) => approved.push(id),
    });
    // (The first sight of an incident notifies at once; the engine asks for its pending action then.)
    bus.emit('incident', incident({ state: 'received' }));
    const n = FakeNotification.shown.at(-1)!;
    expect(n.options.actions?.map((a) => a.text)).toEqual([
      'Acknowledge',
      'Acknowledge and silence 1 h',
      'Approve: restart pod checkout-7d9f8b6c5-x2x9q',
    ]);
    n.handlers.get('action')!({ actionIndex: 2 }, 2);
    expect(approved).toEqual([41]);
    stop();
  });
});
