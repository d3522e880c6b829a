import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { Language } from '../../../shared/settings.ts';
import { en, type MessageKey } from './en.ts';
import { zh } from './zh.ts';

export type Lang = 'en' | 'zh';
const TABLES: Record<Lang, Record<MessageKey, string>> = { en, zh };

/** 'auto' follows the browser (or Electron's) language; anything Chinese gets Chinese. */
export function resolveLang(setting: Language | undefined, navigatorLang: string): Lang {
  if (setting === 'en' || setting === 'zh') return setting;
  return navigatorLang.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export type Vars = Record<string, string | number>;
export type T = (key: MessageKey, vars?: Vars) => string;

/**
 * The message for `key` with `{name}` replaced by its value, and `{name|one|other}` by `one` when the
 * value is 1, else `other` ("{n} {n|model|models} pulled"; Chinese needs none).
 */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text = TABLES[lang][key] ?? en[key];
  if (!vars) return text;
  return text
    .replace(/\{(\w+)\|([^|}]*)\|([^}]*)\}/g, (m, k: string, one: string, other: string) =>
      k in vars ? (Number(vars[k]) === 1 ? one : other) : m,
    )
    .replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

const I18n = createContext<{ lang: Lang; t: T }>({ lang: 'en', t: (k, v) => translate('en', k, v) });

export function I18nProvider({ lang, children }: { lang: Lang; children: ReactNode }) {
  const value = useMemo(() => ({ lang, t: ((k, v) => translate(lang, k, v)) as T }), [lang]);
  return <I18n.Provider value={value}>{children}</I18n.Provider>;
}

export const useI18n = () => useContext(I18n);
export const useT = () => useContext(I18n).t;
