import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { type ApiEventName, type ApiName, apiEvents, apiMethods } from '../../shared/api.ts';
import { eventChannel, invokeChannel } from '../ipc-channels.ts';

/**
 * Exposes shared/api.ts as named functions and its events as subscriptions — never ipcRenderer itself.
 * Errors come back as values ({ error }) because Electron keeps only an Error's message.
 */
const api = Object.fromEntries(
  (Object.keys(apiMethods) as ApiName[]).map((name) => [
    name,
    (input: unknown) => ipcRenderer.invoke(invokeChannel(name), input),
  ]),
);

function on(name: ApiEventName, fn: (payload: unknown) => void): () => void {
  if (!(name in apiEvents)) throw new Error(`unknown event ${name}`);
  const listener = (_e: IpcRendererEvent, payload: unknown) => fn(payload);
  ipcRenderer.on(eventChannel(name), listener);
  return () => ipcRenderer.off(eventChannel(name), listener);
}

contextBridge.exposeInMainWorld('oncallScout', { api, on });
