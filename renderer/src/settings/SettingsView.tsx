import { useEffect, useState } from 'react';
import type { KubeContexts, OllamaCheck, SettingsView as Settings } from '../../../shared/settings.ts';
import { useT } from '../i18n/index.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { AlertmanagersSection } from './AlertmanagersSection.tsx';
import { PolicySection } from './PolicySection.tsx';
import { Field, Section, type SectionProps } from './Section.tsx';

function KubeSection(p: SectionProps) {
  const t = useT();
  const [kubeconfig, setKubeconfig] = useState(p.settings.kubeconfig ?? '');
  const [context, setContext] = useState(p.settings.context ?? '');
  const [contexts, setContexts] = useState<KubeContexts | null>(null);
  const read = async () => {
    try {
      setContexts(await p.client.api.listKubeContexts({ kubeconfig: kubeconfig.trim() || undefined }));
    } catch (err) {
      setContexts({ files: [], contexts: [], current: null, error: (err as Error).message });
    }
  };
  return (
    <Section
      id="kube"
      title={t('settings.kube')}
      {...p}
      patch={() => ({ kubeconfig: kubeconfig.trim() || null, context: context || null })}
    >
      <Field label={t('settings.kubeconfig')} hint={t('settings.kubeconfigHint')}>
        <div className="row-input">
          <input
            name="kubeconfig"
            value={kubeconfig}
            onChange={(e) => setKubeconfig(e.target.value)}
            placeholder="~/.kube/config"
          />
          <button type="button" onClick={read}>
            {t('settings.loadContexts')}
          </button>
        </div>
      </Field>
      {contexts?.error ? (
        <p className="error">{t('settings.contextsError', { error: contexts.error })}</p>
      ) : null}
      <Field label={t('settings.context')}>
        {contexts && !contexts.error ? (
          <select name="context" value={context} onChange={(e) => setContext(e.target.value)}>
            <option value="">{t('settings.currentContext', { name: contexts.current ?? '–' })}</option>
            {contexts.contexts.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} — {c.cluster}
                {c.server ? ` (${c.server})` : ''}
              </option>
            ))}
          </select>
        ) : (
          <input
            name="context"
            value={context}
            onChange={(e) => setContext(e.target.value)}
            onFocus={() => contexts ?? void read()}
          />
        )}
      </Field>
    </Section>
  );
}

