import type { Action, ActionRecord } from '../../../shared/action.ts';
import type { Batch } from './coalesce.ts';
import type { NotifyItem } from './notify-policy.ts';
import type { NotifyLanguage } from './notify-text.ts';

const TEXT = {
  en: {
    approve: (what: string) => `Approve: ${what}`,
    what: (a: Action) =>
      a.type === 'restart-pod'
        ? `restart pod ${a.pod}`
        : a.type === 'rollout-restart'
          ? `restart ${a.kind.toLowerCase()} ${a.name}`
          : a.type === 'rollback'
            ? `roll back ${a.deployment}`
            : `scale ${a.deployment} up by ${a.by}`,
    approvedTitle: 'Approved',
    approvedBody: (what: string) =>
      `${what}: the app runs it now (dry run first); the report shows how it went.`,
    failedTitle: 'Could not approve',
  },
  zh: {
    approve: (what: string) => `批准：${what}`,
    what: (a: Action) =>
      a.type === 'restart-pod'
        ? `重启 Pod ${a.pod}`
        : a.type === 'rollout-restart'
          ? `重启 ${a.kind} ${a.name}`
          : a.type === 'rollback'
            ? `回滚 ${a.deployment}`
            : `将 ${a.deployment} 扩容 ${a.by} 个副本`,
    approvedTitle: '已批准',
    approvedBody: (what: string) => `${what}：正在执行（先进行试运行），结果见报告。`,
    failedTitle: '无法批准',
  },
} as const;

export const approveTexts = (lang: NotifyLanguage) => TEXT[lang];

/** Notification buttons are short on every platform: the pod name is cut rather than the verb. */
const MAX_BUTTON = 48;

/**
 * The notification's "Approve" button, for a notification about one incident whose report proposes an
 * action waiting for an engineer (approve mode). A coalesced notification stands for many: no button.
 */
export function approvalButton(
  batch: Batch<NotifyItem>,
  pending: ActionRecord | null,
  lang: NotifyLanguage,
): { text: string; actionId: number } | null {
  if (batch.more > 0 || !pending || pending.state !== 'pending') return null;
  if (pending.incidentId !== batch.first.incident.id || batch.first.incident.status !== 'firing') return null;
  const t = TEXT[lang];
  const text = t.approve(t.what(pending.action));
  return {
    text: text.length > MAX_BUTTON ? `${text.slice(0, MAX_BUTTON - 1)}…` : text,
    actionId: pending.id,
  };
}
