import fs from 'node:fs';
import path from 'node:path';
import type { Alert } from '../../../shared/alert.ts';
import { estimateTokens } from '../collect/digest.ts';
import { redact } from '../collect/redact.ts';

export interface RunbookOptions {
  /** Folder of local runbooks, `<alertname>.md` (or .txt), matched case-insensitively. */
  dir?: string;
  /** Fetch the alert's runbook_url when no local runbook matches. */
  fetch: boolean;
  timeoutMs: number;
  maxTokens: number;
}

const cache = new Map<string, { text: string | undefined; at: number }>();
const CACHE_MS = 60 * 60 * 1000;

/** HTML to readable text: enough for a wiki page or a runbooks.prometheus-operator.dev page. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|nav|header|footer|svg)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<(br|\/p|\/div|\/li|\/h\d|\/tr|\/pre)[^>]*>/gi, '\n')
    .replace(/<li[^>]*>/gi, '- ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

function trimToTokens(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  const cut = text.slice(0, Math.floor(maxTokens * 3.5));
  return `${cut}\n[… runbook cut to fit the model's context]`;
}

function localRunbook(dir: string | undefined, alertname: string): string | undefined {
  if (!dir || !fs.existsSync(dir)) return undefined;
  const want = alertname.toLowerCase();
  const file = fs
    .readdirSync(dir)
    .find((f) => /\.(md|txt)$/i.test(f) && f.replace(/\.(md|txt)$/i, '').toLowerCase() === want);
  return file ? fs.readFileSync(path.join(dir, file), 'utf8') : undefined;
}

async function remoteRunbook(url: string, timeoutMs: number): Promise<string | undefined> {
  const hit = cache.get(url);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.text;
  let text: string | undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    const res = await fetch(u, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
      headers: { accept: 'text/markdown, text/plain, text/html' },
    });
    if (res.ok) {
      const body = (await res.text()).slice(0, 400_000);
      text = /html/i.test(res.headers.get('content-type') ?? '') ? htmlToText(body) : body;
    }
  } catch {
    text = undefined; // unreachable (VPN, auth wall): the prompt simply goes without it
  }
  cache.set(url, { text, at: Date.now() });
  return text;
}

/**
 * The alert's runbook for the prompt: a local file matched by alertname first (the team's own words),
 * else the runbook_url page when reachable. Redacted and trimmed; undefined when there is none.
 */
export async function findRunbook(alert: Alert, o: RunbookOptions): Promise<string | undefined> {
  const name = alert.labels.alertname ?? '';
  let text = localRunbook(o.dir, name);
  const url = alert.annotations.runbook_url;
  if (!text && url && o.fetch) text = await remoteRunbook(url, o.timeoutMs);
  return text ? trimToTokens(redact(text), o.maxTokens) : undefined;
}
