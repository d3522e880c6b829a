import type { FeishuRoute } from '../../../../shared/delivery.ts';
import { type CardLang, testCard } from './card.ts';
import { sendToFeishu } from './client.ts';
import { checkWebhookUrl } from './url.ts';

/** Sends the settings screen's test card now (not through the outbox) and says how it went. */
export async function testFeishu(
  route: FeishuRoute,
  lang: CardLang,
): Promise<{ ok: boolean; message: string; fix?: string }> {
  if (!route.url)
    return {
      ok: false,
      message: 'no Feishu webhook is set',
      fix: "paste the custom bot's webhook URL first",
    };
  const url = checkWebhookUrl(route.url);
  if (!url.ok)
    return {
      ok: false,
      message: url.error,
      fix: "copy the webhook from the bot's settings in the Feishu group",
    };
  const r = await sendToFeishu(route, testCard(lang, route.keyword));
  if (r.ok) return { ok: true, message: 'the test card was delivered: check the group' };
  return {
    ok: false,
    message: r.error,
    ...(r.retry
      ? { fix: 'try again in a moment; check that Feishu is reachable from this machine' }
      : { fix: r.fix }),
  };
}
