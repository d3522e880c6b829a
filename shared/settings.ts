import { z } from 'zod';
import { AlertmanagerSourcePatch, AlertmanagerSourceView } from './alertmanager.ts';

/**
 * What the Settings screen reads and writes. Secrets (Feishu webhook and secret, the API token) go in
 * but never come back out in full: the view carries only whether one is set and its last characters.
 */

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM (24 h)');

const httpUrl = z
  .string()
  .max(2048)
  .refine((s) => /^https?:\/\/[^\s/]+/i.test(s) && URL.canParse(s), {
    message: 'must be an http:// or https:// URL',
  });

export const Language = z.enum(['auto', 'en', 'zh']);
export type Language = z.infer<typeof Language>;

/** The lowest severity that still raises a desktop notification. */
export const NotifySeverity = z.enum(['critical', 'warning', 'info']);
export type NotifySeverity = z.infer<typeof NotifySeverity>;

export const QuietHours = z.object({
  enabled: z.boolean(),
  start: hhmm,
  end: hhmm,
});
export type QuietHours = z.infer<typeof QuietHours>;

export const NotificationSettings = z.object({
  enabled: z.boolean().default(true),
  minSeverity: NotifySeverity.default('warning'),
  /** Critical incidents notify even inside quiet hours. */
  quietHours: QuietHours.default({ enabled: false, start: '22:00', end: '08:00' }),
  launchAtLogin: z.boolean().default(false),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;
export const DEFAULT_NOTIFICATIONS: NotificationSettings = NotificationSettings.parse({});

/** A secret as the UI may see it. */
export const SecretView = z.object({ set: z.boolean(), hint: z.string().nullable() });
export type SecretView = z.infer<typeof SecretView>;

export const SettingsView = z.object({
  dataDir: z.string(),
  /** The kubeconfig path chosen in settings or by flag; null means $KUBECONFIG or ~/.kube/config. */
  kubeconfig: z.string().nullable(),
  context: z.string().nullable(),
  ollamaHost: z.string(),
  model: z.string(),
  llm: z.boolean(),
  /** The keyword is no secret (every card prints it), so it comes back in full. */
  feishu: z.object({ webhook: SecretView, secret: SecretView, keyword: z.string().nullable() }),
  host: z.string(),
  port: z.number().int(),
  token: SecretView,
  notifications: NotificationSettings,
  language: Language,
  /** 'safeStorage': encrypted by the OS keychain (desktop app); 'file': a 0600 file in the data dir. */
  secretStorage: z.enum(['safeStorage', 'file']),
  /** Saved settings that apply only at the next start (the HTTP port, the token). */
  pendingRestart: z.array(z.string()),
  /** Alertmanagers polled in pull mode (and silenced on ack). */
  alertmanagers: z.array(AlertmanagerSourceView),
});
export type SettingsView = z.infer<typeof SettingsView>;

/**
 * A change to the settings: absent keys stay as they are; for secrets, null (or an empty string)
 * removes the value. Unknown keys are refused with their name.
 */
export const SettingsPatch = z
  .object({
    kubeconfig: z.string().max(4096).nullable().optional(),
    context: z.string().max(253).nullable().optional(),
    ollamaHost: httpUrl.optional(),
    model: z
      .string()
      .min(1, 'must not be empty')
      .max(200)
      .regex(/^[\w.:/-]+$/, 'must be an Ollama model name such as qwen2.5:14b')
      .optional(),
    llm: z.boolean().optional(),
    feishuWebhook: z
      .union([httpUrl, z.literal('')])
      .nullable()
      .optional(),
    feishuSecret: z.string().max(512).nullable().optional(),
    /** One of the bot's custom keywords (its keyword security setting), put in every card. */
    feishuKeyword: z.string().trim().max(64).nullable().optional(),
    port: z.number().int().min(1, 'must be a port number (1-65535)').max(65535).optional(),
    token: z
      .string()
      .min(16, 'must be at least 16 characters')
      .max(256)
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
      .optional(),
    notifications: NotificationSettings.optional(),
    language: Language.optional(),
    /** The whole list of pull sources (replaces the saved one). */
    alertmanagers: z.array(AlertmanagerSourcePatch).max(20).optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const OllamaCheck = z.object({
  ok: z.boolean(),
  host: z.string(),
  version: z.string().nullable(),
  models: z.array(
    z.object({ name: z.string(), size: z.number().nullable(), parameterSize: z.string().nullable() }),
  ),
  /** Whether the model asked about is among the pulled ones. */
  modelPresent: z.boolean(),
  /** What went wrong and what to do, e.g. "… start it with `ollama serve`". */
  error: z.string().nullable(),
});
export type OllamaCheck = z.infer<typeof OllamaCheck>;

export const KubeContexts = z.object({
  /** The files read, in order. */
  files: z.array(z.string()),
  contexts: z.array(
    z.object({
      name: z.string(),
      cluster: z.string(),
      server: z.string().nullable(),
      namespace: z.string().nullable(),
    }),
  ),
  current: z.string().nullable(),
  error: z.string().nullable(),
});
export type KubeContexts = z.infer<typeof KubeContexts>;

/** Last characters of a secret, enough to tell two apart, never enough to use one. */
export function secretView(value: string | undefined | null): SecretView {
  if (!value) return { set: false, hint: null };
  return { set: true, hint: value.length >= 16 ? `…${value.slice(-4)}` : null };
}
