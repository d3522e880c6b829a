import { useState } from 'react';
import type { Client } from '../client.ts';
import { useT } from '../i18n/index.tsx';
import { type ListFilters, toQuery } from './filters.ts';

/**
 * "Acknowledge all": in a storm, the firing incidents nobody has taken that match the list's filters,
 * at once (no silences). It asks first, in place: one click must not take a hundred incidents.
 */
export function AckAll({ client, filters }: { client: Client; filters: ListFilters }) {
  const t = useT();
  /** While asking: how many it would take, and of which filters (what was asked is what is done). */
  const [asking, setAsking] = useState<{ n: number; scope: typeof scope } | null>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  if (filters.status === 'resolved' || filters.acked === 'true') return null;
  // Always firing and not yet acknowledged: those two filters are the action's own.
  const { status: _status, acked: _acked, ...scope } = toQuery(filters);
  const failed = (err: unknown) =>
    setSaid(t('action.failed', { action: t('list.ackAll'), error: (err as Error).message }));
  const ask = async () => {
    setSaid(null);
    setBusy(true);
    try {
      const { total = 0 } = await client.api.listIncidents({
        ...scope,
        status: 'firing',
        acked: false,
        limit: 1,
      });
      if (total) setAsking({ n: total, scope });
      else setSaid(t('list.ackAllNone'));
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  };
  const run = async (asked: typeof scope) => {
    setBusy(true);
    try {
      const { acked } = await client.api.ackMatching(asked);
      setSaid(t('list.ackAllDone', { n: acked }));
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
      setAsking(null);
    }
  };
  if (asking === null)
    return (
      <span className="ack-all">
        <button type="button" className="link" data-action="ack-all" disabled={busy} onClick={ask}>
          {t('list.ackAll')}
        </button>
        {said ? (
          <span className="muted small" role="status">
            {said}
          </span>
        ) : null}
      </span>
    );
  return (
    <fieldset className="ack-all">
      <legend className="sr-only">{t('list.ackAll')}</legend>
      <span className="small">{t('list.ackAllAsk', { n: asking.n })}</span>
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => run(asking.scope)}
        data-action="ack-all-confirm"
      >
        {t('list.ackAllYes')}
      </button>
      <button type="button" disabled={busy} onClick={() => setAsking(null)}>
        {t('list.ackAllNo')}
      </button>
    </fieldset>
  );
}
