import type { Alert } from '../../shared/alert.ts';
import type { Context } from '../../shared/context.ts';
import type { Finding, Report } from '../../shared/report.ts';
import { llmProposals, ruleProposals } from './act/proposals.ts';
import { buildDigest } from './collect/digest.ts';
import { type CollectOptions, collect } from './collect/index.ts';
import type { KubeProvider } from './collect/kube.ts';
import { targetFromLabels } from './collect/target.ts';
import { contextBudget } from './config.ts';
import { knownNames } from './diagnose/commands.ts';
import { llmDiagnose } from './diagnose/llm-report.ts';
import { type Lang, messages } from './diagnose/messages/index.ts';
import { LlmError, type OllamaOptions } from './diagnose/ollama.ts';
import type { PromptExtras } from './diagnose/prompt.ts';
import { runRules } from './diagnose/rules/index.ts';
import { rulesReport } from './diagnose/rules-report.ts';

export interface RulesStage {
  context: Context;
  findings: Finding[];
  report: Report;
  collectMs: number;
  rulesMs: number;
}

/** Stage one: collect the context and apply the rules. Never throws for cluster trouble (gaps instead). */
export async function collectWithRules(
  alert: Alert,
  kube: KubeProvider,
  collectOpts: CollectOptions,
  clusterLabel: string,
  lang: Lang = 'en',
  signal?: AbortSignal,
): Promise<RulesStage> {
  const t0 = performance.now();
  const context = await collect(
    targetFromLabels(alert.labels, clusterLabel),
    kube,
    collectOpts,
    signal,
    alert,
  );
  const t1 = performance.now();
  const findings = runRules(context);
  const m = messages(lang);
  const report = rulesReport(context, findings, m);
  const proposals = ruleProposals(context, findings, m);
  if (proposals.length) report.proposals = proposals;
  const t2 = performance.now();
  return {
    context,
    findings,
    report,
    collectMs: Math.round(t1 - t0),
    rulesMs: Math.round((t2 - t1) * 1000) / 1000,
  };
}

export interface LlmStageInput {
  alert: Alert;
  context: Context;
  rules: Report;
  llm: OllamaOptions;
  lang?: Lang;
  extras?: PromptExtras;
  onToken?: (t: string) => void;
  signal?: AbortSignal;
}

/**
 * Stage two: the LLM's report, or — when Ollama is down, slow, missing the model or talking nonsense —
 * the rules report with the reason in llmError. Never throws.
 */
export async function llmStage(
  i: LlmStageInput,
): Promise<{ report: Report; llmMs: number; failed: boolean; unexpected?: Error }> {
  const t0 = performance.now();
  try {
    // The digest was fitted when collected; if the model turned out smaller (or the context predates
    // digests), fit it again rather than let Ollama truncate the prompt silently.
    const budget = contextBudget({ numCtx: i.llm.numCtx });
    const ctx = i.context;
    const digest =
      ctx.digest && (ctx.digestTokens ?? Number.POSITIVE_INFINITY) <= budget
        ? ctx.digest
        : buildDigest(ctx, budget).text;
    const run = await llmDiagnose({
      alert: i.alert,
      findings: i.rules.findings,
      digest,
      ollama: i.llm,
      messages: messages(i.lang ?? 'en'),
      known: knownNames(ctx),
      ...i.extras,
      onToken: i.onToken,
      signal: i.signal,
    });
    // The rules' proposals stand; the model's own are kept only if they are typed and in the context.
    const rulesProposals = i.rules.proposals ?? [];
    const fromLlm = llmProposals(
      run.actions,
      ctx,
      run.report.rootCause,
      rulesProposals,
      messages(i.lang ?? 'en'),
    );
    const proposals = [...rulesProposals, ...fromLlm.proposals];
    const report: Report = {
      ...run.report,
      ...(proposals.length ? { proposals } : {}),
      ...(fromLlm.dropped.length ? { droppedActions: fromLlm.dropped } : {}),
    };
    return { report, llmMs: Math.round(performance.now() - t0), failed: false };
  } catch (err) {
    const expected = err instanceof LlmError;
    const reason = expected ? err.message : `LLM step failed: ${(err as Error).message}`;
    return {
      report: { ...i.rules, llmError: reason, createdAt: new Date().toISOString() },
      llmMs: Math.round(performance.now() - t0),
      failed: true,
      ...(expected ? {} : { unexpected: err as Error }),
    };
  }
}

/** One alert through both stages, in process and without the store (`oncall-scout analyze`). */
export async function analyzeOnce(
  alert: Alert,
  kube: KubeProvider,
  collectOpts: CollectOptions,
  llm: OllamaOptions | null,
  clusterLabel = 'cluster',
  lang: Lang = 'en',
  extras: PromptExtras = {},
): Promise<{
  context: Context;
  report: Report;
  timings: { collectMs: number; rulesMs: number; llmMs: number | null };
}> {
  const r = await collectWithRules(alert, kube, collectOpts, clusterLabel, lang);
  const timings = { collectMs: r.collectMs, rulesMs: r.rulesMs, llmMs: null as number | null };
  if (!llm) return { context: r.context, report: r.report, timings };
  const l = await llmStage({ alert, context: r.context, rules: r.report, llm, lang, extras });
  timings.llmMs = l.llmMs;
  return { context: r.context, report: l.report, timings };
}
