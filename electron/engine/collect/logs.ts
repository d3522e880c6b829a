/**
 * Log compression: keep what an engineer would read, whatever its position in the log. The seed's
 * "last 100 lines" misses the first connection error at line 200 of 5,000; this keeps it.
 *
 *  - identical or near-identical lines (differing only in numbers, ids, timestamps) are folded into
 *    their first occurrence with a count ("×312"),
 *  - lines matching error signatures are kept wherever they are, with the first frames of a stack trace,
 *  - the first lines (startup: versions, config) and the tail are kept,
 *  - everything dropped is marked ("[… 1,234 lines …]"), so nobody mistakes the result for the whole log.
 */

/**
 * Lines that usually carry the cause: errors and warnings by level (plain, logfmt, JSON, pino's numeric
 * 40/50/60), exceptions, panics, OOM, refused/timeouts, HTTP 5xx, fatal…
 */
export const ERROR_LINE =
  /\b(panic|fatal|FATAL|ERROR|Error|error|ERR|WARN|WARNING|Warning|Exception|Traceback|Caused by|OutOfMemory|OOM|out of memory|killed|refused|timed? ?out|timeout|deadline exceeded|unreachable|no such host|denied|unauthorized|forbidden|not found|invalid|failed|failure|cannot|can't|unable|segmentation fault|SIGSEGV|SIGKILL|SIGTERM|exit(ed)? (code|status)|crash\w*|abort\w*)\b|\b(HTTP\/\d(\.\d)? |status[=: "]+|code[=: "]+| )5\d\d\b|"level"\s*:\s*(40|50|60|"(warn|warning|error|fatal|critical|panic)")|\blevel=(warn|warning|error|fatal|crit)/;

/**
 * Lines that continue a stack trace or crash report: JVM/Node `at …`, Python `File "…"`, Go
 * `goroutine 1 [running]:`, `pkg.(*T).M(…)` and tab-indented `/src/x.go:142 +0x2e`, `Caused by:`, and
 * any indented continuation.
 */
export const FRAME =
  /^\s+(at |\.\.\. \d+ more|File "|\S+\.(go|py|rs|java|kt|js|ts|cs):\d+|in )|^goroutine \d+ \[|^\[signal |^created by |^[\w./*()-]+\(.*\)$|^\s*Caused by:|^\s{2,}\S|^\t\S/;

/** The frames after an error line, tolerating the blank lines Go puts between a panic's parts. */
export function framesAfter(lines: string[], index: number, max: number, end = lines.length): number[] {
  const out: number[] = [];
  let blanks = 0;
  for (let j = index + 1; j < end && out.length < max; j++) {
    const line = lines[j]!;
    if (line.trim() === '') {
      if (++blanks > 1) break;
      continue;
    }
    if (!FRAME.test(line)) break;
    blanks = 0;
    out.push(j);
  }
  return out;
}

/** The shape of a line without its variable parts, for folding near-identical lines. */
export function lineShape(line: string): string {
  return line
    .replace(
      /^\s*(\[?\d{4}-\d\d-\d\d[T ][\d:.,]+(Z|[+-]\d\d:?\d\d)?\]?|\w{3} \d\d? [\d:]+|[\d:.]{8,})\s*/,
      '',
    )
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, 'UUID')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, 'IP')
    .replace(/\b(0x)?[0-9a-f]{6,}\b/gi, 'HEX')
    .replace(/\d+(\.\d+)?/g, '#')
    .trim();
}

export interface CompressOptions {
  /** Upper bound on lines in the result (folded lines and markers included). */
  maxLines: number;
  headLines: number;
  tailLines: number;
  /** Frames kept after an error line (stack traces). */
  framesAfterError: number;
}

export const DEFAULT_COMPRESS: CompressOptions = {
  maxLines: 400,
  headLines: 10,
  tailLines: 60,
  framesAfterError: 12,
};

export interface CompressedLog {
  text: string;
  /** Lines in the original. */
  lines: number;
  /** Lines in the result. */
  kept: number;
  /** The 1-based original line number of each kept line (0 for markers), for evidence pointers. */
  lineNumbers: number[];
}

interface Entry {
  index: number;
  line: string;
  count: number;
  error: boolean;
}

