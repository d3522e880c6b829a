import { describe, expect, it } from 'vitest';
import { en } from '../../../renderer/src/i18n/en.ts';
import { resolveLang, translate } from '../../../renderer/src/i18n/index.tsx';
import { zh } from '../../../renderer/src/i18n/zh.ts';
import { foldLog, levelOf, splitMatches } from '../../../renderer/src/incident/logs.ts';
import { locateEvidence, parseRef } from '../../../renderer/src/incident/refs.ts';
import { partialExplanation } from '../../../renderer/src/incident/streaming.ts';
import {
  applyUpdates,
  cleared,
  filtersFromParams,
  isFiltered,
  matches,
  NO_FILTERS,
  toQuery,
} from '../../../renderer/src/incidents/filters.ts';
import { ago, safeHref } from '../../../renderer/src/ui/format.ts';
import { type Context, emptyContext } from '../../../shared/context.ts';
import type { IncidentSummary } from '../../../shared/incident.ts';
import type { Finding } from '../../../shared/report.ts';
import { incidentSummary } from '../../helpers/incident-summary.ts';

const inc = (id: number, over: Partial<IncidentSummary> = {}): IncidentSummary =>
  incidentSummary({
    id,
    alertname: 'A',
    target: `pod/p${id}`,
    receivedAt: `2026-11-26T03:00:${String(id).padStart(2, '0')}.000Z`,
    ...over,
  });

describe('live list updates', () => {
  const list = [inc(5), inc(4), inc(2)];
  it('puts a new incident in order, replaces a changed one, drops one that no longer fits', () => {
    const r = applyUpdates(list, [inc(6), inc(3), inc(4, { state: 'ready' })], NO_FILTERS, true);
    expect(r.items.map((i) => i.id)).toEqual([6, 5, 4, 3, 2]);
    expect(r.items[2]!.state).toBe('ready');
    expect(r.added).toBe(2);
    const f = { ...NO_FILTERS, acked: 'false' as const };
    const acked = applyUpdates(list, [inc(4, { ackedAt: 'x' })], f, true);
    expect(acked.items.map((i) => i.id)).toEqual([5, 2]);
    expect(acked.removed).toBe(1);
  });

  it('leaves an incident older than the loaded pages to paging, and full-text matches to the server', () => {
    expect(applyUpdates(list, [inc(1)], NO_FILTERS, false).items.map((i) => i.id)).toEqual([5, 4, 2]);
    const r = applyUpdates(list, [inc(9)], { ...NO_FILTERS, q: 'oom' }, true);
    expect(r.unknown.map((i) => i.id)).toEqual([9]);
    expect(r.items).toBe(list);
    expect(matches(inc(1, { severity: 'critical' }), { ...NO_FILTERS, severity: 'warning' })).toBe(false);
  });

  it('reads filters from the URL, ignoring values it does not know', () => {
    expect(filtersFromParams({ status: 'firing', acked: 'false', severity: 'loud', q: 'x' })).toEqual({
      ...NO_FILTERS,
      status: 'firing',
      acked: 'false',
      q: 'x',
    });
    // The grouped view and a group's alert and workload, from a shared link.
    const group = filtersFromParams({ view: 'groups', alertname: 'KubePodOOMKilled', workload: 'api' });
    expect(group).toMatchObject({ view: 'groups', alertname: 'KubePodOOMKilled', workload: 'api' });
    expect(filtersFromParams({ view: 'tiles' }).view).toBe('');
    // The view is not a filter: it neither counts as one nor goes to the server, and clearing keeps it.
    expect(isFiltered({ ...NO_FILTERS, view: 'groups' })).toBe(false);
    expect(toQuery(group)).toEqual({ alertname: 'KubePodOOMKilled', workload: 'api' });
    expect(cleared(group)).toEqual({ ...NO_FILTERS, view: 'groups' });
  });

  it("judges a live incident's membership of a group as the server does", () => {
    const f = { ...NO_FILTERS, alertname: 'KubePodOOMKilled', workload: 'api' };
    const pod = (target: string) => inc(7, { alertname: 'KubePodOOMKilled', target });
    expect(matches(pod('pod/api-7d9f8c6b5-x2x9q'), f)).toBe(true);
    expect(matches(pod('pod/api-gateway-7d9f8c6b5-x2x9q'), f)).toBe(false);
    expect(matches({ ...pod('pod/api-7d9f8c6b5-x2x9q'), alertname: 'KubePodCrashLooping' }, f)).toBe(false);
  });
});

