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
  probe: {
    status: (p: P) => `its endpoint${p.path ? ` ${p.path}` : ''} answers HTTP ${p.status}`,
    timeout: (p: P) =>
      `its endpoint${p.path ? ` ${p.path}` : ''} does not answer within the probe timeout${p.timeout ? ` (${p.timeout})` : ''}`,
    refused: () => 'nothing accepts connections on the probe port',
    errored: (p: P) => `the probe itself errors (${p.output})`,
    other: (p: P) => s(p.output) || 'the probe fails',
  },
  eviction: {
    memory: () => 'the node ran low on memory',
    disk: (p: P) => `the node ran low on ${p.resource} (disk pressure)`,
    pids: () => 'the node ran out of process IDs',
    ephemeralLimit: (p: P) =>
      `its ephemeral storage use exceeded the total limit of its containers (${p.limit})`,
    containerEphemeral: (p: P) =>
      `container ${p.container} exceeded its ephemeral-storage limit${p.limit ? ` (${p.limit})` : ''}`,
    emptyDir: (p: P) => `emptyDir volume ${p.volume} outgrew its size limit (${p.limit})`,
    condition: (p: P) => `the node had condition ${p.condition}`,
    other: (p: P) => s(p.message) || 'the kubelet needed to reclaim resources',
  },
  mount: {
    missing: (p: P) => `volume ${p.volume} mounts ${p.objectKind} "${p.object}", which does not exist`,
    multiAttach: (p: P) =>
      `volume ${p.volume}${p.claim ? ` (claim ${p.claim}${p.accessModes ? `, ${p.accessModes}` : ''})` : ''} is still attached for ${p.holder ? `pod ${p.holder}` : 'another pod'} on another node and can only attach to one node at a time (Multi-Attach error)`,
    attach: (p: P) => `volume ${p.volume ?? ''} could not be attached: ${p.message}`,
    timeout: (p: P) => `volumes ${p.volumes} were not mounted in time (timed out waiting for the condition)`,
    other: (p: P) => s(p.message),
  },
  node: {
    stopped: (p: P) =>
      `unreachable: the kubelet stopped posting node status (Ready=Unknown${p.since ? `, last heartbeat ${p.since}` : ''})`,
    notReady: (p: P) => `NotReady${p.message ? `: ${p.message}` : ''}`,
    pressure: (p: P) => `under ${p.pressure}`,
  },
  job: {
    BackoffLimitExceeded: (p: P) =>
      `its pods failed ${p.failed} times, more than its backoffLimit of ${p.backoffLimit ?? '?'} (BackoffLimitExceeded)`,
    DeadlineExceeded: (p: P) =>
      `it ran longer than its activeDeadlineSeconds${p.deadline !== undefined ? ` (${p.deadline} s)` : ''} and was stopped (DeadlineExceeded)`,
    failedPods: (p: P) => `${p.failed} of its pods failed and none succeeded`,
    other: (p: P) => `${p.reason}${p.message ? `: ${p.message}` : ''}`,
  },
  dependency: {
    refused: 'refuses connections (connection refused)',
    timeout: 'does not answer (connections time out)',
    dns: 'cannot be resolved (no such host)',
    unreachable: 'cannot be reached (no route to host)',
    reset: 'drops connections (connection reset)',
    upstream: 'answers with server errors',
    unavailable: 'is unavailable',
    breaker: 'keeps failing, so the circuit breaker is open',
  },
};

export type PullCause = keyof typeof cause.pull;
export type SchedulingCause = keyof typeof cause.scheduling;
export type ProbeCause = keyof typeof cause.probe;
export type EvictionCause = keyof typeof cause.eviction;
export type MountCause = keyof typeof cause.mount;
export type NodeCause = keyof typeof cause.node;
export type JobCause = keyof typeof cause.job;
export type DependencyCause = keyof typeof cause.dependency;

