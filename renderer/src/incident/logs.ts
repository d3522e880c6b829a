/** Log lines as the Logs tab shows them: runs of look-alike lines folded, errors marked, search applied. */

export type LogRow =
  | { kind: 'line'; n: number; text: string; level: 'error' | 'warn' | null; match: boolean }
  | { kind: 'fold'; from: number; to: number; sample: string };

const ERROR =
  /\b(panic|fatal|FATAL|ERROR|Error|Exception|Traceback|Caused by|OutOfMemory|OOMKilled|killed|refused|denied|unauthorized|forbidden|failed|cannot)\b|\blevel[=":]+\s*"?(error|fatal)/;
const WARN = /\b(WARN|WARNING|warn|warning|deprecated|retry(ing)?|timed? ?out)\b|\blevel[=":]+\s*"?warn/;

export function levelOf(line: string): 'error' | 'warn' | null {
  if (ERROR.test(line)) return 'error';
  if (WARN.test(line)) return 'warn';
  return null;
}

/** A line's shape: numbers, hex ids and timestamps ignored, so heartbeat lines look alike. */
export function shape(line: string): string {
  return line
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z?/g, 'T')
    .replace(/\b[0-9a-f]{8,}\b/gi, 'H')
    .replace(/\d+/g, '#')
    .trim();
}

export interface FoldOptions {
  /** Runs at least this long fold (the first line stays visible). */
  minRun?: number;
  search?: string;
  /** Show only lines that match the search. */
  onlyMatches?: boolean;
  /** Line numbers (1-based) that must stay visible: a focused evidence line. */
  keep?: Set<number>;
  /** Folds the user opened, by their first line. */
  opened?: Set<number>;
}

export function foldLog(text: string, o: FoldOptions = {}): LogRow[] {
  const lines = text.replace(/\n$/, '').split('\n');
  const minRun = o.minRun ?? 4;
  const needle = o.search?.trim().toLowerCase() ?? '';
  const matchOf = (l: string) => needle !== '' && l.toLowerCase().includes(needle);
  const rows: LogRow[] = [];
  const line = (i: number): LogRow => ({
    kind: 'line',
    n: i + 1,
    text: lines[i]!,
    level: levelOf(lines[i]!),
    match: matchOf(lines[i]!),
  });
  if (needle && o.onlyMatches) {
    for (let i = 0; i < lines.length; i++) if (matchOf(lines[i]!) || o.keep?.has(i + 1)) rows.push(line(i));
    return rows;
  }
  let i = 0;
  while (i < lines.length) {
    const s = shape(lines[i]!);
    let j = i + 1;
    while (j < lines.length && shape(lines[j]!) === s) j++;
    const run = j - i;
    // A run folds unless it is short, opened, or hides something the user is looking for.
    let hidden = run >= minRun && !o.opened?.has(i + 2) && levelOf(lines[i]!) !== 'error';
    if (hidden)
      for (let k = i + 1; k < j; k++)
        if (matchOf(lines[k]!) || o.keep?.has(k + 1)) {
          hidden = false;
          break;
        }
    rows.push(line(i));
    if (hidden) rows.push({ kind: 'fold', from: i + 2, to: j, sample: lines[i + 1]! });
    else for (let k = i + 1; k < j; k++) rows.push(line(k));
    i = j;
  }
  return rows;
}

/** Splits a line around the search term, case-insensitively, for <mark>ing. */
export function splitMatches(text: string, search: string): Array<{ text: string; hit: boolean }> {
  const needle = search.trim().toLowerCase();
  if (!needle) return [{ text, hit: false }];
  const out: Array<{ text: string; hit: boolean }> = [];
  const lower = text.toLowerCase();
  let at = 0;
  for (;;) {
    const k = lower.indexOf(needle, at);
    if (k === -1) break;
    if (k > at) out.push({ text: text.slice(at, k), hit: false });
    out.push({ text: text.slice(k, k + needle.length), hit: true });
    at = k + needle.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false });
  return out;
}
