import { useEffect, useState } from 'react';
import { useT } from '../i18n/index.tsx';

/**
 * Copies `text` to the clipboard and says so for a moment. `text` may be fetched on click (the report as
 * Markdown comes from the engine). `caption` replaces the button's "Copy".
 */
export function CopyButton({
  text,
  label,
  caption,
  className = 'copy',
  action,
}: {
  text: string | (() => Promise<string>);
  label?: string;
  caption?: string;
  className?: string;
  action?: string;
}) {
  const t = useT();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const name = caption ?? t('copy.copy');
  return (
    <button
      type="button"
      className={className}
      aria-label={label ? `${name}: ${label}` : name}
      data-action={action}
      data-copy-state={state}
      onClick={() => {
        (typeof text === 'string' ? Promise.resolve(text) : text())
          .then((s) => navigator.clipboard.writeText(s))
          .then(
            () => setState('copied'),
            () => setState('failed'),
          );
      }}
    >
      {state === 'copied' ? t('copy.copied') : state === 'failed' ? t('copy.failed') : name}
    </button>
  );
}
