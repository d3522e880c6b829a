import type { Context } from '../../../shared/context.ts';
import type { Step } from '../../../shared/report.ts';

/**
 * Checks the commands a model proposes before they are shown as copy-ready: one plain kubectl
 * invocation, a verb and flags that exist, and resource names that are in the collected context.
 * Anything else is shown as text with a warning. Nothing here — or anywhere — executes a command.
 */

const GLOBAL = [
  '-n',
  '--namespace',
  '--context',
  '--cluster',
  '--kubeconfig',
  '-v',
  '--v',
  '--request-timeout',
  '-o',
  '--output',
  '-h',
  '--help',
];

/** kubectl verbs we accept, with their flags (kubectl 1.32) and whether they change the cluster. */
const VERBS: Record<string, { flags: string[]; mutating: boolean }> = {
  get: {
    mutating: false,
    flags: [
      '-l',
      '--selector',
      '-A',
      '--all-namespaces',
      '--field-selector',
      '-w',
      '--watch',
      '--sort-by',
      '--show-labels',
      '-L',
      '--label-columns',
      '--show-kind',
      '--no-headers',
      '--chunk-size',
      '--ignore-not-found',
      '--raw',
      '--subresource',
    ],
  },
  describe: {
    mutating: false,
    flags: ['-l', '--selector', '-A', '--all-namespaces', '--show-events', '--chunk-size'],
  },
  logs: {
    mutating: false,
    flags: [
      '-c',
      '--container',
      '-p',
      '--previous',
      '--tail',
      '--since',
      '--since-time',
      '-f',
      '--follow',
      '--timestamps',
      '--all-containers',
      '-l',
      '--selector',
      '--limit-bytes',
      '--prefix',
      '--max-log-requests',
      '--pod-running-timeout',
      '--ignore-errors',
    ],
  },
  top: {
    mutating: false,
    flags: [
      '--containers',
      '-l',
      '--selector',
      '--sort-by',
      '-A',
      '--all-namespaces',
      '--no-headers',
      '--use-protocol-buffers',
      '--sum',
    ],
  },
  events: {
    mutating: false,
    flags: ['--for', '--types', '-w', '--watch', '-A', '--all-namespaces', '--chunk-size', '--no-headers'],
  },
  explain: { mutating: false, flags: ['--recursive', '--api-version'] },
  'api-resources': {
    mutating: false,
    flags: ['--api-group', '--namespaced', '--verbs', '--sort-by', '--no-headers'],
  },
  'cluster-info': { mutating: false, flags: [] },
  version: { mutating: false, flags: ['--client'] },
  auth: { mutating: false, flags: ['--as', '--list', '--subresource', '-A', '--all-namespaces'] },
  rollout: {
    mutating: true,
    flags: ['--revision', '--to-revision', '-w', '--watch', '--timeout', '--dry-run'],
  },
  scale: {
    mutating: true,
    flags: [
      '--replicas',
      '--current-replicas',
      '--resource-version',
      '--timeout',
      '--dry-run',
      '-l',
      '--selector',
    ],
  },
  set: {
    mutating: true,
    flags: ['-c', '--containers', '--limits', '--requests', '--env', '-e', '--dry-run', '--local'],
  },
  delete: {
    mutating: true,
    flags: [
      '--grace-period',
      '--force',
      '--wait',
      '--cascade',
      '-l',
      '--selector',
      '--now',
      '--dry-run',
      '--ignore-not-found',
      '--all',
    ],
  },
  apply: {
    mutating: true,
    flags: ['-f', '--filename', '--dry-run', '--server-side', '--force-conflicts', '-k', '--kustomize'],
  },
  patch: { mutating: true, flags: ['-p', '--patch', '--type', '--dry-run', '--subresource'] },
  edit: { mutating: true, flags: ['--subresource'] },
  label: { mutating: true, flags: ['--overwrite', '-l', '--selector', '--all', '--dry-run'] },
  annotate: { mutating: true, flags: ['--overwrite', '-l', '--selector', '--all', '--dry-run'] },
  cordon: { mutating: true, flags: ['--dry-run', '-l', '--selector'] },
  uncordon: { mutating: true, flags: ['--dry-run', '-l', '--selector'] },
  drain: {
    mutating: true,
    flags: [
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--force',
      '--grace-period',
      '--timeout',
      '--dry-run',
      '--disable-eviction',
      '--pod-selector',
    ],
  },
  taint: { mutating: true, flags: ['--overwrite', '--all', '-l', '--selector', '--dry-run'] },
  exec: {
    mutating: true,
    flags: ['-i', '--stdin', '-t', '--tty', '-it', '-c', '--container', '-q', '--quiet'],
  },
  debug: {
    mutating: true,
    flags: [
      '--image',
      '-i',
      '--stdin',
      '-t',
      '--tty',
      '-it',
      '--target',
      '--copy-to',
      '--profile',
      '-c',
      '--container',
      '--share-processes',
    ],
  },
  'port-forward': { mutating: true, flags: ['--address'] },
  create: { mutating: true, flags: ['-f', '--filename', '--dry-run'] },
  replace: { mutating: true, flags: ['-f', '--filename', '--force', '--dry-run'] },
};

