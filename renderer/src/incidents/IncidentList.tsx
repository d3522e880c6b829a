import { useCallback, useEffect } from 'react';
import type { IncidentSummary } from '../../../shared/incident.ts';
import type { ClientError } from '../client.ts';
import { useT } from '../i18n/index.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { IncidentRow, ROW_HEIGHT } from './IncidentRow.tsx';
import { VirtualList } from './VirtualList.tsx';

interface Props {
  items: IncidentSummary[];
  loading: boolean;
  loadingMore: boolean;
  error: ClientError | null;
  filtered: boolean;
  selected: number | null;
  onSelect(id: number): void;
  onLoadMore(): void;
  onRetry(): void;
  onClearFilters(): void;
}

/** The list with its real empty and error screens, and keyboard navigation (↑/↓, j/k, Enter). */
export function IncidentList(p: Props) {
  const t = useT();
  const index = p.selected === null ? -1 : p.items.findIndex((i) => i.id === p.selected);
  const { items, onSelect } = p;

  const onKey = useCallback(
    (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (!items.length) return;
      let next = -1;
      if (e.key === 'ArrowDown' || e.key === 'j') next = Math.min(items.length - 1, index + 1);
      else if (e.key === 'ArrowUp' || e.key === 'k') next = Math.max(0, index - 1);
      else return;
      e.preventDefault();
      onSelect(items[next]!.id);
    },
    [items, index, onSelect],
  );
  useEffect(() => {
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onKey]);

  if (p.error && !p.items.length) {
    return (
      <section className="list">
        <EmptyState
          tone="error"
          title={t('list.errorTitle')}
          action={
            <button type="button" onClick={p.onRetry}>
              {t('list.retry')}
            </button>
          }
        >
          <p>{p.error.status === 401 ? t('list.unauthorizedBody') : p.error.message}</p>
        </EmptyState>
      </section>
    );
  }
  if (!p.loading && !p.items.length) {
    return (
      <section className="list">
        {p.filtered ? (
          <EmptyState
            title={t('list.noMatchTitle')}
            action={
              <button type="button" onClick={p.onClearFilters}>
                {t('list.filter.clear')}
              </button>
            }
          >
            <p>{t('list.noMatchBody')}</p>
          </EmptyState>
        ) : (
          <EmptyState title={t('list.emptyTitle')}>
            <p>{t('list.emptyBody')}</p>
            <p className="muted">{t('list.emptyWebhook')}</p>
            <code className="block">{`${window.location.origin.startsWith('http') ? window.location.origin : 'http://127.0.0.1:9095'}/webhook/alertmanager`}</code>
          </EmptyState>
        )}
      </section>
    );
  }
  return (
    <section className="list" aria-busy={p.loading}>
      <VirtualList
        label={t('nav.incidents')}
        items={p.items}
        rowHeight={ROW_HEIGHT}
        itemKey={(i) => i.id}
        scrollToIndex={index}
        onEndReached={p.onLoadMore}
        render={(i) => <IncidentRow incident={i} selected={i.id === p.selected} onSelect={p.onSelect} />}
        footer={p.loadingMore ? <div className="list-more">{t('list.loadingMore')}</div> : null}
      />
      <div className="list-hint">{t('list.keyboard')}</div>
    </section>
  );
}
