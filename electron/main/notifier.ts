import { Notification } from 'electron';
import type { EventBus } from '../engine/events.ts';
import type { SettingsService } from '../engine/settings/service.ts';
import { routeForBatch } from './decisions/click-route.ts';
import { type Batch, Coalescer } from './decisions/coalesce.ts';
import { muteReason, type NotifyItem, NotifyTracker, severityRank } from './decisions/notify-policy.ts';
import { type NotifyLanguage, notificationText } from './decisions/notify-text.ts';

export interface NotifierDeps {
  bus: EventBus;
  settings: SettingsService;
  language(): NotifyLanguage;
  pausedUntil(): number | null;
  /** Opens the window at a route (a URL fragment of shared/routes.ts). */
  open(hash: string): void;
}

/** Native notifications: every decision is in ./decisions; this file only calls Electron. */
export function startNotifier(d: NotifierDeps): () => void {
  const tracker = new NotifyTracker();
  const coalescer = new Coalescer<NotifyItem>(
    (i) => severityRank(i.incident.severity) * 2 + (i.kind === 'new' ? 0 : 1),
  );
  // A Notification that is garbage-collected loses its click handler: hold each until clicked or closed.
  const alive = new Set<Notification>();
  let timer: NodeJS.Timeout | undefined;

  const show = (batch: Batch<NotifyItem>) => {
    if (!Notification.isSupported()) return;
    const { title, body } = notificationText(batch, d.language());
    const n = new Notification({
      title,
      body,
      urgency: batch.first.incident.severity === 'critical' ? 'critical' : 'normal',
    });
    const route = routeForBatch(batch);
    alive.add(n);
    n.on('click', () => {
      alive.delete(n);
      d.open(route);
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
