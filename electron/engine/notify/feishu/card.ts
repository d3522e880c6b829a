import type { DeliveryKind } from '../../../../shared/delivery.ts';
import type { IncidentDetail } from '../../../../shared/incident.ts';
import { describeSeries } from '../../../../shared/metrics.ts';
import { workloadOf } from '../../../../shared/workload.ts';
import { redact, redactDeep } from '../../collect/redact.ts';

/**
 * The interactive card (JSON 1.0: accepted by every custom bot and every client) for one incident:
 * header coloured by severity, where and since when, the diagnosis and its confidence, the immediate
 * steps with commands in code blocks, and links to Alertmanager, the graph and the runbook. Every text
 * it carries goes through the redactor first: labels and annotations arrive raw from Alertmanager, and a
 * model may quote a secret. Kept under Feishu's 20 KB body limit by trimming, with a note — never
 * rejected for its size.
 */

export const MAX_BODY_BYTES = 19_500;

const LABELS = {
  en: {
    target: 'Target',
    where: 'Namespace / cluster',
    started: 'Started',
    severity: 'Severity',
    diagnosis: 'Diagnosis',
    confidence: 'confidence',
    steps: 'Immediate steps',
    metrics: 'Metrics',
    resolvedAfter: (d: string) => `Resolved after ${d}`,
    allResolvedAfter: (n: number, d: string) => `All ${n} resolved after ${d}`,
    updated: 'Updated diagnosis',
    was: (c: string) => `was ${c}`,
    alertmanager: 'Alertmanager',
    graph: 'Graph',
    runbook: 'Runbook',
    footer: 'Oncall Scout · a first diagnosis; the on-call engineer decides',
    trimmed: 'Trimmed to fit Feishu’s size limit — the full report is in Oncall Scout.',
    rules: 'rules',
    analysing: 'the LLM is still analysing',
    test: 'Test message from Oncall Scout: this group will receive incident reports.',
  },
  zh: {
    target: '对象',
    where: '命名空间 / 集群',
    started: '开始时间',
    severity: '级别',
    diagnosis: '诊断',
    confidence: '置信度',
    steps: '立即处理步骤',
    metrics: '指标',
    resolvedAfter: (d: string) => `已恢复，持续 ${d}`,
    allResolvedAfter: (n: number, d: string) => `全部 ${n} 个已恢复，持续 ${d}`,
    updated: '诊断已更新',
    was: (c: string) => `原为 ${c}`,
    alertmanager: 'Alertmanager',
    graph: '监控图',
    runbook: 'Runbook',
    footer: 'Oncall Scout · 初步诊断，最终由值班工程师决定',
    trimmed: '内容过长已截断，完整报告请在 Oncall Scout 中查看。',
    rules: '规则',
    analysing: 'LLM 仍在分析',
    test: '来自 Oncall Scout 的测试消息：本群将收到告警诊断报告。',
  },
};
export type CardLang = keyof typeof LABELS;

const TEMPLATE: Record<string, string> = { critical: 'red', warning: 'orange', info: 'blue', none: 'grey' };
const ICON: Record<string, string> = { critical: '🔴', warning: '🟠', info: '🔵', none: '⚪' };

/** Untrusted text (labels, model output, log lines) may not ping the group or smuggle links. */
export function plain(text: string): string {
  return text.replace(/</g, '＜').replace(/>/g, '＞').replace(/\[/g, '［').replace(/\]/g, '］');
}

