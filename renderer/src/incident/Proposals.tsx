import { type ActionRecord, actionCommand } from '../../../shared/action.ts';
import { auditHash } from '../../../shared/routes.ts';
import type { Client } from '../client.ts';
import { useI18n } from '../i18n/index.tsx';
import { CopyButton } from '../ui/CopyButton.tsx';
import { ago } from '../ui/format.ts';
import { Prose } from '../ui/Prose.tsx';
import { useRunner } from '../ui/useRunner.ts';
import type { PanelProps } from './Actions.tsx';

function ActionItem({ a, client, onDone }: { a: ActionRecord; client: Client; onDone(): void }) {
  const { t, lang } = useI18n();
  const {
    busy,
    error,
    run: decide,
  } = useRunner(onDone, (action, error) => t('act.failed', { action, error }));
  const command = actionCommand(a.action);
  return (
    <li className={`proposal proposal-${a.state}`} data-action-id={a.id} data-action-state={a.state}>
      <div className="proposal-head">
        <span className="proposal-reason">
          <Prose text={a.reason} />
        </span>
        <span className={`badge act-state act-${a.state}`}>{t(`act.state.${a.state}`)}</span>
      </div>
      <div className="proposal-meta muted small">
        {t(`act.source.${a.source}`)} · {t('act.mode', { mode: a.mode })}
        {a.decidedBy ? ` · ${t('act.decidedBy', { by: a.decidedBy })}` : ''}
        {a.decidedAt ? ` · ${ago(a.decidedAt, lang)}` : ''}
      </div>
      {a.stateReason ? (
        <p className={a.state === 'failed' || a.state === 'refused' ? 'error' : 'muted'}>
          {t('act.why', { reason: a.stateReason })}
        </p>
      ) : null}
      {a.dryRun ? <p className="muted small">{t('act.dryRun', { text: a.dryRun })}</p> : null}
      {a.outcome ? (
        <p className={a.state === 'done' ? 'ok' : 'muted'}>{t('act.outcome', { text: a.outcome })}</p>
      ) : null}
      {a.state === 'suggested' ? (
        <div className="command">
          <span className="muted small">{t('act.manual')}</span> <code>{command}</code>
          {command.includes('<') ? null : <CopyButton text={command} label={command} />}
        </div>
      ) : null}
      {a.state === 'pending' ? (
        <div className="proposal-buttons">
          <button
            type="button"
            className="primary"
            disabled={busy !== null}
            data-action="approve"
            onClick={() => decide(t('act.approve'), () => client.api.approveAction({ id: a.id }))}
          >
            {busy ? t('act.busy') : t('act.approve')}
          </button>
          <button
            type="button"
            disabled={busy !== null}
            data-action="reject"
            onClick={() => decide(t('act.reject'), () => client.api.rejectAction({ id: a.id }))}
          >
            {t('act.reject')}
          </button>
          <span className="muted small">{t('act.note.approve')}</span>
        </div>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** The report's proposed first aid: its mode under the policy, what happened, and Approve / Reject. */
export function Proposals({ detail, client, onDone }: PanelProps) {
  const { t } = useI18n();
  const dropped = detail.report?.droppedActions ?? [];
  if (!detail.actions.length && !dropped.length) return null;
  return (
    <section className="card proposals" aria-label={t('act.title')} data-proposals={detail.actions.length}>
      <h3>{t('act.title')}</h3>
      <ul>
        {detail.actions.map((a) => (
          <ActionItem key={a.id} a={a} client={client} onDone={onDone} />
        ))}
      </ul>
      {dropped.length ? (
        <details className="dropped">
          <summary className="muted small">{t('act.dropped', { n: dropped.length })}</summary>
          <ul>
            {dropped.map((d) => (
              <li key={`${d.action}:${d.reason}`} className="small">
                <code>{d.action}</code> — {d.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <a className="small" href={auditHash(detail.id)}>
        {t('act.auditLink')} →
      </a>
    </section>
  );
}
