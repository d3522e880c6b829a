import { useEffect, useState } from 'react';
import type { Client } from './client.ts';
import { IncidentList } from './IncidentList.tsx';
import { IncidentView } from './IncidentView.tsx';
import { useIncidents } from './useIncidents.ts';

export function App({ client }: { client: Client }) {
  const [q, setQ] = useState('');
  const [state, setState] = useState('');
  const [selected, setSelected] = useState<number | null>(() => {
    const m = /^#\/incidents\/(\d+)$/.exec(window.location.hash);
    return m ? Number(m[1]) : null;
  });
  const [connection, setConnection] = useState<'live' | 'offline'>('offline');
  const { items, error, loading } = useIncidents(client, { q, state });

  useEffect(() => client.onConnection(setConnection), [client]);
  useEffect(() => {
    const hash = selected === null ? '' : `#/incidents/${selected}`;
    if (window.location.hash !== hash)
      window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
  }, [selected]);

  return (
    <div className="app">
      <header className="topbar">
        <h1>Oncall Scout</h1>
        <input
          className="search"
          type="search"
          placeholder="Search alerts, pods, diagnoses…"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          aria-label="Search incidents"
        />
        <select value={state} onChange={(e) => setState(e.target.value)} aria-label="Filter by state">
          <option value="">All states</option>
          <option value="received">Received</option>
          <option value="collecting">Collecting</option>
          <option value="diagnosing">Diagnosing</option>
          <option value="ready">Ready</option>
          <option value="failed">Failed</option>
          <option value="cancelled">Cancelled</option>
        </select>
        <span
          className={`conn conn-${connection}`}
          title={connection === 'live' ? 'Live updates' : 'Reconnecting…'}
        >
          {connection === 'live' ? '● live' : '○ offline'}
        </span>
      </header>
      <main className="split">
        <IncidentList
          items={items}
          loading={loading}
          error={error}
          selected={selected}
          onSelect={setSelected}
          filtered={Boolean(q || state)}
        />
        {selected === null ? (
          <section className="empty-detail">Select an incident to see its diagnosis.</section>
        ) : (
          <IncidentView key={selected} client={client} id={selected} />
        )}
      </main>
    </div>
  );
}
