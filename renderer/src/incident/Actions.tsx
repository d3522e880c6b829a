import { useState } from 'react';
import type { IncidentDetail } from '../../../shared/incident.ts';
import type { Client } from '../client.ts';
import { useI18n, useT } from '../i18n/index.tsx';
import { CopyButton } from '../ui/CopyButton.tsx';
import { ExternalLink } from '../ui/ExternalLink.tsx';
import { ago, exact, safeHref } from '../ui/format.ts';
import { useRunner } from '../ui/useRunner.ts';

/** Silence lengths offered with an ack (minutes); 0 acknowledges without a silence. */
export const SILENCE_CHOICES = [0, 30, 60, 120, 240, 480, 1440] as const;

/** Alertmanager's own view of the alert: its alerts page filtered on the alert's identifying labels. */
export function alertmanagerUrl(d: IncidentDetail): string | null {
  const base = safeHref(d.alert.externalURL);
  if (!base) return null;
  const keys = ['alertname', 'namespace', 'pod', 'deployment', 'node', 'job', 'cluster'];
  const matchers = keys
    .filter((k) => d.alert.labels[k])
    .map((k) => `${k}="${d.alert.labels[k]!.replace(/["\\]/g, '\\$&')}"`)
    .join(',');
  return `${base.replace(/\/+$/, '')}/#/alerts?silenced=false&inhibited=false&active=true&filter=${encodeURIComponent(`{${matchers}}`)}`;
}

/** What every panel of an incident's actions gets: the incident, the API, and a refresh when done. */
export interface PanelProps {
  detail: IncidentDetail;
  client: Client;
  onDone(): void;
}

export function Actions({ detail, client, onDone }: PanelProps) {
  const { t, lang } = useI18n();
  const { busy, error, run } = useRunner(onDone, (action, error) => t('action.failed', { action, error }));
  const [silenceMinutes, setSilenceMinutes] = useState<number>(0);
  // Why the ack made no silence (no Alertmanager known, none reachable): said, not thrown.
  const [notice, setNotice] = useState<string | null>(null);
  const id = detail.id;
  const silence = detail.silence;
  const silenceActive = silence && !silence.expiredAt && Date.parse(silence.endsAt) > Date.now();
  const finished = ['ready', 'failed', 'cancelled'].includes(detail.state);
  const falsePositive = detail.feedback.some((f) => f.verdict === 'false_positive');
  const am = alertmanagerUrl(detail);
  const runbook = safeHref(detail.alert.annotations.runbook_url ?? detail.alert.annotations.runbook);
  return (
    <div className="actions">
      <button
        type="button"
        className="primary"
        disabled={busy !== null || Boolean(detail.ackedAt)}
        onClick={() =>
          run(t('action.ack'), async () => {
            setNotice(null);
            const r = await client.api.ackIncident({ id, ...(silenceMinutes ? { silenceMinutes } : {}) });
            setNotice(r.silenceError);
          })
        }
        data-action="ack"
      >
        {detail.ackedAt ? `✓ ${t('detail.acked', { ago: ago(detail.ackedAt, lang) })}` : t('action.ack')}
      </button>
      {detail.ackedAt ? (
        <button
          type="button"
          disabled={busy !== null}
          onClick={() =>
            run(t('action.unack'), async () => {
              setNotice(null);
              await client.api.unackIncident({ id });
            })
          }
          data-action="unack"
        >
          {t('action.unack')}
        </button>
      ) : (
        <select
          aria-label={t('action.silenceFor')}
          title={t('action.silenceFor')}
          value={silenceMinutes}
          onChange={(e) => setSilenceMinutes(Number(e.target.value))}
          data-action="silence-minutes"
        >
          {SILENCE_CHOICES.map((m) => (
            <option key={m} value={m}>
              {m === 0
                ? t('action.silenceNone')
                : `${t('action.silenceFor')}: ${m < 60 ? t('action.minutes', { n: m }) : t('action.hours', { n: m / 60 })}`}
            </option>
          ))}
        </select>
      )}
      <button
        type="button"
        disabled={busy !== null || falsePositive}
        onClick={() =>
          run(t('action.falsePositive'), () => client.api.submitFeedback({ id, verdict: 'false_positive' }))
        }
        data-action="false-positive"
      >
        {falsePositive ? t('action.markedFalsePositive') : t('action.falsePositive')}
      </button>
      <button
        type="button"
        disabled={busy !== null || !finished}
        onClick={() => run(t('action.reanalyze'), () => client.api.reanalyze({ id }))}
        data-action="reanalyze"
      >
        {t('action.reanalyze')}
      </button>
      {detail.report ? (
        <CopyButton
          className=""
          caption={t('action.copyMarkdown')}
          action="copy-markdown"
          text={async () => (await client.api.exportReport({ id })).content}
        />
      ) : null}
      {am ? (
        <ExternalLink className="button" href={am}>
          {t('action.alertmanager')} ↗
        </ExternalLink>
      ) : null}
      {runbook ? (
        <ExternalLink className="button" href={runbook}>
          {t('action.runbook')} ↗
        </ExternalLink>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p className="warning-text" role="status" data-silence-error="">
          {notice}
        </p>
      ) : null}
      {silence ? (
        <p className="muted small silence-line" data-silence={silenceActive ? 'active' : 'expired'}>
          {silence.expiredAt
            ? t('action.silenceExpired', { id: silence.id.slice(0, 8), ago: ago(silence.expiredAt, lang) })
            : t('action.silenced', {
                am: silence.alertmanager,
                until: exact(silence.endsAt),
                id: silence.id.slice(0, 8),
              })}
        </p>
      ) : null}
    </div>
  );
}

export function Feedback({ detail, client, onDone }: PanelProps) {
  const t = useT();
  const [note, setNote] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const last = detail.feedback.filter((f) => f.verdict !== 'false_positive').at(-1);
  const send = async (verdict: 'right' | 'wrong') => {
    setError(null);
    try {
      await client.api.submitFeedback({ id: detail.id, verdict, note: note.trim() || undefined });
      setSent(verdict);
      setNote('');
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const shown = sent ?? last?.verdict ?? null;
  return (
    <div className="feedback">
      <span className="feedback-title">{t('feedback.title')}</span>
      <button type="button" onClick={() => send('right')} aria-pressed={shown === 'right'}>
        ✓ {t('feedback.right')}
      </button>
      <button type="button" onClick={() => send('wrong')} aria-pressed={shown === 'wrong'}>
        ✗ {t('feedback.wrong')}
      </button>
      <input
        type="text"
        maxLength={4000}
        value={note}
        placeholder={t('feedback.note')}
        aria-label={t('feedback.note')}
        onChange={(e) => setNote(e.target.value)}
      />
      {shown ? (
        <span className="muted small">
          {t('feedback.thanks', { verdict: t(`feedback.verdict.${shown as 'right' | 'wrong'}`) })}
        </span>
      ) : null}
      {error ? <span className="error">{error}</span> : null}
    </div>
  );
}
