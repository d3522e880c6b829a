import type { ReactNode } from 'react';
import { safeHref } from './format.ts';

/**
 * A link out of the app. In Electron the window-open handler passes it to the system browser; in a
 * browser it opens a new tab without a referrer or a handle back to this page.
 */
export function ExternalLink({
  href,
  children,
  className,
}: {
  href: string;
  children: ReactNode;
  className?: string;
}) {
  const safe = safeHref(href);
  if (!safe) return <span className={className}>{children}</span>;
  return (
    <a className={className} href={safe} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}
