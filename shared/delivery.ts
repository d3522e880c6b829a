import { z } from 'zod';

/** One card for one incident to one Feishu/Lark group: the outbox row as the UI shows it. */
export const DeliveryKind = z.enum(['new', 'updated', 'resolved']);
export type DeliveryKind = z.infer<typeof DeliveryKind>;

export const DeliveryStatus = z.enum(['pending', 'sending', 'sent', 'failed', 'skipped']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const Delivery = z.object({
  id: z.number().int(),
  route: z.string(),
  kind: DeliveryKind,
  status: DeliveryStatus,
  attempts: z.number().int(),
  createdAt: z.string(),
  nextAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  /** What went wrong last, as Feishu said it, and what to do about it. */
  lastError: z.string().nullable(),
  fix: z.string().nullable(),
});
export type Delivery = z.infer<typeof Delivery>;

/** A Feishu/Lark custom bot and which incidents it gets (Alertmanager-style matchers, all must match). */
export const FeishuRoute = z
  .object({
    name: z.string().min(1).max(64),
    url: z.string(),
    secret: z.string().optional(),
    /** The bot's custom keyword security setting: included in every card. */
    keyword: z.string().max(64).optional(),
    match: z.array(z.string()).default([]),
  })
  .strict();
export type FeishuRoute = z.infer<typeof FeishuRoute>;
