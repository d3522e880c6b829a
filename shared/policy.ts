import { z } from 'zod';
import { ACTION_TYPES, ActionMode, MAX_SCALE_STEP, NamespaceName } from './action.ts';
import { Severity } from './alert.ts';
import { Category } from './report.ts';

/**
 * The remediation policy: what the app may do on its own, what it asks for, and where it never acts.
 * Everything defaults to `suggest`, so a fresh install never changes the cluster.
 */

/** Namespaces of the cluster's own machinery: denied unless named in `namespaces.allow`. */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;

const modes = Object.fromEntries(ACTION_TYPES.map((t) => [t, ActionMode.optional()])) as Record<
  (typeof ACTION_TYPES)[number],
  z.ZodOptional<typeof ActionMode>
>;

export const Policy = z
  .object({
    /** Mode per action type; a type left out is `suggest`. */
    actions: z.object(modes).strict().default({}),
    namespaces: z
      .object({
        /** When not empty, only these namespaces (system namespaces only when named here). */
        allow: z.array(NamespaceName).default([]),
        deny: z.array(NamespaceName).default([]),
      })
      .strict()
      .default({ allow: [], deny: [] }),
    /** Alert severities the app may act on; absent: all. */
    severities: z
      .array(Severity)
      .min(1, 'must name at least one severity (leave the key out to allow every severity)')
      .optional(),
    /** Root-cause categories the app may act on; absent: all. */
    categories: z
      .array(Category)
      .min(1, 'must name at least one category (leave the key out to allow every category)')
      .optional(),
    /** The diagnosis must be at least this sure before anything runs. */
    minConfidence: z.number().int().min(0).max(100).default(90),
    /** At most this many actions per workload in any hour (and never two at once). */
    maxActionsPerWorkloadPerHour: z.number().int().min(1).max(100).default(1),
    scaleUp: z
      .object({
        /** The largest step a scale-up may take. */
        maxStep: z.number().int().min(1).max(MAX_SCALE_STEP).default(2),
        /** Never scale a deployment beyond this many replicas. */
        maxReplicas: z.number().int().min(1).max(1000).default(10),
      })
      .strict()
      .default({ maxStep: 2, maxReplicas: 10 }),
    /** How long to follow an action's outcome (new pod Ready, rollout complete) before calling it failed. */
    followSeconds: z.number().int().min(10).max(1800).default(180),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const [i, ns] of p.namespaces.deny.entries()) {
      if (p.namespaces.allow.includes(ns))
        ctx.addIssue({
          code: 'custom',
          path: ['namespaces', 'deny', i],
          message: `namespace ${ns} is both allowed and denied: keep it in one list`,
        });
    }
    if (p.scaleUp.maxStep > p.scaleUp.maxReplicas)
      ctx.addIssue({
        code: 'custom',
        path: ['scaleUp', 'maxStep'],
        message: `a step of ${p.scaleUp.maxStep} can never fit under maxReplicas ${p.scaleUp.maxReplicas}: lower maxStep or raise maxReplicas`,
      });
  });
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

export const DEFAULT_POLICY: Policy = Policy.parse({});

/** What Settings shows: the text in force, where it came from, and why a newer text was refused. */
export const PolicyView = z.object({
  /** The YAML in force (the built-in default when none was ever saved). */
  text: z.string(),
  policy: z.unknown(),
  /** The file the policy is read from and saved to. */
  file: z.string(),
  /** 'default': no file yet; 'file': read from the file. */
  source: z.enum(['default', 'file']),
  /** A short hash of the text in force, as the audit log names it. */
  hash: z.string(),
  /** The file on disk was refused (line and reason); the policy above stays in force. */
  error: z.string().nullable(),
});
export type PolicyView = z.infer<typeof PolicyView>;
