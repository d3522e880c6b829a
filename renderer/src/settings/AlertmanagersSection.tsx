import { useCallback, useEffect, useState } from 'react';
import type { AlertmanagerSourceView, SourceStatus } from '../../../shared/alertmanager.ts';
import type { SettingsPatch } from '../../../shared/settings.ts';
import type { Client } from '../client.ts';
import { useI18n } from '../i18n/index.tsx';
import { ago, exact } from '../ui/format.ts';
import { Field, Section, type SectionProps } from './Section.tsx';

/** One source as the form edits it; credentials are only ever typed in, never shown. */
interface Row {
  key: number;
  view: AlertmanagerSourceView | null;
  name: string;
  target: string;
  token: string;
  clearToken: boolean;
  user: string;
  password: string;
  interval: string;
  filter: string;
}

let nextKey = 1;
const rowOf = (v: AlertmanagerSourceView): Row => ({
  key: nextKey++,
  view: v,
  name: v.name,
  target: v.url ?? v.service ?? '',
  token: '',
  clearToken: false,
  user: v.basicAuth?.username ?? '',
  password: '',
  interval: String(v.intervalSeconds),
  filter: v.filter.join('\n'),
});

/** The row as Settings saves it: settings it does not edit are kept as they were. */
export function patchOf(r: Row): NonNullable<SettingsPatch['alertmanagers']>[number] {
  const target = r.target.trim();
  const { bearerToken: _t, basicAuth: _b, url: _u, service: _s, ...kept } = r.view ?? {};
  return {
    // A new source starts from the engine's defaults.
    active: true,
    silenced: false,
    inhibited: false,
    timeoutSeconds: 10,
    restartGraceSeconds: 90,
    ...kept,
    ...(r.name.trim() ? { name: r.name.trim() } : {}),
    ...(/^https?:\/\//i.test(target) ? { url: target } : { service: target }),
    intervalSeconds: Number(r.interval) || 15,
    filter: r.filter
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    ...(r.token ? { bearerToken: r.token } : r.clearToken ? { bearerToken: null } : {}),
    ...(r.user.trim()
      ? { basicAuth: { username: r.user.trim(), ...(r.password ? { password: r.password } : {}) } }
      : r.view?.basicAuth
        ? { basicAuth: null }
        : {}),
  };
}

/** Per-source state, refreshed while Settings is open; the returned function refreshes at once. */
function useSourceStatus(client: Client): [SourceStatus[], () => void] {
  const [sources, setSources] = useState<SourceStatus[]>([]);
  const load = useCallback(
    () =>
      client.api.getStatus({}).then(
        (s) => setSources(s.sources),
        () => {},
      ),
    [client],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(load, 3_000);
    return () => clearInterval(timer);
  }, [load]);
  return [sources, () => void load()];
}

function SourceState({ s, client, onPolled }: { s: SourceStatus; client: Client; onPolled(): void }) {
  const { t, lang } = useI18n();
  return (
    <div className={`source-status state-${s.state}`} data-source-status={s.name} data-state={s.state}>
      <span className={`chip state-${s.state}`}>{t(`settings.amState.${s.state}`)}</span>{' '}
      {s.lastPollAt ? (
        <span className="muted small" title={exact(s.lastPollAt)}>
          {t('settings.amStatus', { ago: ago(s.lastPollAt, lang), alerts: s.alerts, firing: s.firing })}
          {s.version ? ` · Alertmanager ${s.version}` : ''}
        </span>
      ) : null}
      {s.lastError ? (
        <p className="error small" data-source-error="">
          {s.lastError}
        </p>
      ) : null}
      {s.state === 'failing' ? (
        <p className="muted small">
          {t('settings.amBackoff', { failures: s.failures, next: s.nextPollAt ? exact(s.nextPollAt) : '–' })}{' '}
          <button
            type="button"
            onClick={() => void client.api.pollSources({ name: s.name }).then(onPolled, onPolled)}
          >
            {t('settings.amRetry')}
          </button>
        </p>
      ) : null}
    </div>
  );
}

