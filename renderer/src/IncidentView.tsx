import { useCallback, useEffect, useState } from 'react';
import type { IncidentDetail } from '../../shared/incident.ts';
import type { Client } from './client.ts';
import { ago, duration } from './format.ts';
import { ReportView } from './ReportView.tsx';

/** One incident: its alert, the current report (streaming LLM text while it runs), and actions. */
export function IncidentView({ client, id }: { client: Client; id: number }) {
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [streaming, setStreaming] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setDetail(await client.api.getIncident({ id }));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [client, id]);

  useEffect(() => {
    void load();
    const offIncident = client.on('incident', (s) => {
      if (s.id === id) {
        setStreaming('');
        void load();
      }
    });
    const offToken = client.on('token', (t) => {
      if (t.id === id) setStreaming((prev) => (prev + t.text).slice(-20_000));
    });
    return () => {
      offIncident();
      offToken();
    };
  }, [client, id, load]);

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      await load();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (error && !detail) return <section className="detail state-screen error">{error}</section>;
  if (!detail) return <section className="detail state-screen">Loading…</section>;
  const a = detail.alert;
  return (
    <section className="detail" aria-label="Incident">
      <div className="detail-head">
        <h2>
          <span className={`sev sev-${detail.severity}`}>{detail.severity}</span> {detail.alertname}
        </h2>
        <div className="meta">
          {detail.namespace ? `${detail.namespace} · ` : ''}
          {detail.target} · {detail.status} · started{' '}
          <span title={detail.startsAt}>{ago(detail.startsAt)}</span>
          {detail.resolvedAt ? ` · resolved ${ago(detail.resolvedAt)}` : ''}
        </div>
        {a.annotations.summary ? <p className="annotation">{a.annotations.summary}</p> : null}
        <div className="actions">
          <button
            type="button"
            disabled={busy || Boolean(detail.ackedAt)}
            onClick={() => act(() => client.api.ackIncident({ id }))}
          >
            {detail.ackedAt ? `Acknowledged ${ago(detail.ackedAt)}` : 'Acknowledge'}
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => act(() => client.api.submitFeedback({ id, verdict: 'right' }))}
          >
            Diagnosis right
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => act(() => client.api.submitFeedback({ id, verdict: 'wrong' }))}
          >
            Diagnosis wrong
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => act(() => client.api.submitFeedback({ id, verdict: 'false_positive' }))}
          >
            False positive
          </button>
          <button
            type="button"
            disabled={busy || !['ready', 'failed', 'cancelled'].includes(detail.state)}
            onClick={() => act(() => client.api.reanalyze({ id }))}
          >
            Re-analyze
          </button>
        </div>
        {error ? <p className="error">{error}</p> : null}
      </div>
      <div className="state-line">
        State: <strong className={`state-${detail.state}`}>{detail.state}</strong>
        {detail.error ? <span className="error"> — {detail.error}</span> : null} · collect{' '}
        {duration(detail.timings.collectMs)} · rules {duration(detail.timings.rulesMs)} · LLM{' '}
        {duration(detail.timings.llmMs)}
      </div>
      {detail.state === 'diagnosing' && streaming ? (
        <div className="streaming">
          <h3>LLM is analysing…</h3>
          <pre>{streaming}</pre>
        </div>
      ) : null}
      {detail.report ? <ReportView report={detail.report} /> : <p className="state-screen">No report yet.</p>}
      {detail.context?.gaps.length ? (
        <div className="gaps">
          <h3>Could not collect</h3>
          <ul>
            {detail.context.gaps.map((g) => (
              <li key={`${g.what}-${g.reason}`}>
                <strong>{g.what}</strong>: {g.reason}
                {g.fix ? <em> — {g.fix}</em> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <details className="labels">
        <summary>Labels and annotations</summary>
        <table>
          <tbody>
            {Object.entries({ ...a.labels }).map(([k, v]) => (
              <tr key={`l-${k}`}>
                <th>{k}</th>
                <td>{v}</td>
              </tr>
            ))}
            {Object.entries(a.annotations).map(([k, v]) => (
              <tr key={`a-${k}`}>
                <th>{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
