/**
 * The workload an incident is about, as far as its target's name tells: the replicas of one workload
 * failing the same way are one group in the list (and share one analysis). Targets are the engine's
 * `kind/name`; a pod's is read by podOwner(), any other target (`deployment/api`, `node/worker-1`) is
 * its own name.
 */
export function workloadOf(target: string): string {
  const slash = target.indexOf('/');
  if (slash === -1) return target;
  const name = target.slice(slash + 1);
  return target.slice(0, slash) === 'pod' ? podOwner(name).name : name;
}

export interface PodOwner {
  /** `deployment` also stands for a CronJob's Job (both name their pods `<name>-<generated>-<random>`). */
  kind: 'deployment' | 'statefulset' | 'workload';
  name: string;
  /** Matches the names of the same workload's other pods. */
  pattern: RegExp;
}

/**
 * What a pod's name says about the workload that made it. A Deployment's `api-7d9f8c6b5-x2x9q` and a
 * CronJob's `backup-28391234-kx8z2` drop their generated suffixes, a StatefulSet's `kafka-2` its ordinal,
 * a DaemonSet's or Job's `agent-x2x9q` its random one. Kubernetes' generated names use an alphabet
 * without vowels and look-alike digits (SafeEncodeString), so `node-exporter-x2x9q` is a DaemonSet's
 * pod, not a Deployment "node" with hash "exporter". A name that fits no scheme is its own workload.
 */
export function podOwner(pod: string): PodOwner {
  let m = GENERATED.exec(pod);
  if (m) return owner('deployment', m[1]!, `(?:${SAFE}{6,10}|\\d{8,12})-${SAFE}{5}`);
  m = ORDINAL.exec(pod);
  if (m) return owner('statefulset', m[1]!, '\\d+');
  m = RANDOM.exec(pod);
  return owner('workload', m ? m[1]! : pod, `${SAFE}{5}`);
}

const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
/** A ReplicaSet's pod-template-hash, or a CronJob's scheduled time, then the pod's random suffix. */
const GENERATED = new RegExp(`^(.+)-(?:${SAFE}{6,10}|\\d{8,12})-${SAFE}{5}$`);
const ORDINAL = /^(.+)-\d{1,5}$/;
const RANDOM = new RegExp(`^(.+)-${SAFE}{5}$`);

function owner(kind: PodOwner['kind'], name: string, suffix: string): PodOwner {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return { kind, name, pattern: new RegExp(`^${escaped}-${suffix}$`) };
}
