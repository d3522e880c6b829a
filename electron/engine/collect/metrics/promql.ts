/**
 * Just enough PromQL to draw an alert's graph: check the brackets, and split a trailing comparison with
 * a number (`rate(x[5m]) > 0.9`) into the value to plot and the threshold line — an alert expression
 * returns only the samples past its threshold, which would hide the ramp that led there.
 */
export interface SplitExpr {
  /** What to query: the expression without its final comparison. */
  query: string;
  threshold?: { op: string; value: number };
}

export function bracketsBalanced(expr: string): boolean {
  const close: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let quote: string | null = null;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c in close) {
      if (stack.pop() !== close[c]) return false;
    }
  }
  return stack.length === 0 && quote === null;
}

/** Evaluates a constant like `0.9`, `25 / 100`, `(80 * 1024)`; null if it is not a constant. */
export function constant(text: string): number | null {
  const t = text.trim();
  if (!/^[\d\s.+\-*/()eE]+$/.test(t) || !/\d/.test(t)) return null;
  try {
    const v = Function(`"use strict"; return (${t});`)() as unknown;
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

export function splitThreshold(expr: string): SplitExpr {
  let depth = 0;
  let quote: string | null = null;
  let cut = -1;
  let op = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0) {
      const two = expr.slice(i, i + 2);
      const found = ['>=', '<=', '==', '!='].includes(two) ? two : c === '>' || c === '<' ? c : '';
      if (found && expr.slice(i - 1, i) !== '=' && expr.slice(i - 1, i) !== '!') {
        cut = i;
        op = found;
        if (found.length === 2) i++;
      }
    }
  }
  if (cut < 0) return { query: expr.trim() };
  const rest = expr.slice(cut + op.length).replace(/^\s*bool\b/, '');
  const value = constant(rest);
  if (value === null) return { query: expr.trim() };
  return { query: expr.slice(0, cut).trim(), threshold: { op, value } };
}

/** The expression in a Prometheus graph URL (`/graph?g0.expr=…`), or why there is none. */
export function exprFromGeneratorUrl(raw: string): { base: string; expr: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return {
      error: raw
        ? `the alert's generatorURL "${raw.slice(0, 80)}" is not a URL`
        : 'the alert has no generatorURL',
    };
  }
  const expr = url.searchParams.get('g0.expr');
  if (!expr || !/\/graph\/?$/.test(url.pathname)) {
    return {
      error: `the alert's generatorURL is not a Prometheus graph URL (${url.origin}${url.pathname}, no g0.expr)`,
    };
  }
  const base = `${url.origin}${url.pathname.replace(/\/graph\/?$/, '')}`;
  return { base, expr };
}
