import { useEffect, useRef } from 'react';

interface Keys {
  /** Rows in the list. */
  count: number;
  /** The row that has the keyboard now, -1 for none. */
  index: number;
  /** ↑/↓ or j/k moved to this row. */
  onMove(next: number): void;
  /** Enter on the row that has the keyboard. */
  onEnter?(index: number): void;
}

/**
 * A list's keyboard: ↑/↓ or j/k move, Enter opens. Keys typed into a field (the search box, a select)
 * are the field's, and a key held with Ctrl, Alt or Meta is the browser's.
 */
export function useListKeys(keys: Keys) {
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const { count, index, onMove, onEnter } = latest.current;
      const target = e.target as HTMLElement | null;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (e.ctrlKey || e.altKey || e.metaKey || !count) return;
      if (e.key === 'ArrowDown' || e.key === 'j') onMove(Math.min(count - 1, index + 1));
      else if (e.key === 'ArrowUp' || e.key === 'k') onMove(Math.max(0, index - 1));
      else if (e.key === 'Enter' && onEnter && index >= 0 && index < count) {
        // A focused row takes this Enter as its own click: one open, not two.
        if (target?.closest('.vrow')) return;
        onEnter(index);
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
