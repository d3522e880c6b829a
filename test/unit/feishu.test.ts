import { describe, expect, it } from 'vitest';
import { buildCard, MAX_BODY_BYTES, plain } from '../../electron/engine/notify/feishu/card.ts';
import { classify, sendToFeishu } from '../../electron/engine/notify/feishu/client.ts';
import { feishuSign } from '../../electron/engine/notify/feishu/sign.ts';
import { checkWebhookUrl } from '../../electron/engine/notify/feishu/url.ts';
import { parseMatcher, routesFor } from '../../electron/engine/notify/routes.ts';
import { backoff } from '../../electron/engine/notify/sender.ts';
import type { IncidentDetail } from '../../shared/incident.ts';
import { startFakeFeishu } from '../fakes/feishu.ts';

describe('Feishu protocol pieces', () => {
  it('signs like the official sample (HMAC key = "ts\\nsecret", empty message)', () => {
    expect(feishuSign('1599360473', 'demo-secret')).toBe('3/MaVZ8JLIy4TUG+7KSFJqvUkTKd+HWY8g+56DZWq8s=');
  });

  it('accepts Feishu and Lark custom-bot webhooks only', () => {
    expect(
      checkWebhookUrl('https://open.feishu.cn/open-apis/bot/v2/hook/6f1c2e4a-1b2c-4d5e-8f90-123456789abc').ok,
    ).toBe(true);
    expect(
      checkWebhookUrl('https://open.larksuite.com/open-apis/bot/v2/hook/6f1c2e4a-1b2c-4d5e-8f90-123456789abc')
        .ok,
    ).toBe(true);
    expect(checkWebhookUrl('https://hooks.slack.com/services/T000/B000/XXXX')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not a Feishu or Lark host/),
    });
    expect(checkWebhookUrl('http://open.feishu.cn/open-apis/bot/v2/hook/6f1c2e4a1b2c')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/https/),
    });
    expect(checkWebhookUrl('https://open.feishu.cn/open-apis/im/v1/messages')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/custom-bot webhook path/),
    });
    expect(checkWebhookUrl('not a url')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/is not a URL/),
    });
  });

  it('routes with Alertmanager-style matchers; a route without matchers gets everything', () => {
    const routes = [
      { name: 'all', url: 'u', match: [] },
      { name: 'oncall', url: 'u', match: ['severity=critical'] },
      { name: 'payments', url: 'u', match: ['namespace=~payments.*', 'severity!=info'] },
    ];
    expect(routesFor(routes, { severity: 'critical', namespace: 'shop' }).map((r) => r.name)).toEqual([
      'all',
      'oncall',
    ]);
    expect(routesFor(routes, { severity: 'warning', namespace: 'payments-eu' }).map((r) => r.name)).toEqual([
      'all',
      'payments',
    ]);
    expect(routesFor(routes, { severity: 'info', namespace: 'payments' }).map((r) => r.name)).toEqual([
      'all',
    ]);
    expect(() => parseMatcher('severity critical')).toThrow(/is not a matcher/);
    expect(() => parseMatcher('namespace=~(')).toThrow(/regular expression is invalid/);
  });

  it('classifies answers by body code, since errors come back with HTTP 200', () => {
    expect(classify(200, { code: 0, msg: 'success' })).toEqual({ ok: true });
    expect(classify(200, { StatusCode: 0 })).toEqual({ ok: true });
    expect(classify(200, { code: 19021, msg: 'sign match fail' })).toMatchObject({
      ok: false,
      retry: false,
      error: expect.stringMatching(/^signature rejected by Feishu: check the secret/),
    });
    expect(classify(200, { code: 19024, msg: 'Key Words Not Found' })).toMatchObject({
      retry: false,
      error: expect.stringMatching(/keyword is missing/),
    });
    expect(classify(200, { code: 11232, msg: 'frequency limited' })).toMatchObject({ retry: true });
    expect(classify(503, { code: 1 })).toMatchObject({ retry: true });
    expect(classify(200, { code: 19002, msg: 'params error, msg_type need' })).toMatchObject({
      retry: false,
    });
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoff(1, 1000, 300_000, () => 0.5)).toBe(1000);
    expect(backoff(4, 1000, 300_000, () => 0.5)).toBe(8000);
    expect(backoff(30, 1000, 300_000, () => 0.5)).toBe(300_000);
    expect(backoff(1, 1000, 300_000, () => 0)).toBe(700);
  });
});

