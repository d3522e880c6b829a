/**
 * Electron's Notification as the notifier uses it, for tests of electron/main without the Electron
 * binary: `vi.mock('electron', () => import('../../helpers/fake-notification.ts'))`, then inspect
 * `FakeNotification.shown` and fire its handlers (click, action).
 */
type Handler = (...args: unknown[]) => void;

export class FakeNotification {
  static shown: FakeNotification[] = [];
  handlers = new Map<string, Handler>();
  constructor(
    readonly options: { title: string; body: string; actions?: Array<{ type: string; text: string }> },
  ) {}
  static isSupported() {
    return true;
  }
  on(e: string, fn: Handler) {
    this.handlers.set(e, fn);
  }
  show() {
    FakeNotification.shown.push(this);
  }
}

export const Notification = FakeNotification;
export default { Notification: FakeNotification };
