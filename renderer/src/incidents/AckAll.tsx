import { useState } from 'react';
import type { Client } from '../client.ts';
import { useT } from '../i18n/index.tsx';
import type { ListFilters } from './filters.ts';

/**
 * "Acknowledge all": in a storm, the firing incidents nobody has taken that match the list's filters,
 * at once (no silences). It asks first, in place: one click must not take a hundred incidents.
 */
export function AckAll({ client, filters }: { client: Client; filters: ListFilters }) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  if (filters.status === 'resolved' || filters.acked === 'true') return null;
  const run = async () => {
    setBusy(true);
    try {
      const { acked } = await client.api.ackMatching({
        q: filters.q.trim() || undefined,
        severity: filters.severity || undefined,
        namespace: filters.namespace || undefined,
        cluster: filters.cluster || undefined,
      });
      setSaid(t('list.ackAllDone', { n: acked }));
    } catch (err) {
      setSaid(t('action.failed', { action: t('list.ackAll'), error: (err as Error).message }));
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  if (!asking)
    return (
      <span className="ack-all">
        <button
          type="button"
          className="link"
          data-action="ack-all"
          onClick={() => {
            setSaid(null);
            setAsking(true);
          }}
        >
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
      <span className="small">{t('list.ackAllAsk')}</span>
      <button type="button" className="primary" disabled={busy} onClick={run} data-action="ack-all-confirm">
        {t('list.ackAllYes')}
      </button>
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>
        {t('list.ackAllNo')}
      </button>
    </fieldset>
  );
}
