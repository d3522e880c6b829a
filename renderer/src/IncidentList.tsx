import type { IncidentSummary } from '../../shared/incident.ts';
import { ago } from './format.ts';

interface Props {
  items: IncidentSummary[];
  loading: boolean;
  error: string | null;
  selected: number | null;
  filtered: boolean;
  onSelect(id: number): void;
}

export function IncidentList({ items, loading, error, selected, filtered, onSelect }: Props) {
  if (error) return <section className="list state-screen error">Cannot load incidents: {error}</section>;
  if (!loading && items.length === 0) {
    return (
      <section className="list state-screen">
        {filtered
          ? 'No incident matches.'
          : 'No incidents yet. Point Alertmanager at /webhook/alertmanager to start.'}
      </section>
    );
  }
  return (
    <section className="list" aria-label="Incidents">
      <ul>
        {items.map((i) => (
          <li key={i.id}>
            <button
              type="button"
              className={`row sev-${i.severity}${i.id === selected ? ' selected' : ''}${i.status === 'resolved' ? ' resolved' : ''}`}
              onClick={() => onSelect(i.id)}
              data-incident={i.id}
            >
              <span className="row-main">
                <span className="alertname">{i.alertname}</span>
                <span className="target">
                  {i.namespace ? `${i.namespace} · ` : ''}
                  {i.target}
                </span>
                {i.summary ? <span className="summary">{i.summary}</span> : null}
              </span>
              <span className="row-side">
                <span className={`badge state-${i.state}`}>{i.category ?? i.state}</span>
                {i.confidence !== null ? <span className="confidence">{i.confidence}%</span> : null}
                <span className="time" title={i.receivedAt}>
                  {ago(i.receivedAt)}
                </span>
                {i.ackedAt ? <span className="acked">acked</span> : null}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
