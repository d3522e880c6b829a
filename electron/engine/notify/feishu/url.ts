/**
 * Which URLs are Feishu/Lark custom-bot webhooks. Anything else is refused in settings and config: the
 * report must not go to a host nobody meant. Loopback hosts are accepted for local relays and tests.
 */
const HOSTS = new Set(['open.feishu.cn', 'open.larksuite.com', 'open.larkoffice.com']);

export function checkWebhookUrl(raw: string): { ok: true; url: URL } | { ok: false; error: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return {
      ok: false,
      error: `"${raw}" is not a URL; paste the bot's webhook address (https://open.feishu.cn/open-apis/bot/v2/hook/…)`,
    };
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (!loopback && url.protocol !== 'https:')
    return { ok: false, error: `the webhook must use https (got ${url.protocol}//${url.host})` };
  if (!loopback && !HOSTS.has(url.hostname)) {
    return {
      ok: false,
      error: `${url.hostname} is not a Feishu or Lark host; a custom-bot webhook looks like https://open.feishu.cn/open-apis/bot/v2/hook/<token> (Lark: open.larksuite.com)`,
    };
  }
  if (!/\/open-apis\/bot\/v2\/hook\/[\w-]{8,}$/.test(url.pathname)) {
    return {
      ok: false,
      error: 'this is not a custom-bot webhook path: it must end in /open-apis/bot/v2/hook/<token>',
    };
  }
  return { ok: true, url };
}

/** The webhook without its token, for logs and the UI. */
export function describeWebhook(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.host}/…/hook/${u.pathname.split('/').at(-1)?.slice(0, 4) ?? ''}…`;
  } catch {
    return 'invalid webhook';
  }
}