export function compressLog(text: string, opts: CompressOptions = DEFAULT_COMPRESS): CompressedLog {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length <= opts.maxLines && !hasRepeats(lines)) {
    return {
      text: lines.join('\n'),
      lines: lines.length,
      kept: lines.length,
      lineNumbers: lines.map((_, i) => i + 1),
    };
  }
  const tailFrom = Math.max(0, lines.length - opts.tailLines);
  const shapes = lines.map(lineShape);

  // 1. Fold the body: the first occurrence of each shape stands for all of them (counted over the whole log).
  const total = new Map<string, number>();
  for (const sh of shapes) total.set(sh, (total.get(sh) ?? 0) + 1);
  const firstIndex = new Map<string, number>();
  const entries: Entry[] = [];
  for (let i = 0; i < tailFrom; i++) {
    const sh = shapes[i]!;
    if (sh !== '' && firstIndex.has(sh)) continue;
    firstIndex.set(sh, i);
    entries.push({
      index: i,
      line: lines[i]!,
      count: sh === '' ? 1 : (total.get(sh) ?? 1),
      error: ERROR_LINE.test(lines[i]!),
    });
  }
  const representative = (i: number) => firstIndex.get(shapes[i]!) ?? i;

  // 2. Choose body lines: errors with their frames and the head first, then the rest, oldest first.
  const tail = foldRuns(lines, shapes, tailFrom);
  const budget = Math.max(opts.maxLines - tail.length, 10);
  const must = new Set<number>();
  for (const e of entries) {
    if (!e.error) continue;
    must.add(e.index);
    for (const j of framesAfter(lines, e.index, opts.framesAfterError, tailFrom)) must.add(representative(j));
  }
  for (let i = 0; i < Math.min(opts.headLines, tailFrom); i++) must.add(representative(i));
  let chosen = [...must].sort((a, b) => a - b);
  if (chosen.length > budget) {
    // Too many distinct errors: the first ones (the cause) and the latest ones (the state now).
    chosen = [
      ...chosen.slice(0, Math.ceil(budget / 2)),
      ...chosen.slice(chosen.length - Math.floor(budget / 2)),
    ];
  } else {
    for (const e of entries) {
      if (chosen.length >= budget) break;
      if (!must.has(e.index)) chosen.push(e.index);
    }
    chosen.sort((a, b) => a - b);
  }

  // 3. Render in original order, with counts and gap markers, then the tail as it is.
  const counts = new Map(entries.map((e) => [e.index, e.count]));
  const out: string[] = [];
  const numbers: number[] = [];
  let last = -1;
  const gapTo = (next: number) => {
    const gap = next - last - 1;
    if (gap > 0) {
      out.push(`[… ${gap.toLocaleString('en-US')} line${gap === 1 ? '' : 's'} …]`);
      numbers.push(0);
    }
  };
  for (const i of chosen) {
    gapTo(i);
    const count = counts.get(i) ?? 1;
    out.push(count > 1 ? `${lines[i]}  [×${count}]` : lines[i]!);
    numbers.push(i + 1);
    last = i;
  }
  for (const t of tail) {
    gapTo(t.index);
    out.push(t.count > 1 ? `${lines[t.index]}  [×${t.count} in a row]` : lines[t.index]!);
    numbers.push(t.index + 1);
    last = t.index + t.count - 1;
  }
  gapTo(lines.length);
  return { text: out.join('\n'), lines: lines.length, kept: out.length, lineNumbers: numbers };
}

/** The tail as it is, but consecutive lines of the same shape folded into the first of the run. */
function foldRuns(lines: string[], shapes: string[], from: number): Array<{ index: number; count: number }> {
  const out: Array<{ index: number; count: number }> = [];
  for (let i = from; i < lines.length; i++) {
    const prev = out.at(-1);
    if (prev && shapes[i] !== '' && shapes[i] === shapes[prev.index]) prev.count++;
    else out.push({ index: i, count: 1 });
  }
  return out;
}

function hasRepeats(lines: string[]): boolean {
  const shapes = new Set<string>();
  for (const l of lines) {
    const s = lineShape(l);
    if (s !== '' && shapes.has(s)) return true;
    shapes.add(s);
  }
  return false;
}
