import type { Delivery } from '../../../shared/delivery.ts';
import { useT } from '../i18n/index.tsx';

/** Where the report was mirrored, and — for a card Feishu refused — what went wrong and how to fix it. */
export function Deliveries({ deliveries }: { deliveries: Delivery[] }) {
  const t = useT();
  return (
    <section className="card deliveries" aria-label={t('feishu.title')}>
      <h3>{t('feishu.title')}</h3>
      <ul>
        {deliveries.map((d) => (
          <li key={d.id} className={`delivery delivery-${d.status}`} data-delivery={d.status}>
            <span className="route">{d.route}</span> · {t(`feishu.kind.${d.kind}`)} ·{' '}
            <strong>{t(`feishu.status.${d.status}`)}</strong>
            {d.attempts > 1 ? (
              <span className="muted"> · {t('feishu.attempts', { n: d.attempts })}</span>
            ) : null}
            {d.lastError && d.status !== 'sent' ? (
              <div className={d.status === 'failed' ? 'error' : 'muted'}>
                {d.lastError}
                {d.fix ? ` — ${d.fix}` : ''}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