const READ_ONLY_ROLLOUT = new Set(['history', 'status']);

/** Resource types (and their short names) a command may name before an object name. */
const TYPES = new Set(
  'pod pods po deployment deployments deploy replicaset replicasets rs statefulset statefulsets sts daemonset daemonsets ds job jobs cronjob cronjobs cj node nodes no service services svc endpoints ep pvc pvcs persistentvolumeclaim persistentvolumeclaims pv persistentvolumes configmap configmaps cm secret secrets event events ev namespace namespaces ns ingress ingresses ing hpa horizontalpodautoscaler poddisruptionbudget pdb serviceaccount sa all resources limits requests'.split(
    ' ',
  ),
);

/** What the collected context knows by name; a command naming anything else is not trusted. */
export interface KnownNames {
  objects: Set<string>;
  namespaces: Set<string>;
  containers: Set<string>;
  /** The context the diagnosis read: a command naming another is not trusted. */
  kubeContext?: string;
  /** The context the commands must name (Context.kubectlContext). */
  kubectlContext?: string;
  /** The workload known to have no earlier revision: `kubectl rollout undo` would find no history. */
  singleRevision?: string;
}

/** The Deployment the context shows with its current revision only, if any. */
export function singleRevision(ctx: Context): string | undefined {
  return ctx.workload?.rollout && !ctx.workload.rollout.previous ? ctx.workload.name : undefined;
}

export function knownNames(ctx: Context): KnownNames {
  const objects = new Set<string>();
  const namespaces = new Set<string>();
  const containers = new Set<string>();
  const add = (v: string | undefined) => v && objects.add(v);
  if (ctx.target.namespace) namespaces.add(ctx.target.namespace);
  add(ctx.target.name);
  for (const p of ctx.pods) {
    add(p.name);
    namespaces.add(p.namespace);
    add(p.nodeName);
    add(p.owner?.name);
    for (const c of p.containers) {
      containers.add(c.name);
      for (const ref of c.configRefs)
        add(
          ref
            .split('/')[1]
            ?.split(':')[0]
            ?.replace(/ \(optional\)$/, ''),
        );
    }
    for (const v of p.volumes) add(v.source.split('/')[1]);
  }
  for (const s of ctx.siblings) add(s.name);
  for (const n of ctx.nodes) add(n.name);
  for (const v of ctx.pvcs) add(v.name);
  if (ctx.service) add(ctx.service.name);
  if (ctx.workload) {
    add(ctx.workload.name);
    for (const link of ctx.workload.chain) add(link.split('/')[1]);
    add(ctx.workload.rollout?.current.name);
    add(ctx.workload.rollout?.previous?.name);
  }
  const single = singleRevision(ctx);
  return {
    objects,
    namespaces,
    containers,
    ...(ctx.kubeContext ? { kubeContext: ctx.kubeContext } : {}),
    ...(ctx.kubectlContext ? { kubectlContext: ctx.kubectlContext } : {}),
    ...(single ? { singleRevision: single } : {}),
  };
}

/** Splits a command line like a shell would for simple quoting; null if it uses shell features. */
export function tokenize(cmd: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let quote: '"' | "'" | null = null;
  let started = false;
  for (const ch of cmd) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || cur) out.push(cur);
      cur = '';
      started = false;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (quote) return null;
  if (started || cur) out.push(cur);
  return out;
}

function reject(step: Step, cmd: string, why: string): Step {
  const { command: _drop, ...rest } = step;
  return {
    ...rest,
    title: `${step.title} — \`${cmd}\``,
    warning: `not shown as a command: ${why}`,
    risk: 'high',
  };
}

