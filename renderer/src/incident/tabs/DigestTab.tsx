import type { Context } from '../../../../shared/context.ts';
import { useT } from '../../i18n/index.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';

/** The context as the LLM saw it (redacted, compressed, budgeted by the collector). */
export function DigestTab({ ctx }: { ctx: Context }) {
  const t = useT();
  if (!ctx.digest) return <EmptyState title={t('digest.none')} />;
  return (
    <div className="tab-body">
      {ctx.digestTokens ? <p className="muted small">{t('digest.tokens', { n: ctx.digestTokens })}</p> : null}
      <pre className="digest">{ctx.digest}</pre>
    </div>
  );
}
