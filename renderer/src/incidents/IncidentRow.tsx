import { memo } from 'react';
import type { IncidentSummary } from '../../../shared/incident.ts';
import { useI18n } from '../i18n/index.tsx';
import { ago, exact } from '../ui/format.ts';

export const ROW_HEIGHT = 68;

/** One incident in the list: severity, alert, target, the one-line diagnosis, state and how long it has fired. */
export const IncidentRow = memo(function IncidentRow({
  incident: i,
  selected,
  onSelect,
}: {
  incident: IncidentSummary;
  selected: boolean;
  onSelect(id: number): void;
}) {
  const { t, lang } = useI18n();
  const busy = i.state === 'received' || i.state === 'collecting' || i.state === 'diagnosing';
  const classes = ['row', `sev-${i.severity}`];
  if (selected) classes.push('selected');
  if (i.status === 'resolved') classes.push('resolved');
  if (i.ackedAt) classes.push('acked');
  return (
    <button
      type="button"
      className={classes.join(' ')}
      onClick={() => onSelect(i.id)}
      data-incident={i.id}
      aria-current={selected ? 'true' : undefined}
    >
      <span className="sev-bar" aria-hidden="true" />
      <span className="row-main">
        <span className="row-line">
          <span className="alertname">{i.alertname}</span>
          {i.status === 'resolved' ? <span className="tag tag-resolved">{t('list.resolved')}</span> : null}
          {i.ackedAt ? <span className="tag tag-acked">{t('list.acked')}</span> : null}
        </span>
        <span className="row-line target">
          {i.cluster ? <span className="cluster">{i.cluster}</span> : null}
          {i.namespace ? <span>{i.namespace}</span> : null}
          <span>{i.target}</span>
        </span>
        <span className="row-line summary">{i.summary ?? (busy ? t(`state.${i.state}`) : '')}</span>
      </span>
      <span className="row-side">
        {busy ? (
          <span className={`badge state-${i.state}`}>
            <span className="spinner" aria-hidden="true" />
            {t(`state.${i.state}`)}
          </span>
        ) : (
          <span className={`badge cat state-${i.state}`}>
            {i.category ?? t(`state.${i.state}`)}
            {i.confidence !== null ? <span className="confidence-small">{i.confidence}%</span> : null}
          </span>
        )}
        {/* How long it has been firing: an alert already old when it arrived (the app was closed, pull
            mode catching up) must not look new. */}
        <time
          className="time"
          dateTime={i.startsAt}
          title={t('list.times', { started: exact(i.startsAt), received: exact(i.receivedAt) })}
        >
          {ago(i.startsAt, lang)}
        </time>
      </span>
    </button>
  );
});
