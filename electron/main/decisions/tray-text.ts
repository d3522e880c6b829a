import type { NotifyLanguage } from './notify-text.ts';
import type { TrayInput, TrayView } from './tray-state.ts';

const TEXT = {
  en: {
    firing: (n: number) => `${n} firing, not acknowledged`,
    analyzing: (n: number) => `analysing ${n} incident${n === 1 ? '' : 's'}`,
    paused: (until: string) => `notifications paused until ${until}`,
    ok: 'nothing firing',
    open: 'Open Oncall Scout',
    pause1h: 'Pause notifications for 1 hour',
    pauseMorning: 'Pause notifications until morning',
    resume: 'Resume notifications',
    quit: 'Quit',
  },
  zh: {
    firing: (n: number) => `${n} 条告警未确认`,
    analyzing: (n: number) => `正在分析 ${n} 个事件`,
    paused: (until: string) => `通知已暂停至 ${until}`,
    ok: '没有告警',
    open: '打开 Oncall Scout',
    pause1h: '暂停通知 1 小时',
    pauseMorning: '暂停通知到早上',
    resume: '恢复通知',
    quit: '退出',
  },
} as const;

/** The tray's tooltip and menu texts for a state. */
export function trayLabels(view: TrayView, c: TrayInput, pausedUntil: number | null, lang: NotifyLanguage) {
  const t = TEXT[lang];
  const lines: string[] = [];
  if (c.unacknowledged) lines.push(t.firing(c.unacknowledged));
  if (c.analyzing) lines.push(t.analyzing(c.analyzing));
  if (pausedUntil !== null) {
    const d = new Date(pausedUntil);
    lines.push(
      t.paused(`${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`),
    );
  }
  if (!lines.length) lines.push(t.ok);
  const status = lines.join(' · ');
  return {
    tooltip: `Oncall Scout — ${status}`,
    status: view.state === 'ok' ? t.ok : status,
    open: t.open,
    pause1h: t.pause1h,
    pauseMorning: t.pauseMorning,
    resume: t.resume,
    quit: t.quit,
  };
}
