/**
 * Every sentence a rules report says, in English. zh.ts has the same keys (the compiler checks it).
 * Names, reasons, exit codes and commands are passed in verbatim: only the prose is translated.
 */
export type P = Record<string, string | number | undefined>;
const s = (v: unknown) => (v === undefined || v === '' ? '' : String(v));

const cause = {
  pull: {
    notFound: 'the image or tag does not exist in the registry',
    denied: 'the registry refused access (missing or wrong imagePullSecrets)',
    unreachable: 'the registry is unreachable from the node',
    invalid: 'the image reference is malformed',
    other: 'the image could not be pulled',
  },
  scheduling: {
    pvc: () => 'its PersistentVolumeClaim is not bound (no matching PersistentVolume or StorageClass)',
    resources: (p: P) => `no node has enough free ${p.resources} for its requests`,
    taints: () => 'the nodes have taints the pod does not tolerate',
    affinity: () => "no node matches the pod's node selector or affinity",
    podAffinity: () => 'pod (anti-)affinity rules exclude every node',
    tooManyPods: () => 'the nodes are at their pod limit',
    other: () => 'no node passes the scheduler filters',
  },
};

export type PullCause = keyof typeof cause.pull;
export type SchedulingCause = keyof typeof cause.scheduling;

export const en = {
  lang: 'en' as 'en' | 'zh',
  finding: {
    'oom-killed': (p: P) =>
      `Container ${p.container} of pod ${p.pod} was killed for exceeding its memory limit${p.limit ? ` (${p.limit})` : ''} (OOMKilled, exit code 137); it restarted ${p.restarts} times.`,
    'crash-loop': (p: P) =>
      `Container ${p.container} of pod ${p.pod} keeps crashing${p.exit !== undefined ? ` (last exit code ${p.exit}${p.reason ? `, ${p.reason}` : ''})` : ''} and has restarted ${p.restarts} times${p.lastError ? `; last error: ${p.lastError}` : ''}.`,
    'image-pull': (p: P) =>
      `Container ${p.container} of pod ${p.pod} cannot start: image ${p.image} — ${cause.pull[p.cause as PullCause]} (${p.reason}).`,
    'config-error': (p: P) =>
      `Container ${p.container} of pod ${p.pod} cannot be created (${p.reason}): ${
        p.kind === 'object'
          ? `${p.objectKind} "${p.object}" does not exist`
          : p.kind === 'key'
            ? `key ${p.key} is missing from ${p.objectKind} ${p.object}`
            : s(p.message)
      }.`,
    unschedulable: (p: P) =>
      `Pod ${p.pod} cannot be scheduled: ${cause.scheduling[p.cause as SchedulingCause](p)}.`,
  } as Record<string, (p: P) => string>,
  cause,
  step: {
    describePod: 'Describe the pod (status, last state, events)',
    podEvents: "List the pod's events, newest last",
    namespaceWarnings: 'List warning events in the namespace',
    previousLogs: 'Read the log of the crashed container',
    topPod: 'Compare current memory use with the limit',
    rolloutHistory: 'Check whether a recent rollout changed it',
    raiseMemory: (p: P) =>
      `Raise the memory limit of ${p.container} from ${p.from} to ${p.to} (check the node has room first)`,
    rollbackIfRollout: 'If the last rollout caused it, roll back',
    rollbackBadTag: 'If a bad tag was rolled out, roll back',
    imageRef: 'Show the image reference and pull secrets in use',
    listConfig: 'List the Secrets and ConfigMaps that exist in the namespace',
    describeNodes: 'See free capacity and taints of the nodes',
    pvcs: 'Check for unbound volume claims',
    pvcBinding: 'Check the claims and their binding',
    nodePressure: 'Check the node pressure conditions',
    describeNode: 'Describe the node (conditions, pressure, kubelet heartbeats)',
    podsOnNode: 'List the pods on the node',
    listNodes: 'List nodes and their readiness',
    endpoints: 'Check the services and endpoints in the namespace',
    describeJob: 'Describe the job (conditions, failed pods)',
    workloadStatus: 'See the workload status and its pods',
  },
  prevention: {
    OOMKilled: [
      'Set the memory request and limit from the observed peak plus headroom (e.g. p99 working set × 1.3).',
      'For JVM and other managed runtimes, size the heap relative to the container limit (e.g. -XX:MaxRAMPercentage=75).',
      'Alert on container_memory_working_set_bytes approaching the limit, before the kill.',
    ],
    CrashLoop: [
      'Validate configuration at startup and fail with a clear message; test it in CI with the production settings.',
      'Use a startup probe and progressive rollouts (maxUnavailable 0) so a crashing version never replaces healthy pods.',
    ],
    ImagePull: [
      'Deploy immutable image digests produced by CI instead of hand-typed tags.',
      'Keep imagePullSecrets in the service account so every pod of the namespace gets them.',
    ],
    ConfigError: [
      'Create Secrets and ConfigMaps before (or together with) the workloads that need them, in the same release.',
      'Mark truly optional references `optional: true`; check references in CI (e.g. kubeconform plus a policy check).',
    ],
    Unschedulable: [
      'Right-size requests from observed usage; enable the cluster autoscaler for the node pool.',
      'Keep tolerations, node selectors and affinity in sync with the node pools that exist.',
    ],
    ProbeFailure: [
      'Give probes realistic timeouts and a startupProbe for slow starts; keep liveness checks free of dependencies.',
    ],
    Evicted: [
      'Set memory and ephemeral-storage requests close to real use so the kubelet evicts the right pods.',
    ],
    VolumeMount: [
      'Create the volumes, claims and ConfigMaps a pod mounts before the pod; use ReadWriteOnce claims with one replica.',
    ],
    NodeNotReady: [
      'Run node-problem-detector and spread replicas across nodes and zones (topologySpreadConstraints, PDBs).',
    ],
    JobFailed: ['Make jobs idempotent and set backoffLimit/activeDeadlineSeconds from measured run times.'],
    DependencyFailure: [
      'Keep dependencies out of liveness probes; add timeouts, retries with backoff and circuit breakers.',
    ],
    NoIssueFound: [
      'If this alert fires for transient states, raise its `for:` duration or tighten its expression.',
    ],
    Unknown: [],
  } as Record<string, string[]>,
  report: {
    alsoSeen: 'Also seen:',
    blind: (p: P) => `No cluster evidence could be read for ${p.target}${p.gaps ? ` (${p.gaps})` : ''}.`,
    noMatch: 'No known failure pattern matched the collected status, events and logs.',
    impactUnknown: 'Unknown: the affected objects could not be read.',
    impactPod: (p: P) =>
      `Pod ${p.pod} is ${String(p.phase).toLowerCase()} and ${p.notReady ? `not ready (${p.notReady})` : 'ready'}${p.restarts ? `, ${p.restarts} restarts` : ''}${p.failing ? '; requests it should serve fail or go to other replicas' : ''}.`,
    impactSiblings: (p: P) => ` ${p.ready} of ${p.total} other replicas are ready.`,
    modelSuggested: (p: P) => `(The model suggested ${p.category} at ${p.confidence}%: ${p.explanation})`,
  },
  /** Told to the model: the language the human-readable fields must be written in. */
  llmLanguage: 'Write explanation, impact, step titles and prevention in English.',
};

export type Messages = typeof en;
