import { type ReactNode, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

interface Props<T> {
  items: T[];
  rowHeight: number;
  /** Rows rendered beyond the visible ones, so fast scrolling does not show blanks. */
  overscan?: number;
  render(item: T, index: number): ReactNode;
  itemKey(item: T): string | number;
  /** Called when the last rows come into view (load the next page). */
  onEndReached?(): void;
  /** Index to keep in view (keyboard selection). */
  scrollToIndex?: number | null;
  footer?: ReactNode;
  className?: string;
  label: string;
}

/**
 * Renders only the rows in view (fixed height), so 10,000 incidents scroll as smoothly as 10: the DOM
 * holds a few dozen rows whatever the length of the list.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  overscan = 8,
  render,
  itemKey,
  onEndReached,
  scrollToIndex,
  footer,
  className,
  label,
}: Props<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(800);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el || scrollToIndex == null || scrollToIndex < 0) return;
    const top = scrollToIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight)
      el.scrollTop = top + rowHeight - el.clientHeight;
  }, [scrollToIndex, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  useEffect(() => {
    if (onEndReached && items.length && last >= items.length - overscan) onEndReached();
  }, [last, items.length, onEndReached, overscan]);

  const onScroll = useCallback(
    (e: React.UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop),
    [],
  );

  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i]!;
    rows.push(
      <li
        key={itemKey(item)}
        className="vrow"
        style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}
      >
        {render(item, i)}
      </li>,
    );
  }
  return (
    <div ref={ref} className={`vlist ${className ?? ''}`} onScroll={onScroll}>
      <ul aria-label={label} className="vlist-inner" style={{ height: items.length * rowHeight }}>
        {rows}
      </ul>
      {footer}
    </div>
  );
}
