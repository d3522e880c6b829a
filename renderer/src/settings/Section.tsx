import { type FormEvent, type ReactNode, useState } from 'react';
import type { SettingsPatch, SettingsView } from '../../../shared/settings.ts';
import type { Client } from '../client.ts';
import { ClientError } from '../client.ts';
import { useT } from '../i18n/index.tsx';

export interface SectionProps {
  client: Client;
  settings: SettingsView;
  onSaved(v: SettingsView): void;
}

/**
 * A settings card with its own Save: each section saves only its own fields, so a bad value in one
 * never blocks another. A refused value is reported with the field's name (from the engine's zod check).
 */
export function Section({
  id,
  title,
  client,
  onSaved,
  patch,
  children,
  note,
  extra,
}: {
  id: string;
  title: string;
  client: Client;
  onSaved(v: SettingsView): void;
  patch(): SettingsPatch | null;
  children: ReactNode;
  note?: ReactNode;
  extra?: ReactNode;
}) {
  const t = useT();
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<ClientError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = patch();
    if (!p) return;
    setState('saving');
    setError(null);
    try {
      const v = await client.api.updateSettings(p);
      onSaved(v);
      setState('saved');
    } catch (err) {
      setError(err instanceof ClientError ? err : new ClientError((err as Error).message));
      setState('idle');
    }
  };
  return (
    <form className="card settings-section" id={id} onSubmit={submit} data-section={id} noValidate>
      <h3>{title}</h3>
      {note ? <p className="muted small">{note}</p> : null}
      <div className={error?.field ? `has-error field-${error.field}` : undefined}>{children}</div>
      {error ? (
        <p className="error" role="alert">
          {error.message}
        </p>
      ) : null}
      <div className="section-foot">
        {extra}
        <button type="submit" className="primary" disabled={state === 'saving'}>
          {state === 'saving' ? t('settings.saving') : t('settings.save')}
        </button>
        {state === 'saved' ? <span className="saved">✓ {t('settings.saved')}</span> : null}
      </div>
    </form>
  );
}

export function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is passed in as children
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint ? <span className="field-hint">{hint}</span> : null}
    </label>
  );
}