/** The cause sub-phrase for a key a rule chose, or the fallback when the key is unknown. */
export function pick<T extends Record<string, unknown>>(
  table: T,
  key: unknown,
  fallback: keyof T,
): T[keyof T] {
  return (typeof key === 'string' && key in table ? table[key] : table[fallback]) as T[keyof T];
}

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
    'probe-failure': (p: P) =>
      p.probe === 'readiness'
        ? `The readiness probe of container ${p.container} in pod ${p.pod} keeps failing — ${pick(cause.probe, p.cause, 'other')(p)} — so the pod is not Ready and gets no traffic, although the container runs${p.restarts ? ` (${p.restarts} restarts)` : ' (no restarts)'}.`
        : p.killed
          ? `The ${p.probe} probe of container ${p.container} in pod ${p.pod} fails — ${pick(cause.probe, p.cause, 'other')(p)} — so the kubelet kills and restarts the container${p.exit !== undefined ? ` (last exit code ${p.exit})` : ''}; ${p.restarts} restarts so far${p.slowStart ? `. Its last run was killed after only ${p.ranFor} s, about as soon as the probe allows, and it has no startupProbe: it is killed before it finishes starting` : ''}${p.lastError ? `. Last error in its log: ${p.lastError}` : ''}.`
          : `The ${p.probe} probe of container ${p.container} in pod ${p.pod} keeps failing — ${pick(cause.probe, p.cause, 'other')(p)}.`,
    evicted: (p: P) =>
      `Pod ${p.pod} was evicted by the kubelet${p.node ? ` on node ${p.node}` : ''}: ${pick(cause.eviction, p.cause, 'other')(p)}${
        p.usage && p.container && p.cause !== 'containerEphemeral'
          ? `; container ${p.container} was using ${p.usage}${p.request ? ` against a request of ${p.request}` : ' with no request'}`
          : ''
      }.`,
    'volume-mount': (p: P) =>
      `Pod ${p.pod} cannot start${p.waiting ? ` (stuck in ${p.waiting})` : ''}: ${pick(cause.mount, p.cause, 'other')(p)}.`,
    'node-not-ready': (p: P) =>
      `${p.pod ? `Pod ${p.pod} runs on node ${p.node}, which is` : `Node ${p.node} is`} ${pick(cause.node, p.cause, 'notReady')(p)}${
        p.pressure && p.cause !== 'pressure' ? `; it also reports ${p.pressure}` : ''
      }${p.failing ? `; ${p.failing} pods on it are not running or not ready` : ''}.`,
    'job-failed': (p: P) =>
      `Job ${p.job} failed: ${pick(cause.job, p.cause, 'other')(p)}${p.lastError ? `; last error in the log of ${p.pod}: ${p.lastError}` : ''}.`,
    'dependency-failure': (p: P) =>
      `Container ${p.container} of pod ${p.pod} cannot use a dependency: ${p.target ?? 'a downstream service'} ${pick(cause.dependency, p.cause, 'unavailable')}${p.cause === 'upstream' && p.status ? ` (HTTP ${p.status})` : ''}${
        p.breaker && p.cause !== 'breaker' ? `, and circuit breaker ${p.breaker} is open` : ''
      } (${p.count} errors in its log)${
        p.probe === 'readiness'
          ? '; its readiness probe fails because of it, so it gets no traffic'
          : p.probe === 'liveness'
            ? '; its liveness probe fails because of it, so the kubelet restarts it'
            : p.probe === 'crash'
              ? '; it exits because of it and restarts'
              : ''
      }.`,
    'no-issue-found': (p: P) =>
      `${p.gone ? `Pod ${p.gone} no longer exists (it was replaced). ` : ''}${
        p.kind === 'node'
          ? `Node ${p.name} looks healthy now (Ready, no pressure)`
          : p.kind === 'job'
            ? `Job ${p.name} has succeeded`
            : `${p.count === 1 ? `Pod ${p.name} looks` : `All ${p.count} pods of ${p.name} look`} healthy now: Running and Ready, ${p.restarts ? `${p.restarts} old restarts` : 'no restarts'}, no warning events`
      }${p.pull ? `; it started late because pulling its image took ${p.pull}` : ''}. The alert looks like a false positive or a transient blip.`,
  } as Record<string, (p: P) => string>,
  cause,
  step: {
    describePod: 'Describe the pod (status, last state, events)',
    podEvents: "List the pod's events, newest last",
    namespaceWarnings: 'List warning events in the namespace',
    previousLogs: 'Read the log of the crashed container',
    logs: "Read the container's log",
    topPod: 'Compare current memory use with the limit',
    rolloutHistory: 'Check whether a recent rollout changed it',
    raiseMemory: (p: P) =>
      `Raise the memory limit of ${p.container} from ${p.from} to ${p.to} (check the node has room first)`,
    rollbackIfRollout: 'If the last rollout caused it, roll back',
    rollbackBadTag: 'If a bad tag was rolled out, roll back',
    imageRef: 'Show the image reference and pull secrets in use',
    listConfigMaps: 'List the ConfigMaps that exist in the namespace',
    listSecrets: 'List the Secrets that exist in the namespace (names only)',
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
    failedPods: 'List the failed (evicted) pods in the namespace',
    nodeEvents: "List the node's events",
    cordon: 'Cordon the node so no new pods are scheduled on it (drain it once the cause is known)',
    jobPods: "List the job's pods and how they ended",
    podsWide: 'See which node each pod runs on',
    describePvc: 'Describe the volume claim (access modes, which pods use it)',
    recreateStrategy:
      'Switch the deployment to the Recreate strategy, so the old pod releases the volume first',
    serviceEndpoints: 'Check whether the service has ready endpoints',
    dependencyPods: 'Check the pods behind the in-cluster dependency',
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
      'Change probe paths and ports together with the application, and test the probes in CI against the new image.',
    ],
    Evicted: [
      'Set memory and ephemeral-storage requests close to real use so the kubelet evicts the right pods.',
      'Rotate or cap files the pod writes locally (emptyDir sizeLimit, log rotation); alert on node pressure conditions.',
    ],
    VolumeMount: [
      'Create the volumes, claims and ConfigMaps a pod mounts before the pod; use ReadWriteOnce claims with one replica.',
      'Give workloads with a ReadWriteOnce volume the Recreate strategy (or run them as a StatefulSet).',
    ],
    NodeNotReady: [
      'Run node-problem-detector and spread replicas across nodes and zones (topologySpreadConstraints, PDBs).',
      'Alert on node pressure conditions before the node goes NotReady; size node disks for the images they pull.',
    ],
    JobFailed: [
      'Make jobs idempotent and set backoffLimit/activeDeadlineSeconds from measured run times.',
      'Check migrations and queries against a copy of the production schema in CI; alert on job duration trends.',
    ],
    DependencyFailure: [
      'Keep dependencies out of liveness probes; add timeouts, retries with backoff and circuit breakers.',
      "Alert on the dependency itself (endpoints, error rate) so the page reaches its owner, not every caller's.",
    ],
    NoIssueFound: [
      'If this alert fires for transient states, raise its `for:` duration or tighten its expression.',
      'Route info-level alerts to a channel instead of paging; pre-pull large images on autoscaled nodes.',
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
    impactNode: (p: P) =>
      `Node ${p.node}: ${p.count ? `${p.count} pods on it are not running or not ready (${p.pods}${p.more ? ` and ${p.more} more` : ''}); their workloads run short of replicas until they are rescheduled elsewhere` : 'no pod on it is failing'}.`,
    impactJob: (p: P) =>
      `Job ${p.job}: ${p.succeeded} pods succeeded, ${p.failed} failed, ${p.active} running${p.failing ? '; its work is not done, so whatever waits for it (a release, a report, a migration) is blocked' : ''}.`,
    modelSuggested: (p: P) => `(The model suggested ${p.category} at ${p.confidence}%: ${p.explanation})`,
  },
  /** Why a remediation action is proposed, and why one the model proposed was dropped. */
  proposal: {
    restartPod: (p: P) =>
      `restart pod ${p.pod} (OOMKilled ${p.restarts} times; ${p.ready} other ${p.ready === 1 ? 'replica' : 'replicas'} ready)`,
    rollback: (p: P) =>
      `roll back deployment ${p.deployment} to revision ${p.revision} (the pods of revision ${p.current} fail: ${p.reasons}; revision ${p.revision} was healthy)`,
    llm: (p: P) => `proposed by the model (${p.category}, ${p.confidence}% confidence)`,
    invalid: (p: P) => `not one of the four action types (${p.error})`,
    notInContext: (p: P) => `${p.what} is not in the collected context`,
    noPrevious: (p: P) => `deployment ${p.deployment} has no previous revision in the collected context`,
  },
  /** Told to the model: the language the human-readable fields must be written in. */
  llmLanguage: 'Write explanation, impact, step titles and prevention in English.',
};

export type Messages = typeof en;
