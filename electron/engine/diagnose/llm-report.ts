import { z } from 'zod';
import type { Alert } from '../../../shared/alert.ts';
import { type Finding, LlmDiagnosis, type Report } from '../../../shared/report.ts';
import { checkStep, type KnownNames, orderSteps } from './commands.ts';
import { en, type Messages } from './messages/index.ts';
import { chat, LlmError, type OllamaOptions } from './ollama.ts';
import { buildMessages, type ChatMessage, type PromptExtras } from './prompt.ts';

export const LLM_FORMAT = z.toJSONSchema(LlmDiagnosis, { target: 'draft-7' }) as object;

/** A rule finding at or above this confidence is a fact the LLM cannot overrule. */
export const FACT_CONFIDENCE = 90;

export interface LlmRun {
  report: Report;
  promptTokens?: number;
  attempts: number;
  /** The model's proposed actions as it wrote them, checked later against the context (act/proposals). */
  actions: unknown[];
}

export interface LlmInput extends PromptExtras {
  alert: Alert;
  findings: Finding[];
  digest: string;
  ollama: OllamaOptions;
  messages?: Messages;
  known?: KnownNames;
  onToken?: (t: string) => void;
  signal?: AbortSignal;
}

/** Validates the model's answer: JSON, then the schema. Returns the reason when it is not usable. */
export function parseDiagnosis(
  content: string,
): { ok: true; value: LlmDiagnosis; actions: unknown[] } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { ok: false, reason: `not JSON (${content.slice(0, 60).replace(/\s+/g, ' ')}…)` };
  }
  // A bad action costs only that action (dropped with its reason later), never the whole diagnosis.
  const { actions, ...rest } = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const parsed = LlmDiagnosis.omit({ actions: true }).safeParse(
    json && typeof json === 'object' ? rest : json,
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'answer'}: ${issue.message}` };
  }
  const list = actions === undefined || actions === null ? [] : Array.isArray(actions) ? actions : [actions];
  return { ok: true, value: parsed.data, actions: list.slice(0, 10) };
}

/** A repair needs at least this much of the time limit left to be worth asking for. */
const MIN_REPAIR_MS = 2_000;

/**
 * Asks the model, with one repair attempt when the answer does not validate. Both attempts share the
 * one time limit (llmTimeoutMs): the repair gets what the first answer left. Throws LlmError with a
 * user-facing reason when there is no usable answer.
 */
export async function llmDiagnose(input: LlmInput): Promise<LlmRun> {
  const m = input.messages ?? en;
  const messages: ChatMessage[] = buildMessages(input.alert, input.findings, input.digest, m, input);
  const deadline = performance.now() + input.ollama.totalTimeoutMs;
  let reason = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const left = Math.round(deadline - performance.now());
    if (attempt > 1 && left < MIN_REPAIR_MS) {
      throw new LlmError(
        `the model's answer was not a valid diagnosis (${reason}) and too little of the ${input.ollama.totalTimeoutMs / 1000} s limit was left to ask again; the rules report is shown`,
      );
    }
    const res = await chat(
      { ...input.ollama, deadline },
      messages,
      LLM_FORMAT,
      input.onToken ?? (() => {}),
      input.signal,
    );
    const parsed = parseDiagnosis(res.content);
    if (parsed.ok) {
      return {
        report: mergeReport(parsed.value, input.findings, input.ollama.model, m, input.known),
        promptTokens: res.promptTokens,
        attempts: attempt,
        actions: parsed.actions,
      };
    }
    reason = parsed.reason;
    messages.push(
      { role: 'assistant', content: res.content.slice(0, 4000) },
      {
        role: 'user',
        content: `That answer is invalid (${reason}). Reply again with only the JSON object, matching the schema.`,
      },
    );
  }
  throw new LlmError(
    `the model's answer was not a valid diagnosis twice (${reason}); the rules report is shown`,
  );
}

/**
 * The LLM explains; deterministic facts decide. When a high-confidence rule disagrees with the model,
 * the rule's category and confidence stand and the model's view is shown beside it (llmView). Its
 * commands are checked against the context; those that fail are shown as text with a warning.
 */
export function mergeReport(
  d: LlmDiagnosis,
  findings: Finding[],
  model: string,
  m: Messages = en,
  known?: KnownNames,
  now: () => Date = () => new Date(),
): Report {
  const fact = findings.find((f) => f.confidence >= FACT_CONFIDENCE);
  const disagree = fact && fact.category !== d.rootCause.category;
  const rootCause = disagree
    ? {
        category: fact.category,
        confidence: fact.confidence,
        explanation: `${fact.summary} ${m.report.modelSuggested({ category: d.rootCause.category, confidence: d.rootCause.confidence, explanation: d.rootCause.explanation })}`,
        evidence: fact.evidence.map((e) => e.text),
      }
    : {
        ...d.rootCause,
        // The model may not be less sure than the facts it was given, nor surer without them.
        confidence: fact
          ? Math.max(d.rootCause.confidence, fact.confidence)
          : Math.min(d.rootCause.confidence, findings.length ? 95 : 85),
        evidence: d.rootCause.evidence.length
          ? d.rootCause.evidence
          : (findings[0]?.evidence.map((e) => e.text) ?? []),
      };
  return {
    source: 'llm',
    model,
    rootCause,
    ...(disagree
      ? {
          llmView: {
            category: d.rootCause.category,
            confidence: d.rootCause.confidence,
            explanation: d.rootCause.explanation,
          },
        }
      : {}),
    impact: d.impact,
    steps: orderSteps(d.steps.map((s) => checkStep({ ...s }, known))),
    prevention: d.prevention,
    findings,
    createdAt: now().toISOString(),
  };
}
