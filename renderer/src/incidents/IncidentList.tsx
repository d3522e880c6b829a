import { useCallback, useEffect } from 'react';
import type { IncidentSummary } from '../../../shared/incident.ts';
import type { ClientError } from '../client.ts';
import { useT } from '../i18n/index.tsx';
import { IncidentRow, ROW_HEIGHT } from './IncidentRow.tsx';
import { ListPlaceholder } from './ListPlaceholder.tsx';
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

  if (!p.items.length && (p.error || !p.loading)) return <ListPlaceholder {...p} />;
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
