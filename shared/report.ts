import { z } from 'zod';
import { Action, DroppedAction, Proposal } from './action.ts';

export const CATEGORIES = [
  'OOMKilled',
  'CrashLoop',
  'ImagePull',
  'ConfigError',
  'Unschedulable',
  'ProbeFailure',
  'Evicted',
  'VolumeMount',
  'NodeNotReady',
  'JobFailed',
  'DependencyFailure',
  'NoIssueFound',
  'Unknown',
] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const Confidence = z.number().int().min(0).max(100);

/** A line of the collected context that a conclusion rests on; `ref` says where it is (see collect/refs). */
export const Evidence = z.object({
  ref: z.string(),
  text: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

/** What one deterministic rule found. Rules are pure functions of the context. */
export const Finding = z.object({
  rule: z.string(),
  category: Category,
  confidence: Confidence,
  /** One sentence, in the report's language. */
  summary: z.string(),
  /** The facts the summary is made of (names, reasons, codes), so it can be said in another language. */
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  evidence: z.array(Evidence),
});
export type Finding = z.infer<typeof Finding>;

export const Risk = z.enum(['read-only', 'low', 'high']);
export type Risk = z.infer<typeof Risk>;

export const Step = z.object({
  title: z.string().min(1),
  command: z.string().optional(),
  risk: Risk,
  /** Set when a proposed command failed validation: it is shown as text, never as copy-ready. */
  warning: z.string().optional(),
});
export type Step = z.infer<typeof Step>;

export const RootCause = z.object({
  category: Category,
  explanation: z.string(),
  confidence: Confidence,
  evidence: z.array(z.string()),
});
export type RootCause = z.infer<typeof RootCause>;

export const ReportSource = z.enum(['rules', 'llm']);

export const Report = z.object({
  source: ReportSource,
  model: z.string().optional(),
  rootCause: RootCause,
  impact: z.string(),
  steps: z.array(Step),
  prevention: z.array(z.string()),
  findings: z.array(Finding),
  /** Why the LLM's report is not the one shown, and what to do about it. */
  llmError: z.string().optional(),
  /** This LLM analysis was made for another incident of the same workload failing the same way. */
  sharedFrom: z.number().int().optional(),
  /**
   * The model's own conclusion when it disagreed with a deterministic finding: the rule's category and
   * confidence stand in rootCause, this is shown beside it.
   */
  llmView: z.object({ category: Category, confidence: Confidence, explanation: z.string() }).optional(),
  /** Remediation actions the report proposes (what the policy then does with them is in the store). */
  proposals: z.array(Proposal).optional(),
  /** Actions the model proposed that were not kept, with the reason. */
  droppedActions: z.array(DroppedAction).optional(),
  createdAt: z.string(),
});
export type Report = z.infer<typeof Report>;

/**
 * What the LLM is asked to produce (its JSON schema is Ollama's `format`). Kept deliberately flat and
 * bounded so small local models can follow it; the engine adds source, findings and timestamps.
 */
export const LlmDiagnosis = z.object({
  rootCause: z.object({
    category: Category,
    explanation: z.string().min(1).max(2000),
    confidence: Confidence,
    evidence: z.array(z.string().max(500)).max(10),
  }),
  impact: z.string().max(1000),
  steps: z
    .array(
      z.object({
        title: z.string().min(1).max(300),
        command: z.string().max(500).optional(),
        risk: Risk,
      }),
    )
    .max(10),
  prevention: z.array(z.string().max(500)).max(8),
  /** First aid the engine may carry out under the user's policy: only these typed actions exist. */
  actions: z.array(Action).max(3).optional(),
});
export type LlmDiagnosis = z.infer<typeof LlmDiagnosis>;
