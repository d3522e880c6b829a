import { Notification } from 'electron';
import type { ActionRecord } from '../../shared/action.ts';
import type { EventBus } from '../engine/events.ts';
import type { SettingsService } from '../engine/settings/service.ts';
import { type AckRequest, notificationAcks } from './decisions/ack-actions.ts';
import { approvalButton } from './decisions/approve-action.ts';
import { routeForBatch } from './decisions/click-route.ts';
import type { Batch } from './decisions/coalesce.ts';
import { muteReason, type NotifyItem, NotifyTracker, notifyCoalescer } from './decisions/notify-policy.ts';
import { type NotifyLanguage, notificationText } from './decisions/notify-text.ts';

export interface NotifierDeps {
  bus: EventBus;
  settings: SettingsService;
  language(): NotifyLanguage;
  pausedUntil(): number | null;
  /** Opens the window at a route (a URL fragment of shared/routes.ts). */
  open(hash: string): void;
  /** Acknowledges through the API (its "Acknowledge" buttons). */
  ack(request: AckRequest): void;
  /** The incident's remediation action waiting for an engineer, if any (its "Approve" button). */
  pendingApproval?(incidentId: number): ActionRecord | null;
  /** Approves that action through the API. */
  approve?(actionId: number): void;
}

/** Native notifications: every decision is in ./decisions; this file only calls Electron. */
export function startNotifier(d: NotifierDeps): () => void {
  const tracker = new NotifyTracker();
  const coalescer = notifyCoalescer();
  // A Notification that is garbage-collected loses its click handler: hold each until clicked or closed.
  const alive = new Set<Notification>();
  let timer: NodeJS.Timeout | undefined;

  const show = (batch: Batch<NotifyItem>) => {
    if (!Notification.isSupported()) return;
    const { title, body } = notificationText(batch, d.language());
    // Buttons show where the platform has them (macOS, Windows); elsewhere the tray menu acknowledges.
    const acks = notificationAcks(batch, d.language());
    // A one-click "Approve" when the report proposes an action the policy leaves to an engineer.
    const approval =
      batch.more === 0 && d.pendingApproval
        ? approvalButton(batch, d.pendingApproval(batch.first.incident.id), d.language())
        : null;
    const n = new Notification({
      title,
      body,
      urgency: batch.first.incident.severity === 'critical' ? 'critical' : 'normal',
      actions: [...acks.texts, ...(approval ? [approval.text] : [])].map((text) => ({
        type: 'button' as const,
        text,
      })),
    });
    const route = routeForBatch(batch);
    alive.add(n);
    n.on('click', () => {
      alive.delete(n);
      d.open(route);
    });
    n.on('action', (details, index) => {
      alive.delete(n);
      const chosen = details?.actionIndex ?? index;
      const request = acks.requests[chosen];
      if (request) d.ack(request);
      else if (approval && chosen === acks.requests.length) d.approve?.(approval.actionId);
    });
    n.on('close', () => alive.delete(n));
    n.on('failed', () => alive.delete(n));
    n.show();
  };
  const schedule = () => {
    clearTimeout(timer);
    const at = coalescer.nextAt();
    if (at === null) return;
    timer = setTimeout(
      () => {
        const batch = coalescer.due(Date.now());
        if (batch) show(batch);
        schedule();
      },
      Math.max(0, at - Date.now()),
    );
  };
  const off = d.bus.on('incident', (s) => {
    const item = tracker.observe(s);
    if (!item) return;
    const now = new Date();
    if (muteReason(s.severity, d.settings.notifications(), now, d.pausedUntil())) return;
    const batch = coalescer.push(item, now.getTime());
    if (batch) show(batch);
    schedule();
  });
  return () => {
    off();
    clearTimeout(timer);
    alive.clear();
  };
}
