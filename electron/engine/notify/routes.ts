import type { FeishuRoute } from '../../../shared/delivery.ts';

/** Alertmanager-style matchers: `label=value`, `label!=value`, `label=~regex`, `label!~regex` (anchored). */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  regex?: RegExp;
}

export function parseMatcher(text: string): Matcher {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(text);
  if (!m)
    throw new Error(`"${text}" is not a matcher (label=value, label!=value, label=~regex, label!~regex)`);
  const [, label, op, value] = m as unknown as [string, string, Matcher['op'], string];
  if (op === '=~' || op === '!~') {
    try {
      return { label, op, value, regex: new RegExp(`^(?:${value})$`) };
    } catch (err) {
      throw new Error(`"${text}": the regular expression is invalid (${(err as Error).message})`);
    }
  }
  return { label, op, value };
}

export function matches(labels: Record<string, string>, m: Matcher): boolean {
  const v = labels[m.label] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.regex!.test(v);
    case '!~':
      return !m.regex!.test(v);
  }
}

/** The routes an incident goes to: every route whose matchers all match (a route without any gets all). */
export function routesFor(routes: FeishuRoute[], labels: Record<string, string>): FeishuRoute[] {
  return routes.filter((r) => r.match.map(parseMatcher).every((m) => matches(labels, m)));
}
