import { useEffect, useMemo, useState } from 'react';
import type { Context } from '../../../../shared/context.ts';
import { useT } from '../../i18n/index.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { foldLog, splitMatches } from '../logs.ts';
import { logKey } from '../refs.ts';

const PAGE = 2_000;

/** Logs: one collected log at a time, look-alike runs folded, errors marked, searchable. */
export function LogsTab({ ctx, focus }: { ctx: Context; focus?: { key: string; line: number } }) {
  const t = useT();
  const logs = ctx.logs;
  const [selected, setSelected] = useState(() => focus?.key ?? (logs[0] ? logKey(logs[0]) : ''));
  const [search, setSearch] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [opened, setOpened] = useState<Set<number>>(new Set());
  const [limit, setLimit] = useState(PAGE);
  useEffect(() => {
    if (focus) setSelected(focus.key);
  }, [focus]);
  const log = logs.find((l) => logKey(l) === selected) ?? logs[0];
  const keep = useMemo(
    () => (focus && log && focus.key === logKey(log) ? new Set([focus.line]) : undefined),
    [focus, log],
  );
  const rows = useMemo(
    () => (log ? foldLog(log.text, { search, onlyMatches, keep, opened }) : []),
    [log, search, onlyMatches, keep, opened],
  );
  const matchCount = useMemo(() => rows.filter((r) => r.kind === 'line' && r.match).length, [rows]);

  if (!logs.length || !log) return <EmptyState title={t('logs.none')} />;
  const key = logKey(log);
  return (
    <div className="tab-body logs">
      <div className="log-toolbar">
        <select aria-label={t('tab.logs')} value={key} onChange={(e) => setSelected(e.target.value)}>
          {logs.map((l) => (
            <option key={logKey(l)} value={logKey(l)}>
              {l.pod} / {l.container} — {l.previous ? t('logs.previous') : t('logs.current')}
            </option>
          ))}
        </select>
        <input
          type="search"
          placeholder={t('logs.search')}
          aria-label={t('logs.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label className="inline">
          <input type="checkbox" checked={onlyMatches} onChange={(e) => setOnlyMatches(e.target.checked)} />{' '}
          {t('logs.onlyMatches')}
        </label>
        {search ? <span className="muted">{t('logs.matches', { n: matchCount })}</span> : null}
      </div>
      {log.truncated ? <p className="muted small">{t('logs.truncated', { n: log.lineCount })}</p> : null}
      <div className="log-view" role="log" aria-label={key}>
        {rows.slice(0, limit).map((r) =>
          r.kind === 'line' ? (
            <div
              key={r.n}
              className={`log-line${r.level ? ` lvl-${r.level}` : ''}${r.match ? ' hit' : ''}`}
              data-ref={`log/${key}#L${r.n}`}
            >
              <span className="ln">{r.n}</span>
              <span className="lt">
                {search
                  ? splitMatches(r.text, search).map((p, i) =>
                      // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one line
                      p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
                    )
                  : r.text}
              </span>
            </div>
          ) : (
            <button
              key={`f${r.from}`}
              type="button"
              className="log-fold"
              onClick={() => setOpened((o) => new Set(o).add(r.from))}
            >
              <span className="ln">
                {r.from}–{r.to}
              </span>
              <span className="lt">{t('logs.fold', { n: r.to - r.from + 1 })}</span>
            </button>
          ),
        )}
        {rows.length > limit ? (
          <button type="button" className="log-fold" onClick={() => setLimit((l) => l + PAGE)}>
            {t('logs.more', { n: Math.min(PAGE, rows.length - limit) })}
          </button>
        ) : null}
      </div>
    </div>
  );
}
