import { useEffect, useState } from 'react';
import type { Client } from '../client.ts';
import { useT } from '../i18n/index.tsx';
import { AckAll } from './AckAll.tsx';
import { isFiltered, type ListFilters, NO_FILTERS } from './filters.ts';

/** Status, acknowledgement, severity, namespace and cluster filters; the search box lives in the top bar. */
export function FilterBar({
  client,
  filters,
  onChange,
  count,
}: {
  client: Client;
  filters: ListFilters;
  onChange(f: ListFilters): void;
  count: { total: number };
}) {
  const t = useT();
  const [facets, setFacets] = useState<{ namespaces: string[]; clusters: string[] }>({
    namespaces: [],
    clusters: [],
  });
  useEffect(() => {
    client.api.listFacets({}).then(setFacets, () => {});
  }, [client]);
  const set = (patch: Partial<ListFilters>) => onChange({ ...filters, ...patch });
  const seg = (value: string, current: string, label: string, apply: () => void) => (
    <button
      type="button"
      className={`seg${current === value ? ' on' : ''}`}
      aria-pressed={current === value}
      onClick={apply}
    >
      {label}
    </button>
  );
  return (
    <div className="filterbar">
      <fieldset className="segmented">
        <legend className="sr-only">{t('list.filter.firing')}</legend>
        {seg('', filters.status, t('list.filter.all'), () => set({ status: '' }))}
        {seg('firing', filters.status, t('list.filter.firing'), () => set({ status: 'firing' }))}
        {seg('resolved', filters.status, t('list.filter.resolved'), () => set({ status: 'resolved' }))}
      </fieldset>
      <fieldset className="segmented">
        <legend className="sr-only">{t('list.filter.acked')}</legend>
        {seg('', filters.acked, t('list.filter.all'), () => set({ acked: '' }))}
        {seg('false', filters.acked, t('list.filter.unacked'), () => set({ acked: 'false' }))}
        {seg('true', filters.acked, t('list.filter.acked'), () => set({ acked: 'true' }))}
      </fieldset>
      <select
        aria-label={t('list.filter.severity')}
        value={filters.severity}
        onChange={(e) => set({ severity: e.target.value as ListFilters['severity'] })}
      >
        <option value="">{t('list.filter.anySeverity')}</option>
        {(['critical', 'warning', 'info'] as const).map((s) => (
          <option key={s} value={s}>
            {t(`severity.${s}`)}
          </option>
        ))}
      </select>
      <select
        aria-label={t('list.filter.namespace')}
        value={filters.namespace}
        onChange={(e) => set({ namespace: e.target.value })}
      >
        <option value="">{t('list.filter.anyNamespace')}</option>
        {[...new Set([...facets.namespaces, filters.namespace].filter(Boolean))].map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      {facets.clusters.length || filters.cluster ? (
        <select
          aria-label={t('list.filter.cluster')}
          value={filters.cluster}
          onChange={(e) => set({ cluster: e.target.value })}
        >
          <option value="">{t('list.filter.anyCluster')}</option>
          {[...new Set([...facets.clusters, filters.cluster].filter(Boolean))].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      ) : null}
      <span className="filter-count" aria-live="polite">
        {t('list.count', { total: count.total.toLocaleString() })}
      </span>
      {/* Keyed by the filters: a question asked about other filters is dropped when they change. */}
      {count.total > 0 ? <AckAll key={JSON.stringify(filters)} client={client} filters={filters} /> : null}
      {isFiltered(filters) ? (
        <button type="button" className="link" onClick={() => onChange(NO_FILTERS)}>
          {t('list.filter.clear')}
        </button>
      ) : null}
    </div>
  );
}
