import type { ContainerInfo, Context, PodInfo } from '../../../shared/context.ts';
import type { Category, Step } from '../../../shared/report.ts';
import { workloadOf } from './evidence.ts';

/**
 * What an engineer runs for each failure class: read-only checks first, then fixes, every name filled in
 * from the context. Only commands that work as written — no placeholders a user would have to edit,
 * except where the value is a judgment call (a new memory limit), which the title says.
 */
export interface Playbook {
  steps: Step[];
  prevention: string[];
}

interface Names {
  ns: string;
  pod?: PodInfo;
  container?: ContainerInfo;
  workload: string | null;
  nsFlag: string;
}

function names(ctx: Context): Names {
  const pod = ctx.pods[0];
  const ns = pod?.namespace ?? ctx.target.namespace ?? 'default';
  const container =
    pod?.containers.find((c) => c.name === ctx.target.container) ??
    pod?.containers.find((c) => !c.ready && !c.init) ??
    pod?.containers.find((c) => !c.init);
  const w = pod ? workloadOf(pod) : null;
  return { ns, pod, container, workload: w ? `${w.kind}/${w.name}` : null, nsFlag: `-n ${ns}` };
}

const read = (title: string, command?: string): Step => ({
  title,
  risk: 'read-only',
  ...(command ? { command } : {}),
});
const fix = (title: string, risk: 'low' | 'high', command?: string): Step => ({
  title,
  risk,
  ...(command ? { command } : {}),
});

function common(n: Names): Step[] {
  const steps: Step[] = [];
  if (n.pod)
    steps.push(
      read('Describe the pod (status, last state, events)', `kubectl describe pod ${n.pod.name} ${n.nsFlag}`),
    );
  if (n.pod) {
    steps.push(
      read(
        "List the pod's events, newest last",
        `kubectl get events ${n.nsFlag} --field-selector involvedObject.name=${n.pod.name} --sort-by=.lastTimestamp`,
      ),
    );
  } else {
    steps.push(
      read(
        'List warning events in the namespace',
        `kubectl get events ${n.nsFlag} --field-selector type=Warning --sort-by=.lastTimestamp`,
      ),
    );
  }
  return steps;
}

function previousLogs(n: Names): Step[] {
  if (!n.pod || !n.container) return [];
  return [
    read(
      'Read the log of the crashed container',
      `kubectl logs ${n.pod.name} ${n.nsFlag} -c ${n.container.name} --previous --tail=200`,
    ),
  ];
}

function rolloutHistory(n: Names): Step[] {
  if (!n.workload?.startsWith('deployment/')) return [];
  return [
    read('Check whether a recent rollout changed it', `kubectl rollout history ${n.workload} ${n.nsFlag}`),
  ];
}

