import { afterEach, describe, expect, it } from 'vitest';
import { expectedSign, type FakeFeishu, startFakeFeishu } from '../fakes/feishu.ts';

let f: FakeFeishu;
afterEach(async () => {
  await f?.close();
});

async function post(url: string, body: unknown) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code: number; msg: string } };
}
const card = { msg_type: 'interactive', card: { elements: [{ tag: 'markdown', content: 'hi' }] } };
const signed = (secret: string, ts = String(Math.floor(Date.now() / 1000))) => ({
  timestamp: ts,
  sign: expectedSign(ts, secret),
  ...card,
});

describe('stand-in Feishu custom bot (PROTOCOLS §4)', () => {
  it('answers errors with HTTP 200 and a code, like Feishu', async () => {
    f = await startFakeFeishu({ secret: 's3', keyword: 'ALERT', rateLimits: false });
    expect(
      await post(f.url, { ...signed('s3'), card: { elements: [{ tag: 'markdown', content: 'ALERT' }] } }),
    ).toEqual({
      status: 200,
      body: expect.objectContaining({ code: 0, msg: 'success', StatusCode: 0 }),
    });
    expect((await post(f.url, signed('wrong'))).body).toMatchObject({ code: 19021 });
    expect(
      (await post(f.url, signed('s3', String(Math.floor(Date.now() / 1000) - 7200)))).body,
    ).toMatchObject({ code: 19021 });
    expect((await post(f.url, { ...signed('s3'), msg_type: 'markdown' })).body).toMatchObject({
      code: 19002,
    });
    expect(
      (await post(f.url, { timestamp: signed('s3').timestamp, sign: signed('s3').sign })).body,
    ).toMatchObject({ code: 19002, msg: 'params error, msg_type need' });
    expect(
      (await post(f.url, { ...signed('s3'), card: undefined, content: { card: {} } })).body,
    ).toMatchObject({ code: 19002, msg: 'params error, unknown card value' });
    expect((await post(f.url, signed('s3'))).body).toMatchObject({ code: 19024, msg: 'Key Words Not Found' });
    expect((await post(f.url.replace(/hook\/.*/, 'hook/not-the-token'), signed('s3'))).body).toMatchObject({
      code: 19001,
    });
    expect(await post(f.url, JSON.stringify({ ...signed('s3'), pad: 'x'.repeat(21 * 1024) }))).toMatchObject({
      status: 400,
      body: { code: 9499 },
    });
    expect(f.delivered()).toHaveLength(1);
  });

  it('limits a bot to 5 requests per second', async () => {
    f = await startFakeFeishu();
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await post(f.url, card)).body.code);
    expect(codes).toEqual([0, 0, 0, 0, 0, 11232, 11232]);
  });
});
