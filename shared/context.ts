import { z } from 'zod';

/**
 * The evidence gathered for one incident. Every read that failed is a Gap, never an exception:
 * an incident with an unreachable cluster still gets a report that explains what is missing.
 */

export const Gap = z.object({
  what: z.string(),
  reason: z.string(),
  fix: z.string().optional(),
});
export type Gap = z.infer<typeof Gap>;

export const TargetKind = z.enum([
  'pod',
  'deployment',
  'statefulset',
  'daemonset',
  'replicaset',
  'job',
  'cronjob',
  'node',
  'pvc',
  'service',
  'namespace',
  'cluster',
]);
export type TargetKind = z.infer<typeof TargetKind>;

export const Target = z.object({
  kind: TargetKind,
  name: z.string().optional(),
  namespace: z.string().optional(),
  container: z.string().optional(),
  cluster: z.string().optional(),
});
export type Target = z.infer<typeof Target>;

export const ContainerStateInfo = z.object({
  kind: z.enum(['waiting', 'running', 'terminated', 'unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  exitCode: z.number().optional(),
  signal: z.number().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type ContainerStateInfo = z.infer<typeof ContainerStateInfo>;

export const ContainerInfo = z.object({
  name: z.string(),
  init: z.boolean(),
  image: z.string(),
  ready: z.boolean(),
  restartCount: z.number(),
  state: ContainerStateInfo,
  lastState: ContainerStateInfo.optional(),
  requests: z.record(z.string(), z.string()).default({}),
  limits: z.record(z.string(), z.string()).default({}),
  /** Names of ConfigMaps / Secrets the container reads (env, envFrom); values are never collected. */
  configRefs: z.array(z.string()).default([]),
});
export type ContainerInfo = z.infer<typeof ContainerInfo>;

export const PodCondition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const PodInfo = z.object({
  name: z.string(),
  namespace: z.string(),
  uid: z.string(),
  phase: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  nodeName: z.string().optional(),
  qosClass: z.string().optional(),
  createdAt: z.string().optional(),
  owner: z.object({ kind: z.string(), name: z.string() }).optional(),
  conditions: z.array(PodCondition),
  containers: z.array(ContainerInfo),
  volumes: z.array(z.object({ name: z.string(), source: z.string() })).default([]),
});
export type PodInfo = z.infer<typeof PodInfo>;

export const EventInfo = z.object({
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  count: z.number(),
  object: z.string(),
  source: z.string(),
  firstSeen: z.string().optional(),
  lastSeen: z.string().optional(),
});
export type EventInfo = z.infer<typeof EventInfo>;

export const LogInfo = z.object({
  pod: z.string(),
  container: z.string(),
  previous: z.boolean(),
  text: z.string(),
  /** Lines in the text as read (before any folding for the prompt). */
  lineCount: z.number(),
  truncated: z.boolean(),
});
export type LogInfo = z.infer<typeof LogInfo>;

export const Context = z.object({
  target: Target,
  collectedAt: z.string(),
  kubeContext: z.string().optional(),
  pods: z.array(PodInfo),
  events: z.array(EventInfo),
  logs: z.array(LogInfo),
  gaps: z.array(Gap),
});
export type Context = z.infer<typeof Context>;
