import type { IncidentSummary } from '../../../shared/incident.ts';
import type { ClientError } from '../client.ts';
import { useT } from '../i18n/index.tsx';
import { IncidentRow, ROW_HEIGHT } from './IncidentRow.tsx';
import { ListPlaceholder } from './ListPlaceholder.tsx';
import { useListKeys } from './useListKeys.ts';
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

/** The list with its real empty and error screens, and keyboard navigation (↑/↓ or j/k). */
export function IncidentList(p: Props) {
  const t = useT();
  const index = p.selected === null ? -1 : p.items.findIndex((i) => i.id === p.selected);
  const { items, onSelect } = p;

  useListKeys({ count: items.length, index, onMove: (next) => onSelect(items[next]!.id) });

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