/** At most `max` characters, without splitting a surrogate pair; marked when cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

function code(cmd: string): string {
  return `\`\`\`\n${cmd.replace(/```/g, "'''")}\n\`\`\``;
}

export function humanDuration(ms: number, lang: CardLang): string {
  const min = Math.max(1, Math.round(ms / 60_000));
  if (min < 60) return lang === 'zh' ? `${min} 分钟` : `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return lang === 'zh' ? `${h} 小时${rest ? ` ${rest} 分钟` : ''}` : `${h} h${rest ? ` ${rest} min` : ''}`;
}

function alertmanagerLink(d: IncidentDetail): string | undefined {
  if (!/^https?:\/\//.test(d.alert.externalURL)) return undefined;
  const filter = `{alertname="${d.alertname}"${d.namespace ? `,namespace="${d.namespace}"` : ''}}`;
  return `${d.alert.externalURL.replace(/\/$/, '')}/#/alerts?filter=${encodeURIComponent(filter)}`;
}

function links(d: IncidentDetail, l: (typeof LABELS)[CardLang], maxUrl: number) {
  const out: Array<[string, string]> = [];
  const am = alertmanagerLink(d);
  if (am) out.push([l.alertmanager, am]);
  if (/^https?:\/\//.test(d.alert.generatorURL)) out.push([l.graph, d.alert.generatorURL]);
  const rb = d.alert.annotations.runbook_url;
  if (rb && /^https?:\/\//.test(rb)) out.push([l.runbook, rb]);
  const fit = out.filter(([, url]) => url.length <= maxUrl);
  return fit.length
    ? [
        {
          tag: 'action',
          actions: fit.map(([text, url]) => ({
            tag: 'button',
            text: { tag: 'plain_text', content: text },
            url,
            type: 'default',
          })),
        },
      ]
    : [];
}

interface Trim {
  steps: number;
  explanation: number;
  evidence: number;
  /** Characters of each text taken from the alert's labels (title, target, namespace / cluster, model). */
  field: number;
  /** Longest link URL kept. */
  url: number;
}

function elements(
  kind: DeliveryKind,
  d: IncidentDetail,
  lang: CardLang,
  keyword: string | undefined,
  t: Trim,
  trimmed: boolean,
  previous?: string,
) {
  const l = LABELS[lang];
  const r = d.report;
  const out: unknown[] = [];
  const where = [d.namespace, d.cluster].filter(Boolean).join(' / ') || '—';
  out.push({
    tag: 'div',
    fields: [
      {
        is_short: true,
        text: { tag: 'lark_md', content: `**${l.target}**\n${plain(cut(d.target, t.field))}` },
      },
      { is_short: true, text: { tag: 'lark_md', content: `**${l.where}**\n${plain(cut(where, t.field))}` } },
      { is_short: true, text: { tag: 'lark_md', content: `**${l.severity}**\n${d.severity}` } },
      {
        is_short: true,
        text: {
          tag: 'lark_md',
          content: `**${l.started}**\n${d.startsAt.replace('T', ' ').slice(0, 16)} UTC`,
        },
      },
    ],
  });
  if (r && kind !== 'resolved') {
    const rc = r.rootCause;
    const source = r.source === 'llm' ? cut(`LLM ${r.model ?? ''}`.trim(), t.field) : l.rules;
    const explanation = cut(rc.explanation, t.explanation);
    out.push({ tag: 'hr' });
    out.push({
      tag: 'markdown',
      content: `**${l.diagnosis}: ${rc.category}** · ${rc.confidence}% ${l.confidence} · ${plain(source)}${previous ? ` (${l.was(previous)})` : ''}${
        d.state === 'diagnosing' ? ` · ${l.analysing}` : ''
      }\n${plain(explanation)}`,
    });
    if (t.evidence && rc.evidence.length) {
      out.push({
        tag: 'markdown',
        content: rc.evidence
          .slice(0, t.evidence)
          .map((e) => `- ${plain(e.slice(0, 300))}`)
          .join('\n'),
      });
    }
    const metrics = d.context?.metrics?.series ?? [];
    if (t.evidence && metrics.length) {
      out.push({
        tag: 'markdown',
        content: `**${l.metrics}**\n${metrics
          .slice(0, 4)
          .map((m) => `- ${plain(redact(describeSeries(m)))}`)
          .join('\n')}`,
      });
    }
    if (t.steps && r.steps.length) {
      const steps = r.steps
        .slice(0, t.steps)
        .map(
          (s, i) =>
            `${i + 1}. ${plain(s.title)}${s.risk === 'high' ? ' ⚠' : ''}${s.command ? `\n${code(s.command)}` : ''}`,
        );
      out.push({ tag: 'markdown', content: `**${l.steps}**\n${steps.join('\n')}` });
    }
  }
  out.push(...links(d, l, t.url));
  const notes = [l.footer, ...(trimmed ? [l.trimmed] : []), ...(keyword ? [keyword] : [])];
  out.push({ tag: 'note', elements: notes.map((n) => ({ tag: 'plain_text', content: n })) });
  return out;
}

