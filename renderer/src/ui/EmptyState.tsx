import type { ReactNode } from 'react';

/** Empty and error states are real screens: what happened, and what to do about it. */
export function EmptyState({
  title,
  children,
  tone = 'neutral',
  action,
}: {
  title: string;
  children?: ReactNode;
  tone?: 'neutral' | 'error';
  action?: ReactNode;
}) {
  return (
    <div className={`empty-state tone-${tone}`} role={tone === 'error' ? 'alert' : undefined}>
      <div className="empty-icon" aria-hidden="true">
        {tone === 'error' ? '!' : '○'}
      </div>
      <h2>{title}</h2>
      {children ? <div className="empty-body">{children}</div> : null}
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}
