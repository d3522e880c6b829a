import { useCallback, useEffect, useRef, useState } from 'react';
import type { IncidentGroup } from '../../../shared/incident.ts';
import type { Client } from '../client.ts';
import { ClientError, onReconnect } from '../client.ts';
import { type ListFilters, toQuery } from './filters.ts';

export interface GroupsState {
  groups: IncidentGroup[];
  total: number;
  loading: boolean;
  error: ClientError | null;
}

/** Groups shown at most: a storm's workloads fit many times over; beyond it, filters narrow. */
export const GROUPS_SHOWN = 500;
/** However hard a storm blows, the groups are read again at most this often… */
const REFRESH_MS = 1_000;
/**
 * …and at most this share of the time: grouping scans every matching incident (see the README's
 * benchmarks), on the analysis worker's thread, which has alerts to analyse too.
 */
const MAX_SHARE = 0.05;

/**
 * The incident groups for the list's filters, kept live: an incident event reads them again (at most once
 * a second, less often when reading them takes long, and only while the grouped view is open), as does
 * getting the connection back.
 */
export function useGroups(client: Client, filters: ListFilters, enabled: boolean) {
  const [state, setState] = useState<GroupsState>({ groups: [], total: 0, loading: true, error: null });
  const generation = useRef(0);
  /** How long the last read took (ms): the next waits at least that divided by MAX_SHARE. */
  const took = useRef(0);
  const key = JSON.stringify(toQuery(filters));

  const load = useCallback(async () => {
    const gen = ++generation.current;
    const started = performance.now();
    try {
      const res = await client.api.listGroups({ ...JSON.parse(key), limit: GROUPS_SHOWN });
      took.current = performance.now() - started;
      if (gen === generation.current) setState({ ...res, loading: false, error: null });
    } catch (err) {
      if (gen !== generation.current) return;
      const error = err instanceof ClientError ? err : new ClientError((err as Error).message);
      setState((s) => ({ ...s, loading: false, error }));
    }
  }, [client, key]);

  useEffect(() => {
    if (!enabled) return;
    setState((s) => ({ ...s, loading: true }));
    void load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const later = () => {
      timer ??= setTimeout(
        () => {
          timer = undefined;
          last = Date.now();
          void load();
        },
        Math.max(0, last + Math.max(REFRESH_MS, took.current / MAX_SHARE) - Date.now()),
      );
    };
    const offIncident = client.on('incident', later);
    const offConn = onReconnect(client, () => void load());
    return () => {
      generation.current++;
      offIncident();
      offConn();
      clearTimeout(timer);
    };
  }, [client, load, enabled]);

  return { ...state, reload: load };
}
