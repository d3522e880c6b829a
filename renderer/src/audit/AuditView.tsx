import { useCallback, useEffect, useState } from 'react';
import type { AuditEntry } from '../../../shared/action.ts';
import { auditHash, incidentHash } from '../../../shared/routes.ts';
import type { Client } from '../client.ts';
import { useI18n } from '../i18n/index.tsx';
import { saveFile } from '../ui/download.ts';
import { EmptyState } from '../ui/EmptyState.tsx';
import { exact } from '../ui/format.ts';

const PAGE = 200;

/** The remediation audit log: everything, or one incident's; newest first, exportable as CSV or JSON. */
export function AuditView({ client, incidentId }: { client: Client; incidentId?: number }) {
  const { t } = useI18n();
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (before?: number) => {
      try {
        const r = await client.api.listAudit({ incidentId, before, limit: PAGE });
        setItems((prev) => (before && prev ? [...prev, ...r.items] : r.items));
        setMore(r.items.length === PAGE);
        setError(null);
      } catch (err) {
        setError((err as Error).message);
      }
    },
    [client, incidentId],
  );

  useEffect(() => {
    void load();
    // Actions move on in the pipeline's thread; every step also changes the incident, which is our cue.
    return client.on('incident', (s) => {
      if (incidentId === undefined || s.id === incidentId) void load();
    });
  }, [client, incidentId, load]);

  const exportAs = async (format: 'csv' | 'json') => {
    try {
      saveFile(await client.api.exportAudit({ format, incidentId }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <main className="audit" data-audit={incidentId ?? 'all'}>
      <header className="audit-head">
        <h2>
          {t('audit.title')}
          {incidentId ? (
            <>
              {' — '}
              <a href={incidentHash(incidentId)}>{t('audit.forIncident', { id: incidentId })}</a>
            </>
          ) : null}
        </h2>
        <p className="muted small">{t('audit.note')}</p>
        <div className="actions">
          <button type="button" onClick={() => void exportAs('csv')} data-action="export-csv">
            {t('audit.exportCsv')}
          </button>
          <button type="button" onClick={() => void exportAs('json')} data-action="export-json">
            {t('audit.exportJson')}
          </button>
          {incidentId ? <a href={auditHash()}>{t('audit.all')}</a> : null}
        </div>
      </header>
      {error ? (
        <p className="error" role="alert">
          {t('audit.error', { error })}
        </p>
      ) : null}
      {items && !items.length ? <EmptyState title={t('audit.empty')} /> : null}
      {items?.length ? (
        <table className="audit-table">
          <thead>
            <tr>
              <th>{t('audit.at')}</th>
              <th>{t('audit.incident')}</th>
              <th>{t('audit.event')}</th>
              <th>{t('audit.actor')}</th>
              <th>{t('audit.action')}</th>
              <th>{t('audit.message')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr
                key={e.id}
                className={`audit-${e.event} ok-${e.ok === null ? 'none' : e.ok ? 'yes' : 'no'}`}
              >
                <td title={exact(e.at)}>{e.at.replace('T', ' ').slice(0, 19)}</td>
                <td>{e.incidentId ? <a href={incidentHash(e.incidentId)}>#{e.incidentId}</a> : '—'}</td>
                <td>
                  {t(`audit.event.${e.event}`)}
                  {e.ok === null ? '' : ` · ${e.ok ? t('audit.ok.yes') : t('audit.ok.no')}`}
                </td>
                <td>{e.actor}</td>
                <td>
                  <code>{e.action ?? ''}</code>
                </td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {more && items ? (
        <button type="button" onClick={() => void load(items.at(-1)?.id)}>
          {t('audit.more')}
        </button>
      ) : null}
    </main>
  );
}
