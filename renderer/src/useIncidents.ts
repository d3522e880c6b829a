import { useCallback, useEffect, useRef, useState } from 'react';
import type { IncidentSummary } from '../../shared/incident.ts';
import type { Client } from './client.ts';

export interface ListQuery {
  q: string;
  state: string;
}

/** The incident list, kept live: loaded once per query, then patched by `incident` events. */
export function useIncidents(client: Client, query: ListQuery) {
  const [items, setItems] = useState<IncidentSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const queryRef = useRef(query);
  queryRef.current = query;

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const res = await client.api.listIncidents({
        q: query.q || undefined,
        state: (query.state || undefined) as never,
        limit: 500,
      });
      setItems(res.items);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setLoading(false);
    }
  }, [client, query.q, query.state]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(
    () =>
      client.on('incident', (s) => {
        const q = queryRef.current;
        // With a search or filter active, the server decides membership: reload instead of guessing.
        if (q.q || q.state) {
          void load();
          return;
        }
        setItems((prev) => {
          const i = prev.findIndex((p) => p.id === s.id);
          if (i === -1) return [s, ...prev];
          const next = prev.slice();
          next[i] = s;
          return next;
        });
      }),
    [client, load],
  );

  return { items, error, loading, reload: load };
}