function detail(over: Partial<IncidentDetail> = {}): IncidentDetail {
  const base = {
    id: 7,
    alertname: 'KubePodCrashLooping',
    severity: 'critical',
    namespace: 'shop',
    cluster: 'prod-eu-1',
    target: 'pod/checkout-7d9f8b6c5-x2x9q',
    status: 'firing',
    state: 'ready',
    category: 'OOMKilled',
    confidence: 95,
    source: 'llm',
    summary: 'x',
    startsAt: '2026-11-26T03:25:15.821Z',
    receivedAt: '2026-11-26T03:25:16.000Z',
    ackedAt: null,
    ackedBy: null,
    resolvedAt: null,
    alert: {
      fingerprint: 'f',
      status: 'firing',
      labels: { alertname: 'KubePodCrashLooping' },
      annotations: { runbook_url: 'https://runbooks.example/oom' },
      startsAt: '2026-11-26T03:25:15.821Z',
      endsAt: null,
      generatorURL: 'http://prometheus:9090/graph?g0.expr=x',
      externalURL: 'http://alertmanager:9093',
      receiver: 'r',
      groupKey: 'g',
    },
    context: null,
    report: {
      source: 'llm',
      model: 'qwen2.5:14b',
      rootCause: {
        category: 'OOMKilled',
        explanation: 'The JVM heap <at id=all></at> outgrew [the limit](http://evil).',
        confidence: 95,
        evidence: ['OOMKilled'],
      },
      impact: 'Checkout fails.',
      steps: [
        {
          title: 'Read the previous log',
          command: 'kubectl logs checkout-7d9f8b6c5-x2x9q -n shop --previous',
          risk: 'read-only',
        },
      ],
      prevention: [],
      findings: [],
      createdAt: '2026-11-26T03:26:00.000Z',
    },
    reports: [],
    timings: { collectMs: 1, rulesMs: 1, llmMs: 1, diagnoseMs: 1, totalMs: 1 },
    error: null,
    feedback: [],
    deliveries: [],
    actions: [],
  } as unknown as IncidentDetail;
  return { ...base, ...over };
}

