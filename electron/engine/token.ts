import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The API token: given, or generated once and kept (0600) in the data dir so URLs stay valid across restarts. */
export function loadOrCreateToken(dataDir: string, given?: string): string {
  if (given) return given;
  const file = path.join(dataDir, 'token');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) return existing;
  } catch {
    // first start: create below
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Compares without leaking, through timing, how much of a guess was right (or the token's length). */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b);
}

/** Replaces the stored token (Settings); the server keeps the one it started with until restarted. */
export function saveToken(dataDir: string, token: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'token');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
