import { type FormEvent, useEffect, useState } from 'react';
import type { PolicyView } from '../../../shared/policy.ts';
import type { Client } from '../client.ts';
import { useT } from '../i18n/index.tsx';

/**
 * The remediation policy as YAML, edited in place. The engine validates it (the same check as a file
 * given with --policy): a refusal names the line and the reason, and the policy in force stays.
 */
export function PolicySection({ client }: { client: Client }) {
  const t = useT();
  const [view, setView] = useState<PolicyView | null>(null);
  const [text, setText] = useState('');
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.api.getPolicy({}).then(
      (v) => {
        setView(v);
        setText(v.text);
      },
      (err: Error) => setError(err.message),
    );
  }, [client]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setState('saving');
    setError(null);
    try {
      const v = await client.api.updatePolicy({ text });
      setView(v);
      setState('saved');
    } catch (err) {
      setError((err as Error).message);
      setState('idle');
    }
  };

  return (
    <form className="card settings-section" id="policy" data-section="policy" onSubmit={submit} noValidate>
      <h3>{t('settings.policy')}</h3>
      <p className="muted small">{t('settings.policyNote')}</p>
      {view ? (
        <p className="muted small">
          {view.source === 'default'
            ? t('settings.policyDefault')
            : t('settings.policyFile', { file: view.file })}
        </p>
      ) : null}
      {view?.error ? (
        <p className="error" role="alert">
          {t('settings.policyRefused', { error: view.error })}
        </p>
      ) : null}
      <textarea
        name="policy"
        className="policy-text"
        spellCheck={false}
        rows={Math.min(28, Math.max(10, text.split('\n').length + 1))}
        value={text}
        // Until the policy in force has loaded there is nothing to edit: saving the empty text would
        // replace it.
        disabled={!view}
        onChange={(e) => {
          setText(e.target.value);
          setState('idle');
        }}
        aria-label={t('settings.policy')}
      />
      {error ? (
        <p className="error" role="alert" data-policy-error>
          {error}
        </p>
      ) : null}
      <div className="section-foot">
        <button type="submit" className="primary" disabled={!view || state === 'saving'}>
          {state === 'saving' ? t('settings.saving') : t('settings.policySave')}
        </button>
        {state === 'saved' && view ? (
          <span className="saved">✓ {t('settings.policySaved', { hash: view.hash })}</span>
        ) : null}
      </div>
    </form>
  );
}
