import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { auditHash, incidentHash, listHash, SETTINGS_HASH, STATS_HASH } from '../../shared/routes.ts';
import type { SettingsView as Settings } from '../../shared/settings.ts';
import { AuditView } from './audit/AuditView.tsx';
import type { Client } from './client.ts';
import { I18nProvider, resolveLang, useT } from './i18n/index.tsx';
import { IncidentView } from './incident/IncidentView.tsx';
import { FilterBar } from './incidents/FilterBar.tsx';
import {
  cleared,
  filtersFromParams,
  filtersToParams,
  isFiltered,
  type ListFilters,
  NO_FILTERS,
} from './incidents/filters.ts';
import { GroupList } from './incidents/GroupList.tsx';
import { IncidentList } from './incidents/IncidentList.tsx';
import { useGroups } from './incidents/useGroups.ts';
import { useIncidents } from './incidents/useIncidents.ts';
import { go, replaceHash, useRoute } from './route.ts';
import { SettingsView } from './settings/SettingsView.tsx';
import { StatsView } from './stats/StatsView.tsx';
import { EmptyState } from './ui/EmptyState.tsx';
import { useStatus } from './useStatus.ts';

export function App({ client }: { client: Client }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [settingsError, setSettingsError] = useState<string | null>(null);
  useEffect(() => {
    client.api.getSettings({}).then(setSettings, (err: Error) => setSettingsError(err.message));
  }, [client]);
  const lang = resolveLang(settings?.language, navigator.language);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  return (
    <I18nProvider lang={lang}>
      <Shell client={client} settings={settings} settingsError={settingsError} onSettings={setSettings} />
    </I18nProvider>
  );
}

