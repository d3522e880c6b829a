import { useCallback, useEffect, useLayoutEffect, useState } from 'react';
import type { IncidentDetail } from '../../../shared/incident.ts';
import { type Client, ClientError } from '../client.ts';
import { useI18n } from '../i18n/index.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { ago, exact } from '../ui/format.ts';
import { Prose } from '../ui/Prose.tsx';
import { Actions, Feedback } from './Actions.tsx';
import { Deliveries } from './Deliveries.tsx';
import { Diagnosis } from './Diagnosis.tsx';
import { Proposals } from './Proposals.tsx';
import { parseRef, type RefTarget, type TabId } from './refs.ts';
import { Streaming } from './Streaming.tsx';
import { AlertTab } from './tabs/AlertTab.tsx';
import { DigestTab } from './tabs/DigestTab.tsx';
import { EventsTab } from './tabs/EventsTab.tsx';
import { LogsTab } from './tabs/LogsTab.tsx';
import { MetricsTab } from './tabs/MetricsTab.tsx';
import { NodeTab } from './tabs/NodeTab.tsx';
import { StatusTab } from './tabs/StatusTab.tsx';
import { WorkloadTab } from './tabs/WorkloadTab.tsx';

const TABS: TabId[] = ['status', 'events', 'logs', 'metrics', 'workload', 'node', 'alert', 'digest'];

