import { z } from 'zod';

/**
 * The only changes Oncall Scout can make to a cluster: four typed actions, each its target and nothing
 * else. Our code builds every API request from these; no text from a model or a log is ever executed.
 */

/** RFC 1123 label: what a namespace name may be. */
const NamespaceName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name (RFC 1123 label)');
/** RFC 1123 subdomain: what pod and workload names may be (no slashes, so never a path). */
const ObjectName = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be an object name (RFC 1123 subdomain)',
  );

export { NamespaceName, ObjectName };

/** The largest step one scale-up may take, whatever the policy says. */
export const MAX_SCALE_STEP = 10;

export const RestartPod = z
  .object({ type: z.literal('restart-pod'), namespace: NamespaceName, pod: ObjectName })
  .strict();
export const RolloutRestart = z
  .object({
    type: z.literal('rollout-restart'),
    namespace: NamespaceName,
    kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']),
    name: ObjectName,
  })
  .strict();
/** Back to the revision before the newest (what `kubectl rollout undo` does without --to-revision). */
export const Rollback = z
  .object({ type: z.literal('rollback'), namespace: NamespaceName, deployment: ObjectName })
  .strict();
export const ScaleUp = z
  .object({
    type: z.literal('scale-up'),
    namespace: NamespaceName,
    deployment: ObjectName,
    by: z.number().int().min(1).max(MAX_SCALE_STEP),
  })
  .strict();

export const Action = z.discriminatedUnion('type', [RestartPod, RolloutRestart, Rollback, ScaleUp]);
export type Action = z.infer<typeof Action>;

export const ACTION_TYPES = ['restart-pod', 'rollout-restart', 'rollback', 'scale-up'] as const;
export const ActionType = z.enum(ACTION_TYPES);
export type ActionType = z.infer<typeof ActionType>;

/** off: never proposed; suggest: shown only; approve: one click runs it; auto: the policy runs it. */
export const ActionMode = z.enum(['off', 'suggest', 'approve', 'auto']);
export type ActionMode = z.infer<typeof ActionMode>;

/**
 * suggested: shown, never run; pending: waiting for an engineer; approved: queued to run; running:
 * dry run, call or follow-up under way; done / failed: how it ended; refused: a policy or a safety rail
 * said no; rejected: an engineer said no.
 */
export const ActionState = z.enum([
  'suggested',
  'pending',
  'approved',
  'running',
  'done',
  'failed',
  'refused',
  'rejected',
]);
export type ActionState = z.infer<typeof ActionState>;

export const ProposalSource = z.enum(['rules', 'llm']);

/** 0-100, as in report.ts (kept here so report.ts can import this file without a cycle). */
const Confidence = z.number().int().min(0).max(100);

/** An action a report proposes, and why (one sentence in the report's language). */
export const Proposal = z.object({
  action: Action,
  reason: z.string(),
  source: ProposalSource,
  confidence: Confidence,
});
export type Proposal = z.infer<typeof Proposal>;

/** An action the model proposed that was not kept, and why. */
export const DroppedAction = z.object({ action: z.string(), reason: z.string() });
export type DroppedAction = z.infer<typeof DroppedAction>;

/** A proposal as the store tracks it: its mode under the policy, its state and how it ended. */
export const ActionRecord = z.object({
  id: z.number().int(),
  incidentId: z.number().int(),
  action: Action,
  source: ProposalSource,
  reason: z.string(),
  confidence: z.number().int(),
  mode: ActionMode,
  state: ActionState,
  /** Why it was refused, rejected or failed, or how it ended. */
  stateReason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  dryRun: z.string().nullable(),
  outcome: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ActionRecord = z.infer<typeof ActionRecord>;

export const AuditEvent = z.enum([
  'proposed',
  'dropped',
  'decided',
  'refused',
  'dry-run',
  'executed',
  'outcome',
  'policy',
]);
export type AuditEvent = z.infer<typeof AuditEvent>;

/** One line of the audit log: who did what to which target, why, and how it went. */
export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  incidentId: z.number().int().nullable(),
  actionId: z.number().int().nullable(),
  event: AuditEvent,
  /** 'rules', 'llm', 'policy', 'engine', or the engineer's name. */
  actor: z.string(),
  ok: z.boolean().nullable(),
  /** The action in words, e.g. "restart-pod shop/checkout-7d9f8b6c5-x2x9q". */
  action: z.string().nullable(),
  message: z.string(),
  /** The policy in force (a short hash of its text). */
  policy: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** "restart-pod shop/api-7d9": the action in one stable line, for the audit log and for de-duplication. */
export function actionKey(a: Action): string {
  switch (a.type) {
    case 'restart-pod':
      return `restart-pod ${a.namespace}/${a.pod}`;
    case 'rollout-restart':
      return `rollout-restart ${a.namespace}/${a.kind.toLowerCase()}/${a.name}`;
    case 'rollback':
      return `rollback ${a.namespace}/deployment/${a.deployment}`;
    case 'scale-up':
      return `scale-up ${a.namespace}/deployment/${a.deployment} +${a.by}`;
  }
}

/** What an engineer would type to do it by hand (the app itself never runs kubectl). */
export function actionCommand(a: Action): string {
  switch (a.type) {
    case 'restart-pod':
      // kubectl has no single-pod eviction; delete is the manual equivalent (it ignores PDBs).
      return `kubectl delete pod ${a.pod} -n ${a.namespace}`;
    case 'rollout-restart':
      return `kubectl rollout restart ${a.kind.toLowerCase()}/${a.name} -n ${a.namespace}`;
    case 'rollback':
      return `kubectl rollout undo deployment/${a.deployment} -n ${a.namespace}`;
    case 'scale-up':
      return `kubectl scale deployment/${a.deployment} -n ${a.namespace} --replicas=<current + ${a.by}>`;
  }
}
