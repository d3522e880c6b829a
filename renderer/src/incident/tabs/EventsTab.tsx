import type { Context } from '../../../../shared/context.ts';
import { useI18n } from '../../i18n/index.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ago, exact } from '../../ui/format.ts';

export function EventsTab({ ctx }: { ctx: Context }) {
  const { t, lang } = useI18n();
  if (!ctx.events.length) return <EmptyState title={t('events.none')} />;
  return (
    <div className="tab-body">
      <table className="kv-table events">
        <thead>
          <tr>
            <th>{t('events.type')}</th>
            <th>{t('events.reason')}</th>
            <th>{t('events.message')}</th>
            <th>{t('events.count')}</th>
            <th>{t('events.lastSeen')}</th>
          </tr>
        </thead>
        <tbody>
          {ctx.events.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: event refs are positions (event/<i>)
            <tr key={i} data-ref={`event/${i}`} className={e.type === 'Warning' ? 'warn-row' : ''}>
              <td>{e.type}</td>
              <td>
                <strong>{e.reason}</strong>
                <div className="small muted">{e.object}</div>
              </td>
              <td className="msg">{e.message}</td>
              <td>{e.count}</td>
              <td title={exact(e.lastSeen)}>{ago(e.lastSeen ?? null, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