function Shell({
  client,
  settings,
  settingsError,
  onSettings,
}: {
  client: Client;
  settings: Settings | null;
  settingsError: string | null;
  onSettings(s: Settings): void;
}) {
  const t = useT();
  const route = useRoute();
  const [filters, setFilters] = useState<ListFilters>(() =>
    route.page === 'list' ? filtersFromParams(route.filters) : NO_FILTERS,
  );
  const [search, setSearch] = useState(filters.q);
  const [connection, setConnection] = useState<'live' | 'offline'>('offline');
  const status = useStatus(client);
  const list = useIncidents(client, filters);
  const grouped = filters.view === 'groups';
  const groups = useGroups(client, filters, grouped);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => client.onConnection(setConnection), [client]);

  // A list route (a notification's "firing, not acknowledged", a shared link) sets the filters.
  const routeFilters = route.page === 'list' ? JSON.stringify(route.filters) : null;
  useEffect(() => {
    if (routeFilters === null) return;
    const f = filtersFromParams(JSON.parse(routeFilters));
    setFilters((prev) => (JSON.stringify(prev) === JSON.stringify(f) ? prev : f));
    setSearch(f.q);
  }, [routeFilters]);

  const applyFilters = useCallback(
    (f: ListFilters) => {
      setFilters(f);
      if (route.page === 'list') replaceHash(listHash(filtersToParams(f)));
    },
    [route.page],
  );

  // Typing searches after a pause, not on every key.
  useEffect(() => {
    if (search === filters.q) return;
    const timer = setTimeout(() => applyFilters({ ...filters, q: search }), 200);
    return () => clearTimeout(timer);
  }, [search, filters, applyFilters]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.key === '/' && !(el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const clearFilters = () => {
    setSearch('');
    applyFilters(cleared(filters));
  };
  const selected = route.page === 'incident' ? route.id : null;
  const onSelect = useCallback((id: number) => go(incidentHash(id)), []);
  const counts = status?.incidents;
  const failingSources = status?.sources.filter((s) => s.state === 'failing').length ?? 0;
  const listHref = useMemo(() => listHash(filtersToParams(filters)), [filters]);

  return (
    <div className={`app page-${route.page}`}>
      <header className="topbar">
        <a className="brand" href={listHref}>
          <span className="brand-mark" aria-hidden="true" />
          {t('app.title')}
        </a>
        <nav className="nav">
          <a href={listHref} className={route.page === 'list' || route.page === 'incident' ? 'on' : ''}>
            {t('nav.incidents')}
          </a>
          <a href={STATS_HASH} className={route.page === 'stats' ? 'on' : ''}>
            {t('nav.stats')}
          </a>
          <a href={auditHash()} className={route.page === 'audit' ? 'on' : ''}>
            {t('nav.audit')}
          </a>
          <a href={SETTINGS_HASH} className={route.page === 'settings' ? 'on' : ''}>
            {t('nav.settings')}
          </a>
        </nav>
        {route.page === 'list' || route.page === 'incident' ? (
          <input
            ref={searchRef}
            className="search"
            type="search"
            placeholder={t('list.search')}
            aria-label={t('list.searchLabel')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        ) : (
          <span className="spacer" />
        )}
        {counts ? (
          <span className="counts">
            {counts.unacknowledged ? (
              <button
                type="button"
                className="count-firing"
                onClick={() => go(listHash({ status: 'firing', acked: 'false' }))}
              >
                {t('status.unacked', { n: counts.unacknowledged })}
              </button>
            ) : null}
            {counts.analyzing ? (
              <span className="count-analyzing">{t('status.analyzing', { n: counts.analyzing })}</span>
            ) : null}
            {failingSources ? (
              <a
                className="count-source-failing"
                href={`${SETTINGS_HASH}`}
                data-sources-failing={failingSources}
              >
                ⚠ {t('status.sourceFailing', { n: failingSources })}
              </a>
            ) : null}
            {status?.disk.full ? (
              <span className="count-disk-full" role="alert" title={status.disk.message ?? undefined}>
                ⚠ {t('status.diskFull')}
              </span>
            ) : null}
          </span>
        ) : null}
        <span
          className={`conn conn-${connection}`}
          title={connection === 'live' ? t('conn.liveTitle') : t('conn.offlineTitle')}
          data-connection={connection}
        >
          {connection === 'live' ? `● ${t('conn.live')}` : `○ ${t('conn.offline')}`}
        </span>
      </header>
      {route.page === 'settings' ? (
        <SettingsView client={client} settings={settings} error={settingsError} onSaved={onSettings} />
      ) : route.page === 'stats' ? (
        <StatsView client={client} />
      ) : route.page === 'audit' ? (
        <AuditView key={route.incidentId ?? 0} client={client} incidentId={route.incidentId} />
      ) : (
        <main className="split">
          <div className="list-pane">
            <FilterBar
              client={client}
              filters={filters}
              onChange={applyFilters}
              count={{ total: list.total, ...(grouped ? { groups: groups.total } : {}) }}
            />
            {grouped ? (
              <GroupList
                groups={groups.groups}
                total={groups.total}
                loading={groups.loading}
                error={groups.error}
                filtered={isFiltered(filters)}
                onOpen={(g) =>
                  applyFilters({
                    ...filters,
                    view: '',
                    alertname: g.alertname,
                    workload: g.workload,
                    namespace: g.namespace ?? '',
                    cluster: g.cluster ?? '',
                  })
                }
                onRetry={groups.reload}
                onClearFilters={clearFilters}
              />
            ) : (
              <IncidentList
                items={list.items}
                loading={list.loading}
                loadingMore={list.loadingMore}
                error={list.error}
                filtered={isFiltered(filters)}
                selected={selected}
                onSelect={onSelect}
                onLoadMore={list.loadMore}
                onRetry={list.reload}
                onClearFilters={clearFilters}
              />
            )}
          </div>
          {route.page === 'incident' ? (
            <IncidentView key={route.id} client={client} id={route.id} initialRef={route.ref} />
          ) : (
            <section className="detail">
              <EmptyState title={t(grouped ? 'detail.selectGroupTitle' : 'detail.selectTitle')}>
                <p>{t(grouped ? 'detail.selectGroupBody' : 'detail.selectBody')}</p>
              </EmptyState>
            </section>
          )}
        </main>
      )}
    </div>
  );
}
