import type { Lang } from '../i18n/index.tsx';

const UNITS: Record<Lang, [string, string, string, string, string]> = {
  en: ['just now', 's ago', ' min ago', ' h ago', ' d ago'],
  zh: ['刚刚', ' 秒前', ' 分钟前', ' 小时前', ' 天前'],
};

/** "3 min ago" style times; the exact time goes in the element's title (see exact()). */
export function ago(iso: string | null, lang: Lang = 'en', now = Date.now()): string {
  if (!iso) return '';
  const [justNow, sec, min, hour, day] = UNITS[lang];
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 5) return justNow;
  if (s < 60) return `${s}${sec}`;
  if (s < 3600) return `${Math.round(s / 60)}${min}`;
  if (s < 86_400) return `${Math.round(s / 3600)}${hour}`;
  return `${Math.round(s / 86_400)}${day}`;
}

/** Local date and time, to the second, for titles and tables. */
export function exact(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function duration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Only http(s) URLs become links: an annotation saying `javascript:…` stays text. */
export function safeHref(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
