import type { FeishuRoute } from '../../../../shared/delivery.ts';
import { feishuSign } from './sign.ts';

export type SendResult =
  | { ok: true }
  /** Worth another try later: network trouble, 5xx, rate limits. */
  | { ok: false; retry: true; error: string; retryAfterMs?: number }
  /** Will fail the same way until someone changes a setting: say what and how. */
  | { ok: false; retry: false; error: string; fix: string };

/**
 * Feishu answers errors with HTTP 200 and a `code` in the body (PROTOCOLS §4.6); the legacy
 * `StatusCode` may be all there is.
 */
export function classify(status: number, body: unknown): SendResult {
  const b = (body ?? {}) as { code?: number; StatusCode?: number; msg?: string; StatusMessage?: string };
  const code = b.code ?? b.StatusCode;
  const msg = b.msg ?? b.StatusMessage ?? '';
  if (status >= 200 && status < 300 && code === 0) return { ok: true };
  if (code === 19021) {
    return {
      ok: false,
      retry: false,
      error: `signature rejected by Feishu: check the secret (${msg || 'sign match fail'})`,
      fix: "copy the signing secret from the bot's security settings again; if it is right, check this machine's clock (±1 hour)",
    };
  }
  if (code === 19024) {
    return {
      ok: false,
      retry: false,
      error: `Feishu refused the card: the bot's keyword is missing (${msg || 'Key Words Not Found'})`,
      fix: "set the keyword (settings or feishuRoutes[].keyword) to one of the bot's custom keywords",
    };
  }
  if (code === 19022) {
    return {
      ok: false,
      retry: false,
      error: `Feishu refused this machine's IP address (${msg})`,
      fix: "add this network's public IP to the bot's IP allowlist, or remove the allowlist",
    };
  }
  if (code === 11232)
    return {
      ok: false,
      retry: true,
      error: `Feishu rate limit (${msg || 'frequency limited'})`,
      retryAfterMs: 2_000,
    };
  if (code === 19002 || code === 9499) {
    return {
      ok: false,
      retry: false,
      error: `Feishu rejected the message as malformed (${code}: ${msg})`,
      fix: 'this is a bug in Oncall Scout: please report it with the incident',
    };
  }
  if (status === 404 || (code !== undefined && /webhook|token|not exist|invalid/i.test(msg))) {
    return {
      ok: false,
      retry: false,
      error: `the webhook does not exist (${status}${msg ? `: ${msg}` : ''})`,
      fix: "copy the bot's webhook URL again: the bot may have been deleted",
    };
  }
  if (status === 429 || status >= 500)
    return { ok: false, retry: true, error: `Feishu answered ${status}${msg ? `: ${msg}` : ''}` };
  if (status >= 400)
    return {
      ok: false,
      retry: false,
      error: `Feishu answered ${status}${msg ? `: ${msg}` : ''}`,
      fix: 'check the webhook URL',
    };
  return {
    ok: false,
    retry: true,
    error: `unexpected answer (HTTP ${status}, code ${code ?? 'none'}${msg ? `: ${msg}` : ''})`,
  };
}

/** Posts one message to a custom bot: signed when the route has a secret, with a hard timeout. */
export async function sendToFeishu(
  route: FeishuRoute,
  body: object,
  opts: { timeoutMs?: number; now?: () => Date } = {},
): Promise<SendResult> {
  const ts = String(Math.floor((opts.now?.() ?? new Date()).getTime() / 1000));
  const signed = route.secret ? { timestamp: ts, sign: feishuSign(ts, route.secret), ...body } : body;
  let res: Response;
  try {
    res = await fetch(route.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(signed),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? 'no answer in 10 s' : (e.cause?.code ?? e.message);
    return { ok: false, retry: true, error: `Feishu is not reachable (${why})` };
  }
  const text = await res.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Gateways answer HTML on 5xx; a 2xx that is not JSON is odd but retryable.
    return res.status >= 400 && res.status < 500 && res.status !== 429
      ? {
          ok: false,
          retry: false,
          error: `Feishu answered ${res.status} (not JSON)`,
          fix: 'check the webhook URL',
        }
      : { ok: false, retry: true, error: `Feishu answered ${res.status} (not JSON)` };
  }
  return classify(res.status, json);
}