describe('logs', () => {
  const log = [
    'starting',
    ...Array.from({ length: 6 }, (_, i) => `2026-11-26T03:00:0${i}Z heartbeat seq=${i}`),
    'ERROR cannot connect to db',
    'done',
  ].join('\n');

  it('folds runs of look-alike lines, keeps errors visible, unfolds for a search hit or a focused line', () => {
    const rows = foldLog(log);
    expect(rows.map((r) => (r.kind === 'fold' ? `fold ${r.from}-${r.to}` : r.n))).toEqual([
      1,
      2,
      'fold 3-7',
      8,
      9,
    ]);
    expect(rows.find((r) => r.kind === 'line' && r.n === 8)).toMatchObject({ level: 'error' });
    expect(foldLog(log, { keep: new Set([5]) }).some((r) => r.kind === 'fold')).toBe(false);
    expect(foldLog(log, { search: 'seq=4' }).some((r) => r.kind === 'fold')).toBe(false);
    expect(foldLog(log, { opened: new Set([3]) }).some((r) => r.kind === 'fold')).toBe(false);
    const only = foldLog(log, { search: 'SEQ=', onlyMatches: true });
    expect(only.map((r) => (r.kind === 'line' ? r.n : 0))).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('marks levels and splits search hits case-insensitively', () => {
    expect(levelOf('panic: runtime error')).toBe('error');
    expect(levelOf('WARN slow response')).toBe('warn');
    expect(levelOf('GET /healthz 200')).toBeNull();
    expect(splitMatches('a Foo b foo', 'foo')).toEqual([
      { text: 'a ', hit: false },
      { text: 'Foo', hit: true },
      { text: ' b ', hit: false },
      { text: 'foo', hit: true },
    ]);
  });
});

describe('evidence refs', () => {
  it('maps each ref kind to its tab', () => {
    expect(parseRef('log/api-1/app/previous#L12')).toEqual({
      tab: 'logs',
      ref: 'log/api-1/app/previous#L12',
      log: { key: 'api-1/app/previous', line: 12 },
    });
    expect(parseRef('event/3')?.tab).toBe('events');
    expect(parseRef('pod/api-1/container/app/lastState')?.tab).toBe('status');
    expect(parseRef('node/worker-1/condition/DiskPressure')?.tab).toBe('node');
    expect(parseRef('workload/Deployment/api')?.tab).toBe('workload');
    expect(parseRef('something-else')).toBeNull();
  });

  it('finds where an LLM evidence string is: a finding, a log line, an event; else nowhere', () => {
    const ctx: Context = {
      ...emptyContext({ kind: 'pod', name: 'api-1', namespace: 'shop' }, '2026-11-26T03:00:00Z'),
      logs: [
        {
          pod: 'api-1',
          container: 'app',
          previous: true,
          text: 'boot\nFATAL: no REDIS_URL\n',
          lineCount: 2,
          truncated: false,
        },
      ],
      events: [
        {
          type: 'Warning',
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
          count: 3,
          object: 'Pod/api-1',
          source: 'kubelet',
        },
      ],
    };
    const findings = [
      {
        rule: 'r',
        category: 'CrashLoop',
        confidence: 90,
        summary: 's',
        params: {},
        evidence: [{ ref: 'pod/api-1/container/app/state', text: 'waiting CrashLoopBackOff' }],
      },
    ] as Finding[];
    expect(locateEvidence('CrashLoopBackOff', ctx, findings)).toBe('pod/api-1/container/app/state');
    expect(locateEvidence('no REDIS_URL', ctx, [])).toBe('log/api-1/app/previous#L2');
    expect(locateEvidence('Back-off restarting', ctx, [])).toBe('event/0');
    expect(locateEvidence('the moon', ctx, [])).toBeNull();
    expect(locateEvidence('ab', ctx, [])).toBeNull();
  });
});

describe('streaming', () => {
  it('pulls the explanation out of partial JSON', () => {
    expect(
      partialExplanation('{"rootCause":{"category":"OOMKilled","explanation":"The heap \\"ran\\" out\\nof'),
    ).toBe('The heap "ran" out\nof');
    expect(partialExplanation('{"rootCause":{"categ')).toBeNull();
    expect(partialExplanation('{"explanation":"ends with escape \\')).toBe('ends with escape ');
  });
});

describe('i18n and formatting', () => {
  it('has the same placeholders in Chinese as in English', () => {
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[])
      expect(vars(zh[key]), key).toEqual(vars(en[key]));
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it('picks the language from the setting, else the system', () => {
    expect(resolveLang('auto', 'zh-CN')).toBe('zh');
    expect(resolveLang(undefined, 'en-GB')).toBe('en');
    expect(resolveLang('en', 'zh-TW')).toBe('en');
    expect(translate('zh', 'diag.confidence', { n: 80 })).toBe('置信度 80%');
  });

  it('says "1 model", "2 models" and "0 models" in English', () => {
    expect(translate('en', 'settings.testOk', { version: '0.12.6', n: 1 })).toBe(
      'Ollama 0.12.6 answers; 1 model pulled.',
    );
    expect(translate('en', 'settings.testOk', { version: '0.12.6', n: 2 })).toBe(
      'Ollama 0.12.6 answers; 2 models pulled.',
    );
    expect(translate('en', 'list.count', { total: 0 })).toBe('0 incidents');
    expect(translate('en', 'settings.amStatus', { ago: '5s ago', alerts: 3, firing: 1 })).toBe(
      'last poll 5s ago · 3 listed, 1 becomes an incident',
    );
    expect(translate('zh', 'settings.testOk', { version: '0.12.6', n: 1 })).toBe(
      'Ollama 0.12.6 已响应；已拉取 1 个模型。',
    );
  });

  it('links only http(s) and says how long ago', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('https://runbooks/x')).toBe('https://runbooks/x');
    const now = Date.parse('2026-11-26T03:10:00Z');
    expect(ago('2026-11-26T03:07:00Z', 'en', now)).toBe('3 min ago');
    expect(ago('2026-11-26T03:07:00Z', 'zh', now)).toBe('3 分钟前');
  });
});