describe('the card', () => {
  it('is an interactive card (top-level card), coloured by severity, with steps in code blocks and links', () => {
    const body = buildCard('new', detail(), { lang: 'en', keyword: 'oncall' });
    expect(body.msg_type).toBe('interactive');
    const text = JSON.stringify(body);
    expect((body.card as { header: { template: string } }).header.template).toBe('red');
    expect(text).toContain('```\\nkubectl logs checkout-7d9f8b6c5-x2x9q -n shop --previous\\n```');
    expect(text).toContain('OOMKilled');
    expect(text).toContain('95%');
    expect(text).toMatch(/"url":"http:\/\/alertmanager:9093\/#\/alerts\?filter=/);
    expect(text).toContain('https://runbooks.example/oom');
    expect(text).toContain('oncall');
    // Untrusted text can neither ping the group nor add links.
    expect(text).not.toContain('<at id=all>');
    expect(text).not.toContain('](http://evil)');
    expect(plain('<at id=all></at>')).toBe('＜at id=all＞＜/at＞');
  });

  it('a resolved card is green and says how long it lasted; a warning card is orange', () => {
    const resolved = buildCard(
      'resolved',
      detail({ resolvedAt: '2026-11-26T03:48:15.821Z', status: 'resolved' }),
      { lang: 'en' },
    );
    expect(
      (resolved.card as { header: { template: string; title: { content: string } } }).header,
    ).toMatchObject({
      template: 'green',
      title: {
        content: expect.stringMatching(
          /^✅ Resolved after 23 min · KubePodCrashLooping · shop\/checkout-7d9f8b6c5-x2x9q/,
        ),
      },
    });
    expect(
      (
        buildCard('new', detail({ severity: 'warning' }), { lang: 'zh' }).card as {
          header: { template: string };
        }
      ).header.template,
    ).toBe('orange');
    expect(
      JSON.stringify(
        buildCard('resolved', detail({ resolvedAt: '2026-11-26T04:25:15.821Z' }), { lang: 'zh' }),
      ),
    ).toContain('已恢复，持续 1 小时');
  });

  it('stays under the 20 KB limit by trimming, and says so', () => {
    const huge = detail();
    huge.report!.rootCause.explanation = 'x'.repeat(30_000);
    huge.report!.steps = Array.from({ length: 10 }, (_, i) => ({
      title: `step ${i} ${'y'.repeat(2_000)}`,
      command: `kubectl get pods -n shop ${'z'.repeat(400)}`,
      risk: 'read-only' as const,
    }));
    const body = buildCard('new', huge, { lang: 'en' });
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(JSON.stringify(body)).toContain('Trimmed to fit');
  });

  it('stays under the limit even with huge labels and links: title, target, namespace and links are cut, with a note', async () => {
    const big = (c: string, n: number) => c.repeat(n);
    const labels = {
      alertname: `Huge${big('A', 20_000)}`,
      namespace: big('n', 12_000),
      cluster: big('测', 8_000),
      pod: `${big('p', 15_000)}\u0001${big('\u0002', 3_000)}`,
    };
    const base = detail();
    const huge = detail({
      alertname: labels.alertname,
      namespace: labels.namespace,
      cluster: labels.cluster,
      target: `pod/${labels.pod}`,
      alert: {
        ...base.alert,
        labels,
        annotations: { runbook_url: `https://runbooks.example/${big('r', 30_000)}` },
        generatorURL: `http://prometheus:9090/graph?g0.expr=${big('x', 60_000)}`,
        externalURL: `http://alertmanager:9093/${big('e', 5_000)}`,
      },
    });
    huge.report!.model = big('m', 10_000);
    for (const kind of ['new', 'updated', 'resolved'] as const) {
      for (const lang of ['en', 'zh'] as const) {
        const body = buildCard(kind, huge, {
          lang,
          keyword: 'oncall-scout-keyword',
          previousCategory: 'CrashLoop',
        });
        const text = JSON.stringify(body);
        expect(Buffer.byteLength(text), `${kind} ${lang}`).toBeLessThanOrEqual(MAX_BODY_BYTES);
        // Still a whole card: its header, the alert's name (cut), the keyword and the note that says so.
        const parsed = JSON.parse(text) as {
          msg_type: string;
          card: {
            header: { title: { content: string }; template: string };
            elements: Array<{ tag: string; elements?: Array<{ content: string }> }>;
          };
        };
        expect(parsed.msg_type).toBe('interactive');
        const c = parsed.card;
        expect(c.header.title.content).toMatch(/HugeAAAA.*…/);
        expect(c.header.template).toBe(kind === 'resolved' ? 'green' : 'red');
        // The labels were cut before the diagnosis had to go.
        if (kind !== 'resolved') expect(text).toContain('kubectl logs checkout-7d9f8b6c5-x2x9q');
        const note = c.elements.at(-1)!;
        expect(note.tag).toBe('note');
        expect(note.elements!.map((e) => e.content)).toEqual([
          expect.stringContaining('Oncall Scout'),
          expect.stringMatching(/Trimmed to fit|内容过长已截断/),
          'oncall-scout-keyword',
        ]);
      }
    }
    // And the stand-in Feishu (20 KB, keyword, signature) takes it.
    const f = await startFakeFeishu({ secret: 's3cret', keyword: 'oncall-scout-keyword', rateLimits: false });
    try {
      const body = buildCard('new', huge, { lang: 'en', keyword: 'oncall-scout-keyword' });
      const sent = await sendToFeishu({ name: 't', url: f.url, secret: 's3cret', match: [] }, body);
      expect(sent).toEqual({ ok: true });
    } finally {
      await f.close();
    }
  });

  it('redacts every text it carries: labels, annotations, links and the report', () => {
    const d = detail({ target: 'pod/api-0', namespace: 'shop' });
    d.alert.annotations.runbook_url = 'https://runbooks.example/oom?token=RunbookTok3n';
    d.alert.generatorURL = 'http://user:Gr4phPass@prometheus:9090/graph?g0.expr=x';
    d.report!.rootCause.explanation = 'dial postgres://app:S3cr3tP4ss@db:5432/shop failed';
    d.report!.rootCause.evidence = ['Authorization: Bearer abcDEF0123456789ghiJKL'];
    d.report!.steps = [
      { title: 'Check with api_key=AbCdEf123456', command: 'curl -u x:Y http://x', risk: 'read-only' },
    ];
    const text = JSON.stringify(buildCard('new', d, { lang: 'en' }));
    for (const secret of [
      'RunbookTok3n',
      'Gr4phPass',
      'S3cr3tP4ss',
      'abcDEF0123456789ghiJKL',
      'AbCdEf123456',
    ])
      expect(text, secret).not.toContain(secret);
    expect(text).toContain('postgres://app:［REDACTED］@db:5432/shop');
  });
});