function OllamaSection(p: SectionProps) {
  const t = useT();
  const [llm, setLlm] = useState(p.settings.llm);
  const [host, setHost] = useState(p.settings.ollamaHost);
  const [model, setModel] = useState(p.settings.model);
  const [check, setCheck] = useState<OllamaCheck | null>(null);
  const [testing, setTesting] = useState(false);
  const test = async () => {
    setTesting(true);
    try {
      setCheck(await p.client.api.testOllama({ host, model }));
    } catch (err) {
      setCheck({
        ok: false,
        host,
        version: null,
        models: [],
        modelPresent: false,
        error: (err as Error).message,
      });
    } finally {
      setTesting(false);
    }
  };
  return (
    <Section
      id="ollama"
      title={t('settings.ollama')}
      {...p}
      patch={() => ({ llm, ollamaHost: host.trim(), model: model.trim() })}
      extra={
        <button type="button" onClick={test} disabled={testing} data-action="test-ollama">
          {testing ? t('settings.testing') : t('settings.test')}
        </button>
      }
    >
      <label className="check">
        <input type="checkbox" checked={llm} onChange={(e) => setLlm(e.target.checked)} />{' '}
        {t('settings.llmEnabled')}
      </label>
      <Field label={t('settings.ollamaHost')}>
        <input
          name="ollamaHost"
          value={host}
          onChange={(e) => setHost(e.target.value)}
          placeholder="http://127.0.0.1:11434"
        />
      </Field>
      <Field label={t('settings.model')}>
        <input name="model" value={model} onChange={(e) => setModel(e.target.value)} list="ollama-models" />
      </Field>
      <datalist id="ollama-models">
        {check?.models.map((m) => (
          <option key={m.name} value={m.name} />
        ))}
      </datalist>
      {check ? (
        <div className={`check-result ${check.ok && check.modelPresent ? 'ok' : 'bad'}`} role="status">
          {check.ok ? (
            <p>{t('settings.testOk', { version: check.version ?? '?', n: check.models.length })}</p>
          ) : null}
          {check.error ? <p className="error">{check.error}</p> : null}
          {check.models.length ? (
            <>
              <p className="muted small">{t('settings.models')}</p>
              <ul className="chips">
                {check.models.map((m) => (
                  <li key={m.name}>
                    <button
                      type="button"
                      className={m.name === model ? 'chip on' : 'chip'}
                      onClick={() => setModel(m.name)}
                    >
                      {m.name}
                      {m.parameterSize ? <span className="muted"> {m.parameterSize}</span> : null}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}

function NotificationsSection(p: SectionProps) {
  const t = useT();
  const [n, setN] = useState(p.settings.notifications);
  return (
    <Section
      id="notifications"
      title={t('settings.notifications')}
      note={t('settings.desktopOnly')}
      {...p}
      patch={() => ({ notifications: n })}
    >
      <label className="check">
        <input
          type="checkbox"
          checked={n.enabled}
          onChange={(e) => setN({ ...n, enabled: e.target.checked })}
        />{' '}
        {t('settings.notifyEnabled')}
      </label>
      <Field label={t('settings.minSeverity')}>
        <select
          value={n.minSeverity}
          onChange={(e) => setN({ ...n, minSeverity: e.target.value as typeof n.minSeverity })}
        >
          {(['critical', 'warning', 'info'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`severity.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={n.quietHours.enabled}
          onChange={(e) => setN({ ...n, quietHours: { ...n.quietHours, enabled: e.target.checked } })}
        />{' '}
        {t('settings.quietHours')}
      </label>
      <div className="row-input">
        <span>{t('settings.from')}</span>
        <input
          type="time"
          aria-label={`${t('settings.quietHours')} ${t('settings.from')}`}
          value={n.quietHours.start}
          onChange={(e) => setN({ ...n, quietHours: { ...n.quietHours, start: e.target.value } })}
        />
        <span>{t('settings.to')}</span>
        <input
          type="time"
          aria-label={`${t('settings.quietHours')} ${t('settings.to')}`}
          value={n.quietHours.end}
          onChange={(e) => setN({ ...n, quietHours: { ...n.quietHours, end: e.target.value } })}
        />
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={n.launchAtLogin}
          onChange={(e) => setN({ ...n, launchAtLogin: e.target.checked })}
        />{' '}
        {t('settings.launchAtLogin')}
      </label>
    </Section>
  );
}

function LanguageSection(p: SectionProps) {
  const t = useT();
  const [language, setLanguage] = useState(p.settings.language);
  return (
    <Section id="language" title={t('settings.language')} {...p} patch={() => ({ language })}>
      <select
        aria-label={t('settings.language')}
        value={language}
        onChange={(e) => setLanguage(e.target.value as typeof language)}
      >
        <option value="auto">{t('settings.lang.auto')}</option>
        <option value="en">English</option>
        <option value="zh">中文</option>
      </select>
    </Section>
  );
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function ServerSection(p: SectionProps) {
  const t = useT();
  const [port, setPort] = useState(String(p.settings.port));
  const [token, setToken] = useState('');
  return (
    <Section
      id="server"
      title={t('settings.server')}
      note={t('settings.listen', { host: p.settings.host })}
      {...p}
      patch={() => ({ port: Number(port), ...(token ? { token } : {}) })}
    >
      <Field label={t('settings.port')}>
        <input name="port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} />
      </Field>
      <Field
        label={t('settings.token')}
        hint={
          p.settings.token.set ? t('settings.tokenSet', { hint: p.settings.token.hint ?? '…' }) : undefined
        }
      >
        <div className="row-input">
          <input
            name="token"
            value={token}
            autoComplete="off"
            spellCheck={false}
            placeholder={t('settings.tokenNew')}
            onChange={(e) => setToken(e.target.value)}
          />
          <button type="button" onClick={() => setToken(randomToken())}>
            {t('settings.generate')}
          </button>
        </div>
      </Field>
      {token ? <p className="muted small">{t('settings.tokenNote')}</p> : null}
    </Section>
  );
}

function SecretInput({
  name,
  label,
  view,
  value,
  onChange,
  onClear,
}: {
  name: string;
  label: string;
  view: Settings['feishu']['webhook'];
  value: string;
  onChange(v: string): void;
  onClear(): void;
}) {
  const t = useT();
  const placeholder = view.set
    ? view.hint
      ? t('settings.secretSet', { hint: view.hint })
      : t('settings.secretSetNoHint')
    : t('settings.secretUnset');
  return (
    <Field label={label}>
      <div className="row-input">
        <input
          name={name}
          type="password"
          autoComplete="off"
          value={value}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value)}
        />
        {view.set ? (
          <button type="button" onClick={onClear}>
            {t('settings.clear')}
          </button>
        ) : null}
      </div>
    </Field>
  );
}

/**
 * Feishu: the bot's webhook, secret and keyword, and a test message that proves them before an
 * incident does. The keyword is no secret (every card prints it): it is shown and edited in full.
 */
function FeishuSection(p: SectionProps) {
  const t = useT();
  const [webhook, setWebhook] = useState('');
  const [secret, setSecret] = useState('');
  const [keyword, setKeyword] = useState(p.settings.feishu.keyword ?? '');
  const [clear, setClear] = useState<{ webhook?: boolean; secret?: boolean }>({});
  const [test, setTest] = useState<{ busy?: boolean; ok?: boolean; message?: string; fix?: string }>({});
  const sendTest = async () => {
    setTest({ busy: true });
    try {
      setTest(
        await p.client.api.testFeishu({
          webhook: webhook.trim() || undefined,
          secret: secret || undefined,
          keyword: keyword.trim(),
        }),
      );
    } catch (err) {
      setTest({ ok: false, message: (err as Error).message });
    }
  };
  return (
    <Section
      id="feishu"
      title={t('settings.feishu')}
      note={t('settings.feishuNote')}
      extra={
        <>
          <button
            type="button"
            onClick={() => void sendTest()}
            disabled={test.busy}
            data-action="feishu-test"
          >
            {test.busy ? t('settings.feishuTesting') : t('settings.feishuTest')}
          </button>
          {test.message ? (
            <span
              className={test.ok ? 'saved' : 'error'}
              role="status"
              data-feishu-test={test.ok ? 'ok' : 'failed'}
            >
              {test.ok ? '✓ ' : ''}
              {test.message}
              {test.fix ? ` — ${test.fix}` : ''}
            </span>
          ) : null}
        </>
      }
      {...p}
      onSaved={(v) => {
        setWebhook('');
        setSecret('');
        setClear({});
        p.onSaved(v);
      }}
      patch={() => {
        const patch: Record<string, string | null> = {};
        if (webhook) patch.feishuWebhook = webhook.trim();
        else if (clear.webhook) patch.feishuWebhook = null;
        if (secret) patch.feishuSecret = secret;
        else if (clear.secret) patch.feishuSecret = null;
        if (keyword.trim() !== (p.settings.feishu.keyword ?? ''))
          patch.feishuKeyword = keyword.trim() || null;
        return Object.keys(patch).length ? patch : null;
      }}
    >
      <SecretInput
        name="feishuWebhook"
        label={t('settings.feishuWebhook')}
        view={clear.webhook ? { set: false, hint: null } : p.settings.feishu.webhook}
        value={webhook}
        onChange={setWebhook}
        onClear={() => setClear({ ...clear, webhook: true })}
      />
      <SecretInput
        name="feishuSecret"
        label={t('settings.feishuSecret')}
        view={clear.secret ? { set: false, hint: null } : p.settings.feishu.secret}
        value={secret}
        onChange={setSecret}
        onClear={() => setClear({ ...clear, secret: true })}
      />
      <Field label={t('settings.feishuKeyword')} hint={t('settings.feishuKeywordHint')}>
        <input
          name="feishuKeyword"
          value={keyword}
          maxLength={64}
          autoComplete="off"
          onChange={(e) => setKeyword(e.target.value)}
        />
      </Field>
    </Section>
  );
}

export function SettingsView({
  settings,
  error,
  ...rest
}: Omit<SectionProps, 'settings'> & { settings: Settings | null; error: string | null }) {
  const t = useT();
  // Read afresh each time the page opens: another window or tab may have changed them since the app
  // loaded, and a section saved from a stale copy would put the old values back. The fresh copy goes to
  // the app like a save's answer does; if the read fails, the copy read at start is shown.
  const [read, setRead] = useState(false);
  const { client, onSaved } = rest;
  useEffect(() => {
    let open = true;
    client.api
      .getSettings({})
      .then(onSaved, () => {})
      .finally(() => open && setRead(true));
    return () => {
      open = false;
    };
  }, [client, onSaved]);
  const current = read ? settings : null;
  if (!current) {
    return (
      <main className="settings">
        {error ? (
          <EmptyState tone="error" title={t('settings.loadError', { error })} />
        ) : (
          <p className="loading-screen">{t('detail.loading')}</p>
        )}
      </main>
    );
  }
  const p = { settings: current, ...rest };
  return (
    <main className="settings" aria-label={t('settings.title')}>
      <div className="settings-head">
        <h2>{t('settings.title')}</h2>
        <p className="muted small">
          {t('settings.dataDir', { dir: current.dataDir })} ·{' '}
          {t(`settings.secretStorage.${current.secretStorage}`)}
        </p>
        {current.pendingRestart.length ? (
          <p className="note">{t('settings.restart', { fields: current.pendingRestart.join(', ') })}</p>
        ) : null}
      </div>
      <div className="settings-grid">
        <KubeSection {...p} />
        <OllamaSection {...p} />
        <NotificationsSection {...p} />
        <LanguageSection {...p} />
        <ServerSection {...p} />
        <FeishuSection {...p} />
        <AlertmanagersSection {...p} />
        <PolicySection client={p.client} />
      </div>
    </main>
  );
}
