import { en, type Messages } from './en.ts';

export { en };

import { zh } from './zh.ts';

export { zh };

export type Lang = 'en' | 'zh';
export type { Messages };

export function messages(lang: Lang): Messages {
  return lang === 'zh' ? zh : en;
}

/** 'auto' follows the OS locale (LANG/LC_ALL, then the runtime's), Chinese or else English. */
export function resolveLanguage(
  setting: 'auto' | Lang | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Lang {
  if (setting === 'en' || setting === 'zh') return setting;
  const locale =
    env.LC_ALL || env.LC_MESSAGES || env.LANG || Intl.DateTimeFormat().resolvedOptions().locale || '';
  return /^zh/i.test(locale) ? 'zh' : 'en';
}
