import { Fragment } from 'react';

/**
 * Text from the cluster or the model, with `backticked` spans shown as code. Everything is a React text
 * node: markup in the text stays visible characters, never HTML.
 */
export function Prose({ text, className }: { text: string; className?: string }) {
  const parts = text.split(/(`[^`\n]{1,400}`)/g);
  return (
    <span className={className}>
      {parts.map((p, i) =>
        p.length > 2 && p.startsWith('`') && p.endsWith('`') ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable string
          <code key={i}>{p.slice(1, -1)}</code>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable string
          <Fragment key={i}>{p}</Fragment>
        ),
      )}
    </span>
  );
}