/** One incident: the alert, the diagnosis (streaming while the LLM writes), the context tabs, actions. */
export function IncidentView({
  client,
  id,
  initialRef,
}: {
  client: Client;
  id: number;
  initialRef?: string;
}) {
  const { t, lang } = useI18n();
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [error, setError] = useState<ClientError | null>(null);
  const [streaming, setStreaming] = useState('');
  const [tab, setTab] = useState<TabId>('status');
  const [focus, setFocus] = useState<RefTarget | null>(() => (initialRef ? parseRef(initialRef) : null));

  const load = useCallback(async () => {
    try {
      setDetail(await client.api.getIncident({ id }));
      setError(null);
    } catch (err) {
      setError(err instanceof ClientError ? err : new ClientError((err as Error).message));
    }
  }, [client, id]);

  useEffect(() => {
    void load();
    const offIncident = client.on('incident', (s) => {
      if (s.id !== id) return;
      if (s.state !== 'diagnosing') setStreaming('');
      void load();
    });
    const offToken = client.on('token', (tk) => {
      if (tk.id === id) setStreaming((prev) => (prev + tk.text).slice(-40_000));
    });
    return () => {
      offIncident();
      offToken();
    };
  }, [client, id, load]);

  useEffect(() => {
    if (focus) setTab(focus.tab);
  }, [focus]);

  // Once the tab with the referenced element is shown, bring the element into view and flash it.
  useLayoutEffect(() => {
    if (!focus || tab !== focus.tab || !detail) return;
    const el = document.querySelector(`[data-ref="${CSS.escape(focus.ref)}"]`);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    el.classList.remove('flash');
    void (el as HTMLElement).offsetWidth;
    el.classList.add('flash');
  }, [focus, tab, detail]);

  if (error && !detail) {
    return (
      <section className="detail">
        <EmptyState
          tone="error"
          title={error.status === 404 ? t('detail.notFoundTitle') : t('detail.errorTitle')}
          action={
            <button type="button" onClick={() => void load()}>
              {t('list.retry')}
            </button>
          }
        >
          <p>{error.message}</p>
        </EmptyState>
      </section>
    );
  }
  if (!detail) return <section className="detail loading-screen">{t('detail.loading')}</section>;

  const ctx = detail.context;
  const a = detail.alert;
  const busy = detail.state === 'received' || detail.state === 'collecting' || detail.state === 'diagnosing';
  const openRef = (ref: string) => setFocus(parseRef(ref));
  return (
    <section className="detail" aria-label={detail.alertname} data-incident-detail={detail.id}>
      <header className="detail-head">
        <div className="title-line">
          <span className={`sev-chip sev-${detail.severity}`}>{t(`severity.${detail.severity}`)}</span>
          <h2>{detail.alertname}</h2>
          <span className={`status-chip status-${detail.status}`}>
            {detail.status === 'firing' ? t('detail.firing') : t('detail.resolved')}
          </span>
        </div>
        <div className="meta">
          {detail.cluster ? <span className="cluster">{detail.cluster}</span> : null}
          {detail.namespace ? <span>{detail.namespace}</span> : null}
          <span className="target-name">{detail.target}</span>
          <span title={exact(detail.startsAt)}>
            {t('detail.started', { ago: ago(detail.startsAt, lang) })}
          </span>
          {detail.resolvedAt ? (
            <span title={exact(detail.resolvedAt)}>
              {t('detail.resolvedAt', { ago: ago(detail.resolvedAt, lang) })}
            </span>
          ) : null}
          {detail.ackedAt && detail.ackedBy ? (
            <span>{t('detail.ackedBy', { ago: ago(detail.ackedAt, lang), by: detail.ackedBy })}</span>
          ) : null}
        </div>
        {a.annotations.summary || a.annotations.description ? (
          <p className="annotation">
            <Prose text={a.annotations.summary ?? ''} />
            {a.annotations.description ? (
              <span className="muted">
                {' '}
                <Prose text={a.annotations.description} />
              </span>
            ) : null}
          </p>
        ) : null}
        <Actions detail={detail} client={client} onDone={() => void load()} />
      </header>

      <div className="detail-body">
        {busy ? (
          <div className={`progress progress-${detail.state}`}>
            <span className="spinner" aria-hidden="true" /> {t(`progress.${detail.state as 'received'}`)}
          </div>
        ) : null}
        {detail.state === 'failed' ? (
          <p className="error" role="alert">
            {t('progress.failed', { error: detail.error ?? '' })}
          </p>
        ) : null}
        {detail.state === 'cancelled' && !detail.report ? (
          <p className="muted">{t('progress.cancelled')}</p>
        ) : null}
        {streaming && detail.state === 'diagnosing' ? <Streaming text={streaming} /> : null}
        {detail.report ? (
          <Diagnosis report={detail.report} context={ctx} onOpenRef={openRef} />
        ) : !busy && detail.state !== 'cancelled' ? (
          <p className="muted">{t('progress.noReport')}</p>
        ) : null}
        {detail.report ? <Feedback detail={detail} client={client} onDone={() => void load()} /> : null}
        <Proposals detail={detail} client={client} onDone={() => void load()} />
        {detail.deliveries.length ? <Deliveries deliveries={detail.deliveries} /> : null}

        <div className="tabs" role="tablist">
          {TABS.map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              className={`tab${tab === id ? ' on' : ''}`}
              onClick={() => {
                setFocus(null);
                setTab(id);
              }}
            >
              {t(`tab.${id}`)}
              {id === 'events' && ctx?.events.length ? (
                <span className="count">{ctx.events.length}</span>
              ) : null}
              {id === 'logs' && ctx?.logs.length ? <span className="count">{ctx.logs.length}</span> : null}
            </button>
          ))}
        </div>
        <div role="tabpanel" className="tabpanel">
          {tab === 'alert' ? (
            <AlertTab detail={detail} />
          ) : !ctx ? (
            <EmptyState title={t('ctx.none')} />
          ) : tab === 'status' ? (
            <StatusTab ctx={ctx} />
          ) : tab === 'events' ? (
            <EventsTab ctx={ctx} />
          ) : tab === 'logs' ? (
            <LogsTab ctx={ctx} focus={focus?.log} />
          ) : tab === 'metrics' ? (
            <MetricsTab ctx={ctx} />
          ) : tab === 'workload' ? (
            <WorkloadTab ctx={ctx} />
          ) : tab === 'node' ? (
            <NodeTab ctx={ctx} />
          ) : (
            <DigestTab ctx={ctx} />
          )}
        </div>
      </div>
    </section>
  );
}