/** The Alertmanagers polled in pull mode: add, edit, remove, and how each is doing. */
export function AlertmanagersSection(p: SectionProps) {
  const { t } = useI18n();
  const [rows, setRows] = useState<Row[]>(() => p.settings.alertmanagers.map(rowOf));
  const [status, refresh] = useSourceStatus(p.client);
  const set = (key: number, change: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const blank = (): Row => ({
    key: nextKey++,
    view: null,
    name: '',
    target: '',
    token: '',
    clearToken: false,
    user: '',
    password: '',
    interval: '15',
    filter: '',
  });
  return (
    <Section
      id="alertmanagers"
      title={t('settings.alertmanagers')}
      note={t('settings.alertmanagersNote')}
      {...p}
      onSaved={(v) => {
        setRows(v.alertmanagers.map(rowOf));
        p.onSaved(v);
        refresh();
      }}
      patch={() => ({ alertmanagers: rows.map(patchOf) })}
      extra={
        <button
          type="button"
          onClick={() => setRows((rs) => [...rs, blank()])}
          data-action="add-alertmanager"
        >
          {t('settings.amAdd')}
        </button>
      }
    >
      {rows.length === 0 ? <p className="muted">{t('settings.amNone')}</p> : null}
      {rows.map((r, i) => {
        const s = r.view ? status.find((x) => x.name === r.view!.name) : undefined;
        return (
          <fieldset className="source-row" key={r.key} data-source-row={i}>
            <div className="row-input">
              <Field label={t('settings.amName')}>
                <input
                  name={`am-name-${i}`}
                  value={r.name}
                  onChange={(e) => set(r.key, { name: e.target.value })}
                  placeholder="prod"
                />
              </Field>
              <Field label={t('settings.amTarget')}>
                <input
                  name={`am-target-${i}`}
                  value={r.target}
                  onChange={(e) => set(r.key, { target: e.target.value })}
                  placeholder="http://alertmanager:9093 · monitoring/alertmanager-main:web"
                />
              </Field>
              <Field label={t('settings.amInterval')}>
                <input
                  name={`am-interval-${i}`}
                  inputMode="numeric"
                  value={r.interval}
                  onChange={(e) => set(r.key, { interval: e.target.value })}
                />
              </Field>
            </div>
            <div className="row-input">
              <Field label={t('settings.amToken')}>
                <input
                  name={`am-token-${i}`}
                  type="password"
                  autoComplete="off"
                  value={r.token}
                  placeholder={
                    r.view?.bearerToken.set && !r.clearToken
                      ? t('settings.secretSet', { hint: r.view.bearerToken.hint ?? '…' })
                      : t('settings.secretUnset')
                  }
                  onChange={(e) => set(r.key, { token: e.target.value })}
                />
              </Field>
              <Field label={t('settings.amUser')}>
                <input
                  name={`am-user-${i}`}
                  autoComplete="off"
                  value={r.user}
                  onChange={(e) => set(r.key, { user: e.target.value })}
                />
              </Field>
              <Field label={t('settings.amPassword')}>
                <input
                  name={`am-password-${i}`}
                  type="password"
                  autoComplete="off"
                  value={r.password}
                  placeholder={r.view?.basicAuth?.password.set ? t('settings.secretSetNoHint') : ''}
                  onChange={(e) => set(r.key, { password: e.target.value })}
                />
              </Field>
            </div>
            <Field label={t('settings.amFilter')}>
              <textarea
                name={`am-filter-${i}`}
                rows={2}
                value={r.filter}
                onChange={(e) => set(r.key, { filter: e.target.value })}
              />
            </Field>
            <div className="row-input">
              {s ? <SourceState s={s} client={p.client} onPolled={refresh} /> : <span className="spacer" />}
              {r.view?.bearerToken.set && !r.clearToken ? (
                <button type="button" onClick={() => set(r.key, { clearToken: true, token: '' })}>
                  {t('settings.clear')} {t('settings.amToken')}
                </button>
              ) : null}
              <button
                type="button"
                onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                data-action="remove-alertmanager"
              >
                {t('settings.amRemove')}
              </button>
            </div>
          </fieldset>
        );
      })}
    </Section>
  );
}