function header(kind: DeliveryKind, d: IncidentDetail, lang: CardLang, max: number, folded?: Folded) {
  const l = LABELS[lang];
  // A storm's card names the workload its replicas share; any other names its own target.
  const object = folded?.count ? workloadOf(d.target) : d.target.replace(/^[a-z]+\//, '');
  const what = cut(`${d.alertname} · ${d.namespace ? `${d.namespace}/` : ''}${object}`, max);
  if (kind === 'resolved') {
    const ends = [d.resolvedAt, folded?.lastResolvedAt].filter((t): t is string => Boolean(t));
    const end = ends.length ? Math.max(...ends.map((t) => Date.parse(t))) : Date.now();
    const took = humanDuration(end - Date.parse(d.startsAt), lang);
    const said = folded?.count ? l.allResolvedAfter(folded.count + 1, took) : l.resolvedAfter(took);
    return { title: { tag: 'plain_text', content: `✅ ${said} · ${plain(what)}` }, template: 'green' };
  }
  const prefix = kind === 'updated' ? `🔄 ${l.updated} · ` : `${ICON[d.severity] ?? '⚪'} `;
  return {
    title: { tag: 'plain_text', content: `${prefix}${plain(what)}` },
    template: TEMPLATE[d.severity] ?? 'grey',
  };
}

/**
 * The incident as the card may show it: every text it reads, redacted. The collector already redacted
 * the cluster context; the alert (labels, annotations, links) comes raw from Alertmanager and the
 * report may quote anything the model saw or made up.
 */
function redacted(d: IncidentDetail): IncidentDetail {
  return {
    ...d,
    alertname: redact(d.alertname),
    namespace: d.namespace && redact(d.namespace),
    cluster: d.cluster && redact(d.cluster),
    target: redact(d.target),
    alert: redactDeep(d.alert),
    report: d.report && redactDeep(d.report),
  };
}

/** How much of the report the card keeps, from all of it down to the diagnosis alone. */
const LEVELS = [
  { steps: 8, explanation: 1500, evidence: 5 },
  { steps: 5, explanation: 800, evidence: 3 },
  { steps: 3, explanation: 400, evidence: 1 },
  { steps: 1, explanation: 200, evidence: 0 },
  { steps: 0, explanation: 120, evidence: 0 },
];
/**
 * Huge labels or links (the title, target, namespace / cluster, the URLs) are cut only when trimming
 * the report was not enough; a link too long to keep is left out, since a cut URL leads nowhere. The
 * last one bounds every text (the keyword is at most 64 characters), so some card always fits.
 */
const FULL = Number.POSITIVE_INFINITY;
const CUTS = [
  { field: FULL, url: FULL },
  { field: 300, url: 2_000 },
  { field: 80, url: 0 },
];
const TRIES: Trim[] = CUTS.flatMap((c) => LEVELS.map((l) => ({ ...l, ...c })));

/** The request body for one card (without signature fields), within the size limit. */
/** A storm's other incidents whose cards were folded into this one's: how many, and their last end. */
export interface Folded {
  count: number;
  lastResolvedAt: string | null;
}

export function buildCard(
  kind: DeliveryKind,
  incident: IncidentDetail,
  opts: { lang: CardLang; keyword?: string; previousCategory?: string; folded?: Folded },
) {
  const d = redacted(incident);
  let body: Record<string, unknown> = {};
  for (const [i, t] of TRIES.entries()) {
    body = {
      msg_type: 'interactive',
      card: {
        config: { wide_screen_mode: true },
        header: header(kind, d, opts.lang, t.field, opts.folded),
        elements: elements(kind, d, opts.lang, opts.keyword, t, i > 0, opts.previousCategory),
      },
    };
    if (Buffer.byteLength(JSON.stringify(body)) <= MAX_BODY_BYTES) return body;
  }
  return body;
}

/** "Send test message" in settings: proves the URL, the secret and the keyword. */
export function testCard(lang: CardLang, keyword?: string) {
  const l = LABELS[lang];
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: '✅ Oncall Scout' }, template: 'green' },
      elements: [
        { tag: 'markdown', content: l.test },
        {
          tag: 'note',
          elements: [l.footer, ...(keyword ? [keyword] : [])].map((n) => ({ tag: 'plain_text', content: n })),
        },
      ],
    },
  };
}
