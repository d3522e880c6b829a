import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  AlertmanagerSourceFields,
  type AlertmanagerSourceInput,
  oneTarget,
} from '../../../shared/alertmanager.ts';
import { Language, NotificationSettings } from '../../../shared/settings.ts';
import type { EngineConfigInput } from '../config.ts';
import { type SecretStore, writePrivateFile } from './secrets.ts';

/** A pull source without its credentials (those go to the secret store, by source name). */
export const StoredSource = AlertmanagerSourceFields.omit({ bearerToken: true, basicAuth: true })
  .extend({ name: z.string().min(1), basicAuthUser: z.string().max(256).optional() })
  .superRefine(oneTarget);
export type StoredSource = z.infer<typeof StoredSource>;

/** settings.json in the data dir: what the user chose in Settings, secrets excepted. */
const StoredFields = {
  kubeconfig: z.string().nullable(),
  context: z.string().nullable(),
  ollamaHost: z.string(),
  model: z.string(),
  llm: z.boolean(),
  feishuKeyword: z.string().max(64).nullable(),
  port: z.number().int().min(0).max(65535),
  notifications: NotificationSettings,
  language: Language,
  alertmanagers: z.array(StoredSource),
};
export const StoredSettings = z.object(StoredFields).partial();
export type StoredSettings = z.infer<typeof StoredSettings>;

export const settingsFile = (dataDir: string) => path.join(dataDir, 'settings.json');

/**
 * Reads settings.json key by key: a damaged or hand-edited value is dropped (and reported) instead of
 * costing the user every other setting or the app's start.
 */
export function readStored(dataDir: string, warn: (msg: string) => void = () => {}): StoredSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(settingsFile(dataDir), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      warn(`ignoring ${settingsFile(dataDir)}: ${(err as Error).message}`);
    return {};
  }
  if (!raw || typeof raw !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(StoredFields)) {
    if (!(key in raw)) continue;
    const r = schema.safeParse((raw as Record<string, unknown>)[key]);
    if (r.success) out[key] = r.data;
    else warn(`ignoring "${key}" in ${settingsFile(dataDir)}: ${r.error.issues[0]?.message}`);
  }
  return out as StoredSettings;
}

export function writeStored(dataDir: string, s: StoredSettings): void {
  writePrivateFile(settingsFile(dataDir), `${JSON.stringify(StoredSettings.parse(s), null, 2)}\n`);
}

/**
 * The saved settings as a configuration layer. It sits above the config file and the environment and
 * below command-line flags: what the user last chose in the app wins over $KUBECONFIG, a flag given
 * for this run wins over both.
 */
export function savedConfig(
  dataDir: string,
  secrets: SecretStore,
  warn?: (msg: string) => void,
): EngineConfigInput {
  const s = readStored(dataDir, warn);
  const sec = secrets.read();
  return {
    kubeconfig: s.kubeconfig ?? undefined,
    context: s.context ?? undefined,
    ollamaHost: s.ollamaHost,
    model: s.model,
    llm: s.llm,
    port: s.port,
    language: s.language,
    feishuWebhook: sec.feishuWebhook,
    feishuSecret: sec.feishuSecret,
    feishuKeyword: s.feishuKeyword ?? undefined,
    alertmanagers: s.alertmanagers?.map((src) => withSecrets(src, sec.alertmanagers?.[src.name])),
  };
}

/** A saved source with its credentials put back. */
export function withSecrets(
  { basicAuthUser, ...src }: StoredSource,
  sec: { bearerToken?: string; password?: string } | undefined,
): AlertmanagerSourceInput {
  return {
    ...src,
    ...(sec?.bearerToken ? { bearerToken: sec.bearerToken } : {}),
    ...(basicAuthUser !== undefined
      ? { basicAuth: { username: basicAuthUser, password: sec?.password ?? '' } }
      : {}),
  };
}
