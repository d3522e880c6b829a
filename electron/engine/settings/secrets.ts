import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The secrets Settings can hold. The API token lives in its own file (token.ts), as before. */
/** An Alertmanager source's credentials, kept apart from its address (settings.json). */
export const SourceSecrets = z.object({
  bearerToken: z.string().optional(),
  password: z.string().optional(),
});
export type SourceSecrets = z.infer<typeof SourceSecrets>;

export const Secrets = z.object({
  feishuWebhook: z.string().optional(),
  feishuSecret: z.string().optional(),
  /** By source name. */
  alertmanagers: z.record(z.string(), SourceSecrets).optional(),
});
export type Secrets = z.infer<typeof Secrets>;

/**
 * Where secrets are kept: the desktop app passes one backed by Electron's safeStorage (the OS keychain);
 * headless, they sit in a 0600 file in the data dir.
 */
export interface SecretStore {
  readonly kind: 'safeStorage' | 'file';
  read(): Secrets;
  write(secrets: Secrets): void;
}

/** Writes through a temporary file so a crash never leaves half a file; the mode is set before any byte. */
export function writePrivateFile(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** Parses stored secrets, keeping the valid keys of a damaged file rather than losing all of them. */
export function parseSecrets(raw: unknown): Secrets {
  const out: Secrets = {};
  if (raw && typeof raw === 'object') {
    for (const key of ['feishuWebhook', 'feishuSecret'] as const) {
      const v = (raw as Record<string, unknown>)[key];
      if (typeof v === 'string' && v) out[key] = v;
    }
    const am = (raw as Record<string, unknown>).alertmanagers;
    if (am && typeof am === 'object') {
      const sources: Record<string, SourceSecrets> = {};
      for (const [name, v] of Object.entries(am)) {
        const r = SourceSecrets.safeParse(v);
        if (r.success && (r.data.bearerToken || r.data.password)) sources[name] = r.data;
      }
      if (Object.keys(sources).length) out.alertmanagers = sources;
    }
  }
  return out;
}

export function fileSecretStore(dataDir: string): SecretStore {
  const file = path.join(dataDir, 'secrets.json');
  return {
    kind: 'file',
    read() {
      try {
        return parseSecrets(JSON.parse(fs.readFileSync(file, 'utf8')));
      } catch {
        return {};
      }
    },
    write(secrets) {
      writePrivateFile(file, `${JSON.stringify(parseSecrets(secrets), null, 2)}\n`);
    },
  };
}
