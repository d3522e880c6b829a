import { useEffect, useState } from 'react';
import type { Client } from '../client.ts';
import { useT } from '../i18n/index.tsx';
import { AckAll } from './AckAll.tsx';
import { cleared, isFiltered, type ListFilters } from './filters.ts';

/**
 * The view (incidents one by one, or grouped), and the status, acknowledgement, severity, namespace and
 * cluster filters; a group's alert and workload show as chips. The search box lives in the top bar.
 */
export function FilterBar({
  client,
  filters,
  onChange,
  count,
}: {
  client: Client;
  filters: ListFilters;
  onChange(f: ListFilters): void;
  /** The incidents matching the filters, and in the grouped view the groups they make. */
  count: { total: number; groups?: number };
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
  const chip = (key: 'alertname' | 'workload') =>
    filters[key] ? (
      <span className="filter-chip" data-filter={key}>
        <span className="muted">{t(`list.filter.${key}`)}:</span> {filters[key]}
        <button
          type="button"
          aria-label={t('list.filter.remove', { filter: `${t(`list.filter.${key}`)}: ${filters[key]}` })}
          onClick={() => set({ [key]: '' })}
        >
          ×
        </button>
      </span>
    ) : null;
  return (
    <div className="filterbar">
      <fieldset className="segmented">
        <legend className="sr-only">{t('list.view')}</legend>
        {seg('', filters.view, t('list.view.list'), () => set({ view: '' }))}
        {/* Back to the groups from one group's incidents: all the groups, not just that one. */}
        {seg('groups', filters.view, t('list.view.groups'), () =>
          set({ view: 'groups', alertname: '', workload: '' }),
        )}
      </fieldset>
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
      {chip('alertname')}
      {chip('workload')}
      <span className="filter-count" aria-live="polite">
        {count.groups !== undefined
          ? `${t('groups.count', { total: count.groups.toLocaleString() })} · `
          : ''}
        {t('list.count', { total: count.total.toLocaleString() })}
      </span>
      {/* Keyed by the filters: a question asked about other filters is dropped when they change. */}
      {count.total > 0 ? <AckAll key={JSON.stringify(filters)} client={client} filters={filters} /> : null}
      {isFiltered(filters) ? (
        <button type="button" className="link" onClick={() => onChange(cleared(filters))}>
          {t('list.filter.clear')}
        </button>
      ) : null}
    </div>
  );
}
