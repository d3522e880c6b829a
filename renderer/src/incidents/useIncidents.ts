import { useCallback, useEffect, useRef, useState } from 'react';
import type { IncidentSummary } from '../../../shared/incident.ts';
import type { Client } from '../client.ts';
import { ClientError, onReconnect } from '../client.ts';
import { applyUpdates, type ListFilters, matches, toQuery } from './filters.ts';

const FIRST_PAGE = 300;
const NEXT_PAGE = 1_000;

export interface IncidentsState {
  items: IncidentSummary[];
  total: number;
  loading: boolean;
  loadingMore: boolean;
  error: ClientError | null;
  complete: boolean;
}

/**
 * The incident list, kept live. The first page is small so the list paints at once; further pages load
 * as the user scrolls. `incident` events are applied in batches (one render per 16 ms at most, however
 * hard an alert storm blows); with a full-text search active, the server decides membership.
 */
export function useIncidents(client: Client, filters: ListFilters) {
  const [state, setState] = useState<IncidentsState>({
    items: [],
    total: 0,
    loading: true,
    loadingMore: false,
    error: null,
    complete: false,
  });
  const stateRef = useRef(state);
  stateRef.current = state;
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const generation = useRef(0);
  const key = JSON.stringify(toQuery(filters));

  const load = useCallback(async () => {
    const gen = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const res = await client.api.listIncidents({ ...JSON.parse(key), limit: FIRST_PAGE });
      if (gen !== generation.current) return;
      setState({
        items: res.items,
        total: res.total ?? res.items.length,
        loading: false,
        loadingMore: false,
        error: null,
        complete: res.items.length < FIRST_PAGE,
      });
    } catch (err) {
      if (gen !== generation.current) return;
      const error = err instanceof ClientError ? err : new ClientError((err as Error).message);
      setState((s) => ({ ...s, loading: false, error }));
    }
  }, [client, key]);

  const loadMore = useCallback(async () => {
    const s = stateRef.current;
    if (s.loading || s.loadingMore || s.complete || !s.items.length) return;
    const gen = generation.current;
    setState((p) => ({ ...p, loadingMore: true }));
    try {
      const res = await client.api.listIncidents({
        ...JSON.parse(key),
        before: s.items.at(-1)!.id,
        limit: NEXT_PAGE,
      });
      if (gen !== generation.current) return;
      setState((p) => {
        const seen = new Set(p.items.map((i) => i.id));
        return {
          ...p,
          items: [...p.items, ...res.items.filter((i) => !seen.has(i.id))],
          loadingMore: false,
          complete: res.items.length < NEXT_PAGE,
        };
      });
    } catch {
      if (gen === generation.current) setState((p) => ({ ...p, loadingMore: false }));
    }
  }, [client, key]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    let pending: IncidentSummary[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reload: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const updates = pending;
      pending = [];
      const loaded = new Set(stateRef.current.items.map((i) => i.id));
      const needsServer = updates.some(
        (u) => !loaded.has(u.id) && matches(u, filtersRef.current) === undefined,
      );
      setState((s) => {
        const r = applyUpdates(s.items, updates, filtersRef.current, s.complete);
        if (r.items === s.items) return s;
        return { ...s, items: r.items, total: Math.max(0, s.total + r.added - r.removed) };
      });
      if (needsServer) {
        clearTimeout(reload);
        reload = setTimeout(() => void load(), 300);
      }
    };
    const offIncident = client.on('incident', (s) => {
      pending.push(s);
      timer ??= setTimeout(flush, 16);
    });
    const offConn = onReconnect(client, () => void load());
    return () => {
      offIncident();
      offConn();
      clearTimeout(timer);
      clearTimeout(reload);
    };
  }, [client, load]);

  return { ...state, reload: load, loadMore };
}
