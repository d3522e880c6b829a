import type { ApiClient, ApiEvent, ApiEventName, ApiName } from '../../shared/api.ts';
import { apiMethods } from '../../shared/api.ts';

/** What the UI talks to: shared/api.ts plus its events, over IPC (Electron) or HTTP + SSE (browser). */
export interface Client {
  api: ApiClient;
  on<K extends ApiEventName>(name: K, fn: (payload: ApiEvent<K>) => void): () => void;
  /** 'live' while events flow; 'offline' while reconnecting. */
  onConnection(fn: (state: 'live' | 'offline') => void): () => void;
}

/**
 * Calls `fn` each time the event stream is back after a break: the events missed meanwhile are caught up
 * by reading afresh. Returns the unsubscribe.
 */
export function onReconnect(client: Client, fn: () => void): () => void {
  let wasOffline = false;
  return client.onConnection((c) => {
    if (c === 'offline') wasOffline = true;
    else if (wasOffline) {
      wasOffline = false;
      fn();
    }
  });
}

/** An API failure as the UI sees it: the message, and the field at fault or the HTTP status when known. */
export class ClientError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Bridge {
  api: Record<
    ApiName,
    (input: unknown) => Promise<{ ok: true; value: unknown } | { ok: false; error: string; field?: string }>
  >;
  on(name: ApiEventName, fn: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    oncallScout?: Bridge;
  }
}

function ipcClient(bridge: Bridge): Client {
  const api = Object.fromEntries(
    (Object.keys(apiMethods) as ApiName[]).map((name) => [
      name,
      async (input: unknown) => {
        const r = await bridge.api[name](input);
        if (!r.ok) throw new ClientError(r.error, r.field);
        return r.value;
      },
    ]),
  ) as unknown as ApiClient;
  return {
    api,
    on: (name, fn) => bridge.on(name, fn as (p: unknown) => void),
    onConnection: (fn) => {
      fn('live');
      return () => {};
    },
  };
}

/** Reads the token from ?token= once, keeps it for the tab, and removes it from the address bar. */
export function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('oncall-scout-token', fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return fromUrl ?? sessionStorage.getItem('oncall-scout-token') ?? '';
}

function httpClient(token: string): Client {
  const call = async (name: ApiName, input: Record<string, unknown> = {}) => {
    const { method, path } = apiMethods[name].http;
    const rest = { ...input };
    const url = path.replace(/:([a-zA-Z]+)/g, (_, p: string) => {
      const v = rest[p];
      delete rest[p];
      return encodeURIComponent(String(v));
    });
    let target = url;
    const init: RequestInit = { method, headers: { authorization: `Bearer ${token}` } };
    if (method === 'GET') {
      const q = new URLSearchParams(
        Object.entries(rest)
          .filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => [k, String(v)]),
      ).toString();
      if (q) target += `?${q}`;
    } else {
      init.headers = { ...init.headers, 'content-type': 'application/json' };
      init.body = JSON.stringify(rest);
    }
    let res: Response;
    try {
      res = await fetch(target, init);
    } catch {
      throw new ClientError('the engine does not answer: check that Oncall Scout is still running');
    }
    // An export comes back as the file itself; the API's answer is the file and its name.
    if ('download' in apiMethods[name].http && res.ok) {
      const disposition = res.headers.get('content-disposition') ?? '';
      return {
        filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'export',
        contentType: res.headers.get('content-type') ?? 'application/octet-stream',
        content: await res.text(),
      };
    }
    const body = (await res.json().catch(() => ({}))) as { error?: string; field?: string };
    if (!res.ok)
      throw new ClientError(body.error ?? `${res.status} ${res.statusText}`, body.field, res.status);
    return body;
  };
  const api = Object.fromEntries(
    (Object.keys(apiMethods) as ApiName[]).map((n) => [n, (i: Record<string, unknown>) => call(n, i)]),
  ) as unknown as ApiClient;

  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const connection = new Set<(s: 'live' | 'offline') => void>();
  let source: EventSource | null = null;
  const ensure = () => {
    if (source) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onopen = () => {
      for (const fn of connection) fn('live');
    };
    source.onerror = () => {
      for (const fn of connection) fn('offline');
    };
    for (const name of ['incident', 'token'] as const) {
      source.addEventListener(name, (e) => {
        const payload = JSON.parse((e as MessageEvent<string>).data) as unknown;
        for (const fn of listeners.get(name) ?? []) fn(payload);
      });
    }
  };
  return {
    api,
    on(name, fn) {
      ensure();
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(fn as (p: unknown) => void);
      return () => set.delete(fn as (p: unknown) => void);
    },
    onConnection(fn) {
      ensure();
      connection.add(fn);
      return () => connection.delete(fn);
    },
  };
}

export function createClient(): Client {
  return window.oncallScout ? ipcClient(window.oncallScout) : httpClient(takeToken());
}
