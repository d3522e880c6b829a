import type { IncidentDetail } from '../../../../shared/incident.ts';
import { useT } from '../../i18n/index.tsx';
import { duration, exact } from '../../ui/format.ts';

function Pairs({ title, map }: { title: string; map: Record<string, string> }) {
  const entries = Object.entries(map);
  if (!entries.length) return null;
  return (
    <>
      <h4>{title}</h4>
      <table className="kv-table labels">
        <tbody>
          {entries.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td className="pre-wrap">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The alert itself: labels, annotations (as text, whatever they contain), times and timings. */
export function AlertTab({ detail }: { detail: IncidentDetail }) {
  const t = useT();
  const a = detail.alert;
  const tm = detail.timings;
  return (
    <div className="tab-body">
      <Pairs title={t('alert.labels')} map={a.labels} />
      <Pairs title={t('alert.annotations')} map={a.annotations} />
      <h4>{t('alert.times')}</h4>
      <table className="kv-table">
        <tbody>
          <tr>
            <th>{t('alert.startsAt')}</th>
            <td>{exact(a.startsAt)}</td>
          </tr>
          <tr>
            <th>{t('alert.receivedAt')}</th>
            <td>{exact(detail.receivedAt)}</td>
          </tr>
          {a.endsAt ? (
            <tr>
              <th>{t('alert.endsAt')}</th>
              <td>{exact(a.endsAt)}</td>
            </tr>
          ) : null}
          {a.generatorURL ? (
            <tr>
              <th>{t('alert.generator')}</th>
              <td className="small pre-wrap">{a.generatorURL}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <p className="muted small">
        {t('timing.line', {
          collect: duration(tm.collectMs),
          rules: duration(tm.rulesMs),
          llm: duration(tm.llmMs),
          total: duration(tm.totalMs),
        })}
      </p>
    </div>
  );
}
