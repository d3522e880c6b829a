import { type BrowserWindow, ipcMain, type WebContents } from 'electron';
import { type ApiEventName, type ApiImpl, type ApiName, apiEvents, apiMethods } from '../../shared/api.ts';
import { ApiFailure } from '../engine/api.ts';
import { formatIssue } from '../engine/config.ts';
import type { EventBus } from '../engine/events.ts';
import { eventChannel, invokeChannel } from '../ipc-channels.ts';

/**
 * The IPC adapter: one handler per method of shared/api.ts, generated from the table. Messages from any
 * webContents other than the app's own windows are dropped; every argument is validated with zod.
 */
export function registerIpc(impl: ApiImpl, bus: EventBus, windows: () => BrowserWindow[]): () => void {
  const ours = (sender: WebContents) =>
    windows().some((w) => !w.isDestroyed() && w.webContents.id === sender.id);
  for (const name of Object.keys(apiMethods) as ApiName[]) {
    ipcMain.handle(invokeChannel(name), async (event, raw: unknown) => {
      if (!ours(event.sender)) return { ok: false, error: 'unknown sender' };
      const parsed = apiMethods[name].input.safeParse(raw ?? {});
      if (!parsed.success)
        return {
          ok: false,
          error: formatIssue(parsed.error),
          field: parsed.error.issues[0]?.path.join('.') || undefined,
        };
      try {
        const fn = impl[name] as (input: unknown) => Promise<unknown>;
        return { ok: true, value: await fn(parsed.data) };
      } catch (err) {
        return {
          ok: false,
          error: err instanceof ApiFailure ? err.message : `internal error: ${(err as Error).message}`,
        };
      }
    });
  }
  const offs = (Object.keys(apiEvents) as ApiEventName[]).map((name) =>
    bus.on(name, (payload) => {
      for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(eventChannel(name), payload);
    }),
  );
  return () => {
    for (const name of Object.keys(apiMethods) as ApiName[]) ipcMain.removeHandler(invokeChannel(name));
    for (const off of offs) off();
  };
}
