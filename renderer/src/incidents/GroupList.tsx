import { memo, useState } from 'react';
import type { IncidentGroup } from '../../../shared/incident.ts';
import type { ClientError } from '../client.ts';
import { useI18n, useT } from '../i18n/index.tsx';
import { ago, exact } from '../ui/format.ts';
import { ROW_HEIGHT } from './IncidentRow.tsx';
import { ListPlaceholder } from './ListPlaceholder.tsx';
import { useListKeys } from './useListKeys.ts';
import { VirtualList } from './VirtualList.tsx';

interface Props {
  groups: IncidentGroup[];
  total: number;
  loading: boolean;
  error: ClientError | null;
  filtered: boolean;
  onOpen(g: IncidentGroup): void;
  onRetry(): void;
  onClearFilters(): void;
}

/**
 * The incidents grouped by alert and workload: a storm's hundred replicas are one row. ↑/↓ or j/k move
 * the keyboard's row, which keeps its group while the live list re-sorts; Enter lists its incidents.
 */
export function GroupList(p: Props) {
  const t = useT();
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const index = activeKey === null ? -1 : p.groups.findIndex((g) => groupKey(g) === activeKey);
  useListKeys({
    count: p.groups.length,
    index,
    onMove: (next) => setActiveKey(groupKey(p.groups[next]!)),
    onEnter: (i) => p.onOpen(p.groups[i]!),
  });
  if (!p.groups.length && (p.error || !p.loading)) return <ListPlaceholder {...p} />;
  return (
    <section className="list" aria-busy={p.loading}>
      <VirtualList
        label={t('list.view.groups')}
        items={p.groups}
        rowHeight={ROW_HEIGHT}
        itemKey={groupKey}
        scrollToIndex={index}
        render={(g, i) => <GroupRow group={g} active={i === index} onOpen={p.onOpen} />}
        footer={
          p.total > p.groups.length ? (
            <div className="list-more">{t('groups.more', { shown: p.groups.length, total: p.total })}</div>
          ) : null
        }
      />
      <div className="list-hint">{t('groups.keyboard')}</div>
    </section>
  );
}

const groupKey = (g: IncidentGroup) => JSON.stringify([g.alertname, g.cluster, g.namespace, g.workload]);

const GroupRow = memo(function GroupRow({
  group: g,
  active,
  onOpen,
}: {
  group: IncidentGroup;
  active: boolean;
  onOpen(g: IncidentGroup): void;
}) {
  const { t, lang } = useI18n();
  const classes = ['row', 'group-row', `sev-${g.severity}`];
  if (!g.firing) classes.push('resolved');
  else if (!g.unacknowledged) classes.push('acked');
  if (active) classes.push('selected');
  return (
    <button
      type="button"
      className={classes.join(' ')}
      onClick={() => onOpen(g)}
      title={t('groups.open', { n: g.count })}
      data-group={groupKey(g)}
      aria-current={active ? 'true' : undefined}
    >
      <span className="sev-bar" aria-hidden="true" />
      <span className="row-main">
        <span className="row-line">
          <span className="alertname">{g.alertname}</span>
          {g.count > 1 ? (
            <span className="tag tag-count">
              {g.firing === g.count || !g.firing
                ? t('groups.incidents', { n: g.count })
                : t('groups.someFiring', { n: g.firing, count: g.count })}
            </span>
          ) : null}
          {!g.firing ? (
            <span className="tag tag-resolved">{t('groups.allResolved')}</span>
          ) : !g.unacknowledged ? (
            <span className="tag tag-acked">{t('list.acked')}</span>
          ) : g.unacknowledged < g.firing ? (
            <span className="tag tag-acked">
              {t('groups.someAcked', { n: g.firing - g.unacknowledged, firing: g.firing })}
            </span>
          ) : null}
        </span>
        <span className="row-line target">
          {g.cluster ? <span className="cluster">{g.cluster}</span> : null}
          {g.namespace ? <span>{g.namespace}</span> : null}
          <span>{g.workload}</span>
        </span>
        <span className="row-line summary">{g.summary ?? (g.analyzing ? t('groups.analyzing') : '')}</span>
      </span>
      <span className="row-side">
        {g.category ? (
          <span className="badge cat state-ready">
            {g.category}
            {g.confidence !== null ? <span className="confidence-small">{g.confidence}%</span> : null}
          </span>
        ) : g.analyzing ? (
          <span className="badge state-collecting">
            <span className="spinner" aria-hidden="true" />
            {t('groups.analyzing')}
          </span>
        ) : null}
        <time className="time" dateTime={g.startsAt} title={exact(g.startsAt)}>
          {ago(g.startsAt, lang)}
        </time>
      </span>
    </button>
  );
});
