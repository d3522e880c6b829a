import type { Batch } from './coalesce.ts';
import type { NotifyItem } from './notify-policy.ts';

export type NotifyLanguage = 'en' | 'zh';

const TEXT = {
  en: {
    severity: { critical: 'Critical', warning: 'Warning', info: 'Info', none: 'Alert' },
    newBody: (target: string, ns: string | null) => (ns ? `${target} in ${ns}` : target),
    diagnosis: (cat: string, conf: number | null) => `${cat}${conf !== null ? ` · ${conf}% confidence` : ''}`,
    more: (n: number) => `and ${n} more`,
  },
  zh: {
    severity: { critical: '严重', warning: '警告', info: '信息', none: '告警' },
    newBody: (target: string, ns: string | null) => (ns ? `${ns} 中的 ${target}` : target),
    diagnosis: (cat: string, conf: number | null) => `${cat}${conf !== null ? ` · 置信度 ${conf}%` : ''}`,
    more: (n: number) => `另有 ${n} 条`,
  },
} as const;

/** Title and body of the notification for a batch: alertname, target and severity, or the diagnosis. */
export function notificationText(
  batch: Batch<NotifyItem>,
  lang: NotifyLanguage,
): { title: string; body: string } {
  const t = TEXT[lang];
  const { kind, incident: i } = batch.first;
  const more = batch.more ? `\n${t.more(batch.more)}` : '';
  if (kind === 'new') {
    return {
      title: `${t.severity[i.severity]}: ${i.alertname}`,
      body: `${t.newBody(i.target, i.namespace)}${more}`,
    };
  }
  return {
    title: `${i.alertname}: ${t.diagnosis(i.category ?? 'Unknown', i.confidence)}`,
    body: `${(i.summary ?? i.target).split('\n')[0]!.slice(0, 200)}${more}`,
  };
}
