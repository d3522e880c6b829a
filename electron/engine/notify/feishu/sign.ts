import crypto from 'node:crypto';

/**
 * Feishu's signature: base64(HMAC-SHA256(key = "<timestamp>\n<secret>", message = "")) with the
 * timestamp in seconds (PROTOCOLS §4.2) — not DingTalk's HMAC(secret, ts + "\n" + secret).
 */
export function feishuSign(timestampSeconds: string, secret: string): string {
  return crypto.createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}