function doubled(q: string | undefined): string | null {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q ?? '');
  if (!m) return null;
  const v = Number(m[1]) * 2;
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${m[2] ?? ''}`;
}

export function playbook(category: Category, ctx: Context): Playbook {
  const n = names(ctx);
  const base = common(n);
  const c = n.container?.name;
  switch (category) {
    case 'OOMKilled': {
      const limit = n.container?.limits.memory;
      const next = doubled(limit);
      return {
        steps: [
          ...base,
          ...previousLogs(n),
          ...(n.pod
            ? [
                read(
                  'Compare current memory use with the limit',
                  `kubectl top pod ${n.pod.name} ${n.nsFlag} --containers`,
                ),
              ]
            : []),
          ...rolloutHistory(n),
          ...(n.workload && c && next
            ? [
                fix(
                  `Raise the memory limit of ${c} from ${limit} to ${next} (check the node has room first)`,
                  'high',
                  `kubectl set resources ${n.workload} ${n.nsFlag} -c ${c} --limits=memory=${next}`,
                ),
              ]
            : []),
        ],
        prevention: [
          'Set the memory request and limit from the observed peak plus headroom (e.g. p99 working set × 1.3).',
          'For JVM and other managed runtimes, size the heap relative to the container limit (e.g. -XX:MaxRAMPercentage=75).',
          'Alert on container_memory_working_set_bytes approaching the limit, before the kill.',
        ],
      };
    }
    case 'CrashLoop':
      return {
        steps: [
          ...previousLogs(n),
          ...base,
          ...rolloutHistory(n),
          ...(n.workload?.startsWith('deployment/')
            ? [
                fix(
                  'If the last rollout caused it, roll back',
                  'high',
                  `kubectl rollout undo ${n.workload} ${n.nsFlag}`,
                ),
              ]
            : []),
        ],
        prevention: [
          'Validate configuration at startup and fail with a clear message; test it in CI with the production settings.',
          'Use a startup probe and progressive rollouts (maxUnavailable 0) so a crashing version never replaces healthy pods.',
        ],
      };
    case 'ImagePull':
      return {
        steps: [
          ...base,
          ...(n.pod && c
            ? [
                read(
                  'Show the image reference and pull secrets in use',
                  `kubectl get pod ${n.pod.name} ${n.nsFlag} -o jsonpath='{.spec.containers[?(@.name=="${c}")].image}{"\\n"}{.spec.imagePullSecrets}'`,
                ),
              ]
            : []),
          ...rolloutHistory(n),
          ...(n.workload?.startsWith('deployment/')
            ? [
                fix(
                  'If a bad tag was rolled out, roll back',
                  'high',
                  `kubectl rollout undo ${n.workload} ${n.nsFlag}`,
                ),
              ]
            : []),
        ],
        prevention: [
          'Deploy immutable image digests produced by CI instead of hand-typed tags.',
          'Keep imagePullSecrets in the service account so every pod of the namespace gets them.',
        ],
      };
    case 'ConfigError':
      return {
        steps: [
          ...base,
          read(
            'List the Secrets and ConfigMaps that exist in the namespace',
            `kubectl get secrets,configmaps ${n.nsFlag}`,
          ),
          ...rolloutHistory(n),
        ],
        prevention: [
          'Create Secrets and ConfigMaps before (or together with) the workloads that need them, in the same release.',
          'Mark truly optional references `optional: true`; check references in CI (e.g. kubeconform plus a policy check).',
        ],
      };
    case 'Unschedulable':
      return {
        steps: [
          ...base,
          read('See free capacity and taints of the nodes', 'kubectl describe nodes'),
          read('Check for unbound volume claims', `kubectl get pvc ${n.nsFlag}`),
        ],
        prevention: [
          'Right-size requests from observed usage; enable the cluster autoscaler for the node pool.',
          'Keep tolerations, node selectors and affinity in sync with the node pools that exist.',
        ],
      };
    case 'ProbeFailure':
      return {
        steps: [...base, ...previousLogs(n)],
        prevention: [
          'Give probes realistic timeouts and a startupProbe for slow starts; keep liveness checks free of dependencies.',
        ],
      };
    case 'Evicted':
      return {
        steps: [
          ...base,
          ...(n.pod?.nodeName
            ? [read('Check the node pressure conditions', `kubectl describe node ${n.pod.nodeName}`)]
            : []),
        ],
        prevention: [
          'Set memory and ephemeral-storage requests close to real use so the kubelet evicts the right pods.',
        ],
      };
    case 'VolumeMount':
      return {
        steps: [...base, read('Check the claims and their binding', `kubectl get pvc ${n.nsFlag}`)],
        prevention: [
          'Create the volumes, claims and ConfigMaps a pod mounts before the pod; use ReadWriteOnce claims with one replica.',
        ],
      };
    case 'NodeNotReady': {
      const node = n.pod?.nodeName ?? (ctx.target.kind === 'node' ? ctx.target.name : undefined);
      return {
        steps: node
          ? [
              read(
                'Describe the node (conditions, pressure, kubelet heartbeats)',
                `kubectl describe node ${node}`,
              ),
              read(
                'List the pods on the node',
                `kubectl get pods -A --field-selector spec.nodeName=${node} -o wide`,
              ),
            ]
          : [read('List nodes and their readiness', 'kubectl get nodes -o wide')],
        prevention: [
          'Run node-problem-detector and spread replicas across nodes and zones (topologySpreadConstraints, PDBs).',
        ],
      };
    }
    case 'JobFailed':
      return {
        steps: [...base, ...previousLogs(n)],
        prevention: [
          'Make jobs idempotent and set backoffLimit/activeDeadlineSeconds from measured run times.',
        ],
      };
    case 'DependencyFailure':
      return {
        steps: [
          ...previousLogs(n),
          ...base,
          read('Check the services and endpoints in the namespace', `kubectl get endpoints ${n.nsFlag}`),
        ],
        prevention: [
          'Keep dependencies out of liveness probes; add timeouts, retries with backoff and circuit breakers.',
        ],
      };
    default:
      return {
        steps: base,
        prevention: [],
      };
  }
}