export function checkStep(step: Step, known?: KnownNames): Step {
  if (!step.command) return step;
  const cmd = step.command.trim();
  if (/[;&|`<>]|\$\(|\n/.test(cmd)) return reject(step, cmd, 'it chains or redirects shell commands');
  if (/<[^>]*>|\{\{|\bYOUR_|\bPOD_NAME\b|\.\.\.|\bxxx+\b/i.test(cmd))
    return reject(step, cmd, 'it contains a placeholder');
  const words = tokenize(cmd);
  if (!words) return reject(step, cmd, 'its quotes do not match');
  if (words[0] !== 'kubectl') return reject(step, cmd, 'only kubectl commands are proposed');
  let i = 1;
  const positional: string[] = [];
  const flags: Array<[string, string | undefined]> = [];
  while (i < words.length) {
    const w = words[i]!;
    if (w === '--') break;
    if (w.startsWith('-')) {
      const [name, inline] = w.split('=', 2) as [string, string | undefined];
      const next = words[i + 1];
      // -p is --previous for logs but --patch (with a value) for patch.
      const boolean = BOOLEAN.has(name) && !(name === '-p' && words[1] === 'patch');
      const takesValue = inline === undefined && next !== undefined && !next.startsWith('-') && !boolean;
      flags.push([name, inline ?? (takesValue ? next : undefined)]);
      i += takesValue ? 2 : 1;
    } else {
      positional.push(w);
      i++;
    }
  }
  const verb = positional[0];
  if (!verb) return reject(step, cmd, 'it has no kubectl verb');
  const spec = VERBS[verb];
  if (!spec) return reject(step, cmd, `"${verb}" is not a kubectl verb this app proposes`);
  for (const [name] of flags) {
    if (!GLOBAL.includes(name) && !spec.flags.includes(name))
      return reject(step, cmd, `kubectl ${verb} has no flag ${name}`);
  }
  if (known) {
    const read = known.kubectlContext ?? known.kubeContext;
    for (const [name, value] of flags) {
      if ((name === '-n' || name === '--namespace') && value && !known.namespaces.has(value)) {
        return reject(step, cmd, `namespace ${value} is not in the collected context`);
      }
      if (name === '--context' && read && value !== read) {
        return reject(step, cmd, `it names context ${value}, but the diagnosis read ${read}`);
      }
      if (
        (name === '-c' || name === '--container') &&
        value &&
        known.containers.size &&
        !known.containers.has(value)
      ) {
        return reject(step, cmd, `container ${value} is not in the collected context`);
      }
    }
    const args =
      verb === 'rollout' || verb === 'set' || verb === 'auth' ? positional.slice(2) : positional.slice(1);
    for (const arg of args) {
      const name = arg.includes('/') ? arg.split('/').slice(1).join('/') : arg;
      if (TYPES.has(arg.toLowerCase()) || /^[a-z]+\.[a-z.]+$/.test(arg) || (verb === 'set' && /=/.test(arg)))
        continue;
      if (!known.objects.has(name))
        return reject(step, cmd, `it names ${name}, which is not in the collected context`);
      if (verb === 'rollout' && positional[1] === 'undo' && name === known.singleRevision)
        return reject(step, cmd, `${name} has no earlier revision to roll back to`);
    }
  }
  const mutating = verb === 'rollout' ? !READ_ONLY_ROLLOUT.has(positional[1] ?? '') : spec.mutating;
  return pinContext({ ...step, command: cmd, risk: mutating ? 'high' : 'read-only' }, known?.kubectlContext);
}

/**
 * The kubectl command of a step with `--context <name>` after `kubectl`, unless it names one already:
 * with several contexts in the kubeconfig, the terminal's current one may be another cluster.
 */
export function pinContext(step: Step, context: string | undefined): Step {
  const cmd = step.command;
  if (!context || !cmd?.startsWith('kubectl ') || /(^|\s)--context(=|\s)/.test(cmd)) return step;
  // Shell-quoted unless plain (EKS's arn:aws:eks:…:cluster/prod and kind's kind-dev are plain).
  const quoted = /^[\w.:@/+=,-]+$/.test(context) ? context : `'${context.replace(/'/g, `'\\''`)}'`;
  return { ...step, command: `kubectl --context ${quoted} ${cmd.slice('kubectl '.length)}` };
}

/** Flags that never take a value (so the word after them is an argument). */
const BOOLEAN = new Set([
  '-A',
  '--all-namespaces',
  '-p',
  '--previous',
  '-f',
  '--follow',
  '--timestamps',
  '--all-containers',
  '--containers',
  '-w',
  '--watch',
  '--show-labels',
  '--show-kind',
  '--no-headers',
  '--ignore-not-found',
  '--force',
  '--now',
  '--overwrite',
  '--all',
  '--ignore-daemonsets',
  '--delete-emptydir-data',
  '--server-side',
  '--force-conflicts',
  '-i',
  '--stdin',
  '-t',
  '--tty',
  '-it',
  '-q',
  '--quiet',
  '--recursive',
  '--client',
  '--list',
  '--prefix',
  '--sum',
  '--disable-eviction',
  '--share-processes',
  '--show-events',
  '--ignore-errors',
  '--local',
  '-h',
  '--help',
]);

/** Read-only steps first, then the rest in the order given. */
export function orderSteps(steps: Step[]): Step[] {
  return [...steps.filter((s) => s.risk === 'read-only'), ...steps.filter((s) => s.risk !== 'read-only')];
}
