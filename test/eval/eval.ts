/**
 * The diagnosis eval: every scenario through collect → rules (→ LLM) against the stand-in cluster,
 * scored against what an expert concluded (`expect` in each scenario.yaml).
 */
import { collectWithRules, llmStage } from '../../electron/engine/analyze.ts';
import { DEFAULT_COLLECT } from '../../electron/engine/collect/index.ts';
import { createKubeProvider } from '../../electron/engine/collect/kube.ts';
import { checkStep, knownNames } from '../../electron/engine/diagnose/commands.ts';
import type { OllamaOptions } from '../../electron/engine/diagnose/ollama.ts';
import { labelsFingerprint } from '../../electron/engine/intake/fingerprint.ts';
import type { Alert } from '../../shared/alert.ts';
import type { Context } from '../../shared/context.ts';
import type { Report } from '../../shared/report.ts';
import { loadScenarios, type Scenario } from '../fixtures/scenarios/index.ts';
import { scenarioCluster } from '../helpers/cluster.ts';

export interface Scored {
  category: string;
  correct: boolean;
  confidence: number;
  /** Share of the expert's evidence lines the report cites (root cause, findings, explanation). */
  evidenceRecall: number;
  /** Steps whose command passes the command check (or that have none), of all steps. */
  stepsChecked: string;
  tokensIn: number;
  latencyMs: number;
  error?: string;
}

export interface EvalRow {
  scenario: string;
  expected: string;
  rules: Scored;
  llm?: Scored;
}

export interface EvalResult {
  rows: EvalRow[];
  totals: {
    scenarios: number;
    rulesAccuracy: number;
    llmAccuracy?: number;
    rulesRecall: number;
    llmRecall?: number;
    rulesP99Ms: number;
  };
  model?: string;
}

function alertOf(s: Scenario): Alert {
  return {
    fingerprint: labelsFingerprint(s.alert.labels),
    status: 'firing',
    labels: s.alert.labels,
    annotations: s.alert.annotations,
    startsAt: s.alert.startsAt ?? s.now,
    endsAt: null,
    generatorURL: '',
    externalURL: '',
    receiver: 'eval',
    groupKey: '',
  };
}

function score(s: Scenario, report: Report, ctx: Context, tokensIn: number, latencyMs: number): Scored {
  const cited = [
    report.rootCause.explanation,
    ...report.rootCause.evidence,
    ...report.findings.flatMap((f) => f.evidence.map((e) => e.text)),
  ].join('\n');
  const found = s.expect.evidence.filter((e) => cited.includes(e)).length;
  const known = knownNames(ctx);
  const ok = report.steps.filter((st) => !st.command || !checkStep(st, known).warning).length;
  return {
    category: report.rootCause.category,
    correct: report.rootCause.category === s.expect.category,
    confidence: report.rootCause.confidence,
    evidenceRecall: s.expect.evidence.length ? found / s.expect.evidence.length : 1,
    stepsChecked: `${ok}/${report.steps.length}`,
    tokensIn,
    latencyMs: Math.round(latencyMs),
    ...(report.llmError ? { error: report.llmError } : {}),
  };
}

export async function runEval(opts: { llm?: OllamaOptions; only?: string[] } = {}): Promise<EvalResult> {
  const scenarios = loadScenarios().filter((s) => !opts.only?.length || opts.only.includes(s.name));
  const { kube, kubeconfig } = await scenarioCluster(scenarios);
  const provider = createKubeProvider({ kubeconfig });
  const rows: EvalRow[] = [];
  const rulesTimes: number[] = [];
  try {
    for (const s of scenarios) {
      const alert = alertOf(s);
      const r = await collectWithRules(alert, provider, DEFAULT_COLLECT, 'cluster');
      rulesTimes.push(r.rulesMs);
      const row: EvalRow = {
        scenario: s.name,
        expected: s.expect.category,
        rules: score(s, r.report, r.context, r.context.digestTokens ?? 0, r.collectMs + r.rulesMs),
      };
      if (opts.llm) {
        let promptChars = 0;
        const l = await llmStage({
          alert,
          context: r.context,
          rules: r.report,
          llm: opts.llm,
          onToken: (t) => (promptChars += t.length),
        });
        row.llm = score(
          s,
          l.report,
          r.context,
          r.context.digestTokens ?? 0,
          r.collectMs + r.rulesMs + l.llmMs,
        );
        if (l.report.source !== 'llm') row.llm.error = l.report.llmError;
      }
      rows.push(row);
    }
  } finally {
    await kube.close();
  }
  const share = (xs: boolean[]) => (xs.length ? xs.filter(Boolean).length / xs.length : 0);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const sorted = [...rulesTimes].sort((a, b) => a - b);
  return {
    rows,
    model: opts.llm?.model,
    totals: {
      scenarios: rows.length,
      rulesAccuracy: share(rows.map((r) => r.rules.correct)),
      rulesRecall: mean(rows.map((r) => r.rules.evidenceRecall)),
      rulesP99Ms: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0,
      ...(opts.llm
        ? {
            llmAccuracy: share(rows.map((r) => r.llm!.correct)),
            llmRecall: mean(rows.map((r) => r.llm!.evidenceRecall)),
          }
        : {}),
    },
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function toMarkdown(r: EvalResult): string {
  const withLlm = r.rows.some((x) => x.llm);
  const head = withLlm
    ? '| scenario | expected | rules | conf | recall | steps ok | LLM | conf | recall | steps ok | tokens in | latency |\n|---|---|---|---|---|---|---|---|---|---|---|---|'
    : '| scenario | expected | rules | conf | evidence recall | steps ok | tokens in | latency |\n|---|---|---|---|---|---|---|---|';
  const mark = (s: { category: string; correct: boolean }) => `${s.correct ? '✓' : '✗'} ${s.category}`;
  const lines = r.rows.map((x) =>
    withLlm
      ? `| ${x.scenario} | ${x.expected} | ${mark(x.rules)} | ${x.rules.confidence} | ${pct(x.rules.evidenceRecall)} | ${x.rules.stepsChecked} | ${x.llm ? `${mark(x.llm)}${x.llm.error ? ' ⚠' : ''}` : ''} | ${x.llm?.confidence ?? ''} | ${x.llm ? pct(x.llm.evidenceRecall) : ''} | ${x.llm?.stepsChecked ?? ''} | ${x.rules.tokensIn} | ${x.llm?.latencyMs ?? x.rules.latencyMs} ms |`
      : `| ${x.scenario} | ${x.expected} | ${mark(x.rules)} | ${x.rules.confidence} | ${pct(x.rules.evidenceRecall)} | ${x.rules.stepsChecked} | ${x.rules.tokensIn} | ${x.rules.latencyMs} ms |`,
  );
  const t = r.totals;
  const totals = `\n**${t.scenarios} scenarios** — rules: accuracy ${pct(t.rulesAccuracy)}, evidence recall ${pct(t.rulesRecall)}, rules p99 ${t.rulesP99Ms.toFixed(2)} ms after collection${
    t.llmAccuracy !== undefined
      ? `; LLM (${r.model}): accuracy ${pct(t.llmAccuracy)}, evidence recall ${pct(t.llmRecall ?? 0)}`
      : ''
  }\n`;
  return `${head}\n${lines.join('\n')}\n${totals}`;
}
