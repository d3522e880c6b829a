import {
  DEFAULT_NOTIFICATIONS,
  type NotificationSettings,
  type SettingsPatch,
  type SettingsView,
  secretView,
} from '../../../shared/settings.ts';
import { ApiFailure } from '../api.ts';
import { type EngineConfig, EngineConfig as EngineConfigSchema, formatIssue } from '../config.ts';
import { saveToken } from '../token.ts';
import type { SecretStore } from './secrets.ts';
import { mergeSources, sourceViews } from './sources.ts';
import { readStored, type StoredSettings, writeStored } from './stored.ts';

export interface SettingsDeps {
  secrets: SecretStore;
  config(): EngineConfig;
  token(): string;
  /** Puts a new configuration into effect (restarts the pipeline worker). */
  apply(next: EngineConfig): Promise<void>;
  log?: (msg: string) => void;
}

/** Keys whose change needs the pipeline to start over with the new configuration. */
const ENGINE_KEYS = [
  'kubeconfig',
  'context',
  'ollamaHost',
  'model',
  'llm',
  'feishuWebhook',
  'feishuSecret',
  'feishuKeyword',
  // One language for the UI and the reports (and Feishu cards).
  'language',
] as const;

/**
 * Reads and changes the settings. The kube, Ollama and Feishu settings take effect at once (the
 * pipeline restarts with them); the HTTP port and the token apply at the next start, and say so.
 */
export function createSettings(d: SettingsDeps) {
  const dataDir = () => d.config().dataDir;
  const pending = new Set<string>();
  const listeners = new Set<(v: SettingsView) => void>();
  let stored: StoredSettings = readStored(dataDir(), d.log);

  const view = (): SettingsView => {
    const c = d.config();
    return {
      dataDir: c.dataDir,
      kubeconfig: c.kubeconfig ?? null,
      context: c.context ?? null,
      ollamaHost: c.ollamaHost,
      model: c.model,
      llm: c.llm,
      feishu: {
        webhook: secretView(c.feishuWebhook),
        secret: secretView(c.feishuSecret),
        keyword: c.feishuKeyword ?? null,
      },
      host: c.host,
      port: stored.port ?? c.port,
      token: secretView(d.token()),
      notifications: stored.notifications ?? DEFAULT_NOTIFICATIONS,
      language: stored.language ?? 'auto',
      secretStorage: d.secrets.kind,
      pendingRestart: [...pending],
      alertmanagers: sourceViews(c.alertmanagers),
    };
  };

  return {
    view,
    notifications: (): NotificationSettings => stored.notifications ?? DEFAULT_NOTIFICATIONS,

    async update(patch: SettingsPatch): Promise<SettingsView> {
      const c = d.config();
      const engineChange: Record<string, unknown> = {};
      for (const key of ENGINE_KEYS) {
        if (!(key in patch)) continue;
        // null or '' clears a value, which then falls back to its default.
        const v = patch[key] === '' || patch[key] === null ? undefined : patch[key];
        if (v !== c[key]) engineChange[key] = v;
      }
      const sources = patch.alertmanagers ? mergeSources(c.alertmanagers, patch.alertmanagers) : null;
      if (sources) engineChange.alertmanagers = sources.config;
      const next = EngineConfigSchema.safeParse({ ...c, ...engineChange });
      if (!next.success) throw new ApiFailure(400, formatIssue(next.error));

      const nextStored: StoredSettings = { ...stored };
      // The keyword is no secret: it goes with the other settings, not in the secret store.
      for (const key of ['kubeconfig', 'context', 'ollamaHost', 'model', 'llm', 'feishuKeyword'] as const) {
        if (key in patch) (nextStored as Record<string, unknown>)[key] = next.data[key] ?? null;
      }
      if (patch.port !== undefined && patch.port !== (stored.port ?? c.port)) {
        nextStored.port = patch.port;
        pending.add('port');
      }
      if (patch.notifications) nextStored.notifications = patch.notifications;
      if (patch.language) nextStored.language = patch.language;
      if (sources) nextStored.alertmanagers = sources.stored;
      writeStored(c.dataDir, nextStored);
      stored = nextStored;

      // Each write keeps the other secrets: they share one file.
      if ('feishuWebhook' in patch || 'feishuSecret' in patch) {
        d.secrets.write({
          ...d.secrets.read(),
          feishuWebhook: next.data.feishuWebhook,
          feishuSecret: next.data.feishuSecret,
        });
      }
      if (sources) d.secrets.write({ ...d.secrets.read(), alertmanagers: sources.secrets });
      if (patch.token && patch.token !== d.token()) {
        saveToken(c.dataDir, patch.token);
        pending.add('token');
      }
      if (Object.keys(engineChange).length) await d.apply(next.data);
      const v = view();
      for (const fn of listeners) fn(v);
      return v;
    },

    onChange(fn: (v: SettingsView) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

export type SettingsService = ReturnType<typeof createSettings>;
