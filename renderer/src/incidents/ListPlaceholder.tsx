import type { ClientError } from '../client.ts';
import { useT } from '../i18n/index.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';

/**
 * What the list pane shows when it has no rows (incidents or groups): why it could not load, with a
 * retry; that nothing matches the filters, with a way out; or, on a fresh install, where to send alerts.
 */
export function ListPlaceholder(p: {
  error: ClientError | null;
  filtered: boolean;
  onRetry(): void;
  onClearFilters(): void;
}) {
  const t = useT();
  if (p.error) {
    return (
      <section className="list">
        <EmptyState
          tone="error"
          title={t('list.errorTitle')}
          action={
            <button type="button" onClick={p.onRetry}>
              {t('list.retry')}
            </button>
          }
        >
          <p>{p.error.status === 401 ? t('list.unauthorizedBody') : p.error.message}</p>
        </EmptyState>
      </section>
    );
  }
  return (
    <section className="list">
      {p.filtered ? (
        <EmptyState
          title={t('list.noMatchTitle')}
          action={
            <button type="button" onClick={p.onClearFilters}>
              {t('list.filter.clear')}
            </button>
          }
        >
          <p>{t('list.noMatchBody')}</p>
        </EmptyState>
      ) : (
        <EmptyState title={t('list.emptyTitle')}>
          <p>{t('list.emptyBody')}</p>
          <p className="muted">{t('list.emptyWebhook')}</p>
          <code className="block">{`${window.location.origin.startsWith('http') ? window.location.origin : 'http://127.0.0.1:9095'}/webhook/alertmanager`}</code>
        </EmptyState>
      )}
    </section>
  );
}
