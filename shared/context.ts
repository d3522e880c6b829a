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
  /** Probes as `kubectl describe` prints them: "http-get http://:8080/healthz delay=10s timeout=1s period=10s #failure=3". */
  probes: z
    .object({
      liveness: z.string().optional(),
      readiness: z.string().optional(),
      startup: z.string().optional(),
    })
    .default({}),
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
  /** Lines in the log as read from the cluster (before folding). */
  lineCount: z.number(),
  /** The read hit the line or byte limit: older lines exist that were not fetched. */
  truncated: z.boolean(),
  /** For a folded log: the original line number of each line of `text` (0 for "[… n lines …]" markers). */
  lineNumbers: z.array(z.number()).optional(),
});
export type LogInfo = z.infer<typeof LogInfo>;

const quantities = z.record(z.string(), z.string());

/** A Deployment/StatefulSet/DaemonSet/ReplicaSet/Job/CronJob and where its rollout stands. */
export const WorkloadInfo = z.object({
  kind: z.string(),
  name: z.string(),
  namespace: z.string(),
  /** Owner chain from the pod up, e.g. ["ReplicaSet/checkout-7d9f8b6c5", "Deployment/checkout"]. */
  chain: z.array(z.string()).default([]),
  replicas: z
    .object({
      desired: z.number(),
      ready: z.number(),
      available: z.number(),
      updated: z.number(),
    })
    .optional(),
  selector: z.string().optional(),
  conditions: z.array(PodCondition).default([]),
  /** The newest ReplicaSet (or revision) against the one before: the "what changed" question. */
  rollout: z
    .object({
      current: z.object({
        name: z.string(),
        revision: z.string().optional(),
        createdAt: z.string().optional(),
        images: z.array(z.string()),
      }),
      previous: z
        .object({
          name: z.string(),
          revision: z.string().optional(),
          createdAt: z.string().optional(),
          images: z.array(z.string()),
        })
        .optional(),
      /** Human-readable differences: "image app: v1.4.2 → v1.5.0", "env added: CACHE_SIZE", "limits.memory app: 512Mi → 1Gi". */
      changes: z.array(z.string()).default([]),
    })
    .optional(),
  /** Jobs: status conditions (BackoffLimitExceeded, DeadlineExceeded), failed/succeeded counts. */
  job: z
    .object({
      active: z.number(),
      succeeded: z.number(),
      failed: z.number(),
      backoffLimit: z.number().optional(),
      activeDeadlineSeconds: z.number().optional(),
    })
    .optional(),
});
export type WorkloadInfo = z.infer<typeof WorkloadInfo>;

export const NodeInfo = z.object({
  name: z.string(),
  conditions: z.array(PodCondition.extend({ lastHeartbeat: z.string().optional() })),
  taints: z.array(z.string()).default([]),
  unschedulable: z.boolean().default(false),
  allocatable: quantities.default({}),
  /** Sum of the requests of the pods scheduled on the node. */
  requested: quantities.default({}),
  kubeletVersion: z.string().optional(),
  /** Pods on the node that are not Running/Succeeded or not ready. */
  failingPods: z.array(z.string()).default([]),
});
export type NodeInfo = z.infer<typeof NodeInfo>;

export const PvcInfo = z.object({
  name: z.string(),
  namespace: z.string(),
  phase: z.string(),
  storageClass: z.string().optional(),
  volumeName: z.string().optional(),
  capacity: z.string().optional(),
  accessModes: z.array(z.string()).default([]),
});
export type PvcInfo = z.infer<typeof PvcInfo>;

export const ServiceInfo = z.object({
  name: z.string(),
  namespace: z.string(),
  selector: z.string().optional(),
  readyEndpoints: z.number(),
  notReadyEndpoints: z.number(),
});
export type ServiceInfo = z.infer<typeof ServiceInfo>;

/** metrics.k8s.io usage (working set for memory), when the cluster serves it. */
export const PodUsage = z.object({
  pod: z.string(),
  containers: z.array(z.object({ name: z.string(), cpu: z.string(), memory: z.string() })),
});
export type PodUsage = z.infer<typeof PodUsage>;

/** A metric series over the alert's window, downsampled for the chart, with the numbers that matter. */
export const MetricSeries = z.object({
  /** What it is, e.g. "alert expression", "memory working set app". */
  name: z.string(),
  query: z.string(),
  unit: z.enum(['bytes', 'cores', 'count', 'ratio', 'value']).default('value'),
  /** [unix seconds, value] pairs, at most ~120. */
  points: z.array(z.tuple([z.number(), z.number()])),
  /** A line to draw: the expression's threshold, or the container's limit/request. */
  threshold: z.object({ value: z.number(), op: z.string(), label: z.string() }).optional(),
  summary: z.object({
    start: z.number(),
    min: z.number(),
    max: z.number(),
    maxAt: z.number(),
    last: z.number(),
    /** Change per minute (least squares). */
    slope: z.number(),
    trend: z.enum(['rising', 'falling', 'flat']),
    /** When the series first crossed the threshold in the window (unix seconds). */
    firstCrossing: z.number().optional(),
  }),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

export const Metrics = z.object({
  /** Which Prometheus answered, e.g. "http://prometheus:9090 (the alert's generatorURL)". */
  source: z.string(),
  from: z.number(),
  to: z.number(),
  step: z.number(),
  series: z.array(MetricSeries),
});
export type Metrics = z.infer<typeof Metrics>;

export const Context = z.object({
  target: Target,
  collectedAt: z.string(),
  kubeContext: z.string().optional(),
  /**
   * The kubeconfig context every proposed kubectl command names (`--context`), set when the kubeconfig
   * has several: a command copied at 3 a.m. reads the cluster the diagnosis read, not the one the
   * terminal happens to point at.
   */
  kubectlContext: z.string().optional(),
  /** The pods looked at, the worst first (the alert's own pod, or the unhealthy pods of the workload). */
  pods: z.array(PodInfo),
  events: z.array(EventInfo),
  logs: z.array(LogInfo),
  workload: WorkloadInfo.optional(),
  nodes: z.array(NodeInfo).default([]),
  pvcs: z.array(PvcInfo).default([]),
  service: ServiceInfo.optional(),
  usage: z.array(PodUsage).default([]),
  /** Whether the Metrics API (metrics-server) answered; false: no `kubectl top` step would work. */
  metricsApi: z.boolean().optional(),
  /** The alert's own expression and the target's resource series from Prometheus, when one answers. */
  metrics: Metrics.optional(),
  /** Healthy pods of the same workload, by name: context for "is it all replicas or one?". */
  siblings: z
    .array(z.object({ name: z.string(), phase: z.string(), ready: z.boolean(), restarts: z.number() }))
    .default([]),
  gaps: z.array(Gap),
  /**
   * The context as the LLM sees it: redacted, compressed and fitted to the token budget. Built once by
   * the collector, so the prompt, the store, the UI and Feishu all show the same safe text.
   */
  digest: z.string().optional(),
  digestTokens: z.number().optional(),
});
export type Context = z.infer<typeof Context>;

export function emptyContext(target: Target, collectedAt: string): Context {
  return {
    target,
    collectedAt,
    pods: [],
    events: [],
    logs: [],
    nodes: [],
    pvcs: [],
    usage: [],
    siblings: [],
    gaps: [],
  };
}
