/**
 * The workload an incident is about, as far as its target's name tells: the replicas of one workload
 * failing the same way are one group in the list (and share one analysis). A Deployment's pod
 * `api-7d9f8c6b5-x2x9q` and a CronJob's `backup-28391234-kx8z2` drop their generated suffixes, a
 * DaemonSet's or Job's `agent-x2x9q` its random one, a StatefulSet's `kafka-2` its ordinal. Any other
 * target (`deployment/api`, `node/worker-1`) is its own name. Targets are the engine's `kind/name`.
 */
export function workloadOf(target: string): string {
  const slash = target.indexOf('/');
  const kind = slash === -1 ? target : target.slice(0, slash);
  const name = slash === -1 ? target : target.slice(slash + 1);
  if (kind !== 'pod') return name;
  return replaced(name, GENERATED) ?? replaced(name, RANDOM) ?? replaced(name, ORDINAL) ?? name;
}

/**
 * Kubernetes' generated names use an alphabet without vowels and look-alike digits (SafeEncodeString),
 * so `node-exporter-x2x9q` is a DaemonSet's pod, not a Deployment "node" with hash "exporter".
 */
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
/** A ReplicaSet's pod-template-hash, or a CronJob's scheduled time, then the pod's random suffix. */
const GENERATED = new RegExp(`^(.+)-(?:${SAFE}{6,10}|\\d{8,12})-${SAFE}{5}$`);
const RANDOM = new RegExp(`^(.+)-${SAFE}{5}$`);
const ORDINAL = /^(.+)-\d{1,5}$/;

function replaced(name: string, re: RegExp): string | undefined {
  return re.exec(name)?.[1];
}
