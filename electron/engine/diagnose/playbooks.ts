import type { ContainerInfo, Context, PodInfo } from '../../../shared/context.ts';
import type { Category, Step } from '../../../shared/report.ts';
import { pinContext, singleRevision } from './commands.ts';
import { workloadOf } from './evidence.ts';
import type { Messages } from './messages/index.ts';
import { containerDependencyErrors } from './rules/dependency-failure.ts';

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
  node?: string;
  /** False when the workload is known to have no earlier revision (kubectl: "no rollout history found"). */
  canUndo: boolean;
}

function names(ctx: Context): Names {
  const pod = ctx.pods[0];
  const ns = pod?.namespace ?? ctx.target.namespace ?? 'default';
  const container =
    pod?.containers.find((c) => c.name === ctx.target.container) ??
    pod?.containers.find((c) => !c.ready && !c.init) ??
    pod?.containers.find((c) => !c.init);
  const fromWorkload = ctx.workload ? `${ctx.workload.kind.toLowerCase()}/${ctx.workload.name}` : null;
  const w = pod ? workloadOf(pod) : null;
  return {
    ns,
    pod,
    container,
    workload: fromWorkload ?? (w ? `${w.kind}/${w.name}` : null),
    nsFlag: `-n ${ns}`,
    node: pod?.nodeName ?? (ctx.target.kind === 'node' ? ctx.target.name : ctx.nodes[0]?.name),
    // Unknown (the ReplicaSets could not be read) is not "none": the step stays, its title says "if".
    canUndo: !singleRevision(ctx),
  };
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

function common(n: Names, m: Messages): Step[] {
  if (!n.pod) {
    return [
      read(
        m.step.namespaceWarnings,
        `kubectl get events ${n.nsFlag} --field-selector type=Warning --sort-by=.lastTimestamp`,
      ),
    ];
  }
  return [
    read(m.step.describePod, `kubectl describe pod ${n.pod.name} ${n.nsFlag}`),
    read(
      m.step.podEvents,
      `kubectl get events ${n.nsFlag} --field-selector involvedObject.name=${n.pod.name} --sort-by=.lastTimestamp`,
    ),
  ];
}

function previousLogs(n: Names, m: Messages): Step[] {
  if (!n.pod || !n.container) return [];
  const crashed = n.container.restartCount > 0 || n.container.lastState?.kind === 'terminated';
  return [
    read(
      crashed ? m.step.previousLogs : m.step.logs,
      `kubectl logs ${n.pod.name} ${n.nsFlag} -c ${n.container.name}${crashed ? ' --previous' : ''} --tail=200`,
    ),
  ];
}

function rolloutHistory(n: Names, m: Messages): Step[] {
  if (!n.workload?.startsWith('deployment/')) return [];
  return [read(m.step.rolloutHistory, `kubectl rollout history ${n.workload} ${n.nsFlag}`)];
}

function rollback(n: Names, title: string): Step[] {
  if (!n.workload?.startsWith('deployment/') || !n.canUndo) return [];
  return [fix(title, 'high', `kubectl rollout undo ${n.workload} ${n.nsFlag}`)];
}

function describeNode(n: Names, m: Messages): Step[] {
  return n.node ? [read(m.step.describeNode, `kubectl describe node ${n.node}`)] : [];
}

/** The endpoints of the alert's Service, or of every Service in the namespace. */
function endpoints(ctx: Context, n: Names, m: Messages): Step {
  return ctx.service
    ? read(m.step.serviceEndpoints, `kubectl get endpoints ${ctx.service.name} ${n.nsFlag}`)
    : read(m.step.endpoints, `kubectl get endpoints ${n.nsFlag}`);
}

/**
 * Where the failing dependency lives, when the logs name an in-cluster Service
 * (`postgres.shop.svc.cluster.local`): its namespace's endpoints and pods. Names only from the context.
 */
function dependencySteps(ctx: Context, n: Names, m: Messages): Step[] {
  const steps: Step[] = ctx.service ? [endpoints(ctx, n, m)] : [];
  let depNs: string | undefined;
  for (const pod of ctx.pods) {
    for (const c of pod.containers) {
      const target = containerDependencyErrors(ctx, pod, c)?.primary.target;
      depNs ??= /\b[a-z0-9-]+\.([a-z0-9-]+)\.svc\b/.exec(target ?? '')?.[1];
    }
  }
  const known = new Set([n.ns, ...ctx.pods.map((p) => p.namespace)]);
  if (depNs) {
    const flag = known.has(depNs) ? `-n ${depNs}` : '-A';
    steps.push(read(m.step.endpoints, `kubectl get endpoints ${flag}`));
    steps.push(read(m.step.dependencyPods, `kubectl get pods ${flag} -o wide`));
  } else if (!ctx.service) steps.push(endpoints(ctx, n, m));
  return steps;
}

/** Doubles a memory quantity: a starting point for the new limit, labelled as a judgment call. */
export function doubled(q: string | undefined): string | null {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q ?? '');
  if (!match) return null;
  const v = Number(match[1]) * 2;
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${match[2] ?? ''}`;
}

function steps(category: Category, ctx: Context, n: Names, m: Messages): Step[] {
  const base = common(n, m);
  const c = n.container?.name;
  switch (category) {
    case 'OOMKilled': {
      const limit = n.container?.limits.memory;
      const next = doubled(limit);
      return [
        ...base,
        ...previousLogs(n, m),
        // Only where metrics-server answered: elsewhere kubectl top says "Metrics API not available".
        ...(n.pod && ctx.metricsApi !== false
          ? [read(m.step.topPod, `kubectl top pod ${n.pod.name} ${n.nsFlag} --containers`)]
          : []),
        ...rolloutHistory(n, m),
        ...(n.workload && c && next && limit
          ? [
              fix(
                m.step.raiseMemory({ container: c, from: limit, to: next }),
                'high',
                `kubectl set resources ${n.workload} ${n.nsFlag} -c ${c} --limits=memory=${next}`,
              ),
            ]
          : []),
      ];
    }
    case 'CrashLoop':
      return [
        ...previousLogs(n, m),
        ...base,
        ...rolloutHistory(n, m),
        ...rollback(n, m.step.rollbackIfRollout),
      ];
    case 'ImagePull':
      return [
        ...base,
        ...(n.pod && c
          ? [
              read(
                m.step.imageRef,
                `kubectl get pod ${n.pod.name} ${n.nsFlag} -o jsonpath='{.spec.containers[?(@.name=="${c}")].image}{"\\n"}{.spec.imagePullSecrets}'`,
              ),
            ]
          : []),
        ...rolloutHistory(n, m),
        ...rollback(n, m.step.rollbackBadTag),
      ];
    case 'ConfigError':
      return [
        ...base,
        read(m.step.listConfigMaps, `kubectl get configmaps ${n.nsFlag}`),
        read(m.step.listSecrets, `kubectl get secrets ${n.nsFlag}`),
        ...rolloutHistory(n, m),
      ];
    case 'Unschedulable':
      return [
        ...base,
        read(m.step.describeNodes, 'kubectl describe nodes'),
        read(m.step.pvcs, `kubectl get pvc ${n.nsFlag}`),
      ];
    case 'ProbeFailure': {
      // A running container that is not ready: its Service has no endpoints for it.
      const unready = ctx.pods.some((p) =>
        p.containers.some((x) => !x.init && !x.ready && x.state.kind === 'running'),
      );
      return [
        ...base,
        ...previousLogs(n, m),
        ...(unready ? [endpoints(ctx, n, m)] : []),
        ...rolloutHistory(n, m),
        ...rollback(n, m.step.rollbackIfRollout),
      ];
    }
    case 'Evicted':
      return [
        ...base,
        ...(n.node ? [read(m.step.nodePressure, `kubectl describe node ${n.node}`)] : []),
        read(m.step.failedPods, `kubectl get pods ${n.nsFlag} --field-selector=status.phase=Failed -o wide`),
        ...previousLogs(n, m),
      ];
    case 'VolumeMount': {
      const sources = ctx.pods.flatMap((p) => p.volumes.map((v) => v.source));
      const claims = [...new Set(sources.filter((x) => x.startsWith('pvc/')).map((x) => x.slice(4)))];
      const rwo = ctx.pvcs.some((p) => claims.includes(p.name) && p.accessModes.includes('ReadWriteOnce'));
      return [
        ...base,
        read(m.step.pvcBinding, `kubectl get pvc ${n.nsFlag}`),
        ...claims.slice(0, 2).map((c) => read(m.step.describePvc, `kubectl describe pvc ${c} ${n.nsFlag}`)),
        ...(sources.some((x) => x.startsWith('configmap/'))
          ? [read(m.step.listConfigMaps, `kubectl get configmaps ${n.nsFlag}`)]
          : []),
        ...(sources.some((x) => x.startsWith('secret/'))
          ? [read(m.step.listSecrets, `kubectl get secrets ${n.nsFlag}`)]
          : []),
        ...(rwo ? [read(m.step.podsWide, `kubectl get pods ${n.nsFlag} -o wide`)] : []),
        ...rolloutHistory(n, m),
        ...(rwo && n.workload?.startsWith('deployment/')
          ? [
              fix(
                m.step.recreateStrategy,
                'high',
                `kubectl patch ${n.workload} ${n.nsFlag} --patch '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'`,
              ),
            ]
          : []),
      ];
    }
    case 'NodeNotReady':
      return n.node
        ? [
            ...describeNode(n, m),
            read(
              m.step.nodeEvents,
              `kubectl get events -A --field-selector involvedObject.kind=Node,involvedObject.name=${n.node} --sort-by=.lastTimestamp`,
            ),
            read(m.step.podsOnNode, `kubectl get pods -A --field-selector spec.nodeName=${n.node} -o wide`),
            read(m.step.listNodes, 'kubectl get nodes -o wide'),
            ...(ctx.target.kind === 'node' ? [] : base),
            fix(m.step.cordon, 'high', `kubectl cordon ${n.node}`),
          ]
        : [read(m.step.listNodes, 'kubectl get nodes -o wide')];
    case 'JobFailed': {
      const job = ctx.workload?.kind === 'Job' ? ctx.workload.name : undefined;
      return [
        ...(job ? [read(m.step.describeJob, `kubectl describe job ${job} ${n.nsFlag}`)] : []),
        ...(job ? [read(m.step.jobPods, `kubectl get pods ${n.nsFlag} -l job-name=${job} -o wide`)] : []),
        ...previousLogs(n, m),
        ...base,
      ];
    }
    case 'DependencyFailure':
      return [...previousLogs(n, m), ...base, ...dependencySteps(ctx, n, m)];
    case 'NoIssueFound':
      return n.workload
        ? [read(m.step.workloadStatus, `kubectl get ${n.workload} ${n.nsFlag} -o wide`), ...base]
        : base;
    default:
      return base;
  }
}

export function playbook(category: Category, ctx: Context, m: Messages): Playbook {
  return {
    steps: steps(category, ctx, names(ctx), m).map((s) => pinContext(s, ctx.kubectlContext)),
    prevention: m.prevention[category] ?? [],
  };
}
