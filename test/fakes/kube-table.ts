/**
 * Server-side printing for the stand-in API server: the `meta.k8s.io` Table that `kubectl get` asks
 * for with `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Without it kubectl prints only
 * NAME and AGE (PROTOCOLS.md §2.1). The columns and cell values follow kubernetes
 * pkg/printers/internalversion/printers.go, which the real apiserver runs with `Wide: true`, so
 * priority-1 columns are always present and kubectl hides them unless `-o wide`.
 */
import type { KubeObject } from './kube-apiserver.ts';

// ---- loose JSON access: fixtures are plain objects, so read them defensively ----

export type Json = Record<string, unknown>;

export function rec(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

// ---- time, as kubectl prints it ----

/** Port of apimachinery `duration.HumanDuration`: the AGE column's format. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/** `translateTimestampSince`: a missing or unparsable timestamp prints as `<unknown>`. */
function since(timestamp: unknown, now: number): string {
  const t = Date.parse(str(timestamp));
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

// ---- the Table ----

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
  conditions?: { type: string; status: string; reason: string; message: string }[];
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string };
  columnDefinitions: ColumnDefinition[];
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** `meta.k8s.io/v1` or `meta.k8s.io/v1beta1`, whichever the client accepted. */
  apiVersion: string;
  includeObject: IncludeObject;
  resourceVersion?: string;
  now?: number;
}

interface Printer {
  columns: ColumnDefinition[];
  row(obj: KubeObject, now: number): Pick<TableRow, 'cells' | 'conditions'>;
}

function col(name: string, description: string, priority = 0, type = 'string'): ColumnDefinition {
  return { name, type, format: name === 'Name' ? 'name' : '', description, priority };
}

const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

const nameCol = col('Name', NAME_DOC);
const ageCol = col('Age', AGE_DOC);

const genericPrinter: Printer = {
  columns: [nameCol, ageCol],
  row: (obj, now) => ({ cells: [obj.metadata.name, since(obj.metadata.creationTimestamp, now)] }),
};

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      nameCol,
      col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'The aggregate status of the containers in this pod.'),
      col(
        'Restarts',
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      ),
      ageCol,
      col('IP', 'podIP address allocated to the pod. Routable at least within the cluster.', 1),
      col('Node', 'NodeName indicates in which node this pod is scheduled.', 1),
      col(
        'Nominated Node',
        'nominatedNodeName is set only when this pod preempts other pods on the node.',
        1,
      ),
      col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    row: podRow,
  },
  deployments: {
    columns: [
      nameCol,
      col('Ready', 'Number of the pod with ready state'),
      col(
        'Up-to-date',
        'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      ),
      col(
        'Available',
        'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      ),
      ageCol,
      col('Containers', 'Names of each container in the template.', 1),
      col('Images', 'Images referenced by each container in the template.', 1),
      col(
        'Selector',
        'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
        1,
      ),
    ],
    row: (obj, now) => {
      const spec = rec(obj.spec);
      const status = rec(obj.status);
      const desired = spec.replicas === undefined ? 1 : num(spec.replicas);
      return {
        cells: [
          obj.metadata.name,
          `${num(status.readyReplicas)}/${desired}`,
          num(status.updatedReplicas),
          num(status.availableReplicas),
          since(obj.metadata.creationTimestamp, now),
          ...templateCells(spec),
        ],
      };
    },
  },
  replicasets: {
    columns: [
      nameCol,
      col('Desired', 'Number of desired pods.', 0, 'integer'),
      col('Current', 'Number of actual running pods.', 0, 'integer'),
      col('Ready', 'Number of ready pods.', 0, 'integer'),
      ageCol,
      col('Containers', 'Names of each container in the template.', 1),
      col('Images', 'Images referenced by each container in the template.', 1),
      col('Selector', 'Label selector for pods.', 1),
    ],
    row: (obj, now) => {
      const spec = rec(obj.spec);
      const status = rec(obj.status);
      return {
        cells: [
          obj.metadata.name,
          spec.replicas === undefined ? 1 : num(spec.replicas),
          num(status.replicas),
          num(status.readyReplicas),
          since(obj.metadata.creationTimestamp, now),
          ...templateCells(spec),
        ],
      };
    },
  },
  nodes: {
    columns: [
      nameCol,
      col('Status', 'The status of the node'),
      col('Roles', 'The roles of the node'),
      ageCol,
      col('Version', 'Kubelet Version reported by the node.'),
      col(
        'Internal-IP',
        'List of addresses reachable to the node. Queried from cloud provider, if available.',
        1,
      ),
      col(
        'External-IP',
        'List of addresses reachable to the node. Queried from cloud provider, if available.',
        1,
      ),
      col(
        'OS-Image',
        'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
        1,
      ),
      col(
        'Kernel-Version',
        "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        1,
      ),
      col(
        'Container-Runtime',
        'Container runtime version reported by the node through runtime remote API.',
        1,
      ),
    ],
    row: nodeRow,
  },
  namespaces: {
    columns: [nameCol, col('Status', 'The status of the namespace'), ageCol],
    row: (obj, now) => ({
      cells: [
        obj.metadata.name,
        str(rec(obj.status).phase) || 'Active',
        since(obj.metadata.creationTimestamp, now),
      ],
    }),
  },
  events: {
    columns: [
      col('Last Seen', 'Time when last event occurred'),
      col('Type', 'Type of this event.'),
      col('Reason', 'Reason why this event was generated.'),
      col('Object', 'Object this event is about.'),
      col('Subobject', 'Subobject this event is about.', 1),
      col('Source', 'Component that generated the event.', 1),
      col('Message', 'Message of this event.'),
      col('First Seen', 'Time when first event occurred.', 1),
      col('Count', 'Number of times this event has occurred.', 1),
      col('Name', NAME_DOC, 1),
    ],
    row: eventRow,
  },
};

export function renderTable(resource: string, objects: KubeObject[], opts: TableOptions): Table {
  const printer = PRINTERS[resource] ?? genericPrinter;
  const now = opts.now ?? Date.now();
  return {
    kind: 'Table',
    apiVersion: opts.apiVersion,
    metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {},
    columnDefinitions: printer.columns,
    rows: objects.map((obj) => {
      const row: TableRow = printer.row(obj, now);
      const object = rowObject(obj, opts.includeObject);
      return object === undefined ? row : { ...row, object };
    }),
  };
}

/** `includeObject` defaults to Metadata on the real server: kubectl reads NAMESPACE and labels from it. */
function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

function templateCells(spec: Json): string[] {
  const containers = arr(rec(rec(spec.template).spec).containers).map(rec);
  const selector = rec(rec(spec.selector).matchLabels);
  return [
    containers.map((c) => str(c.name)).join(','),
    containers.map((c) => str(c.image)).join(','),
    Object.entries(selector)
      .map(([k, v]) => `${k}=${str(v)}`)
      .join(',') || '<none>',
  ];
}

// ---- pods: port of printPod ----

interface ContainerTally {
  restarts: number;
  lastRestart: number;
  ready: number;
}

/** Counts restarts and the newest lastState.terminated.finishedAt, like printPod does. */
function tally(statuses: Json[], into: ContainerTally): void {
  for (const cs of statuses) {
    into.restarts += num(cs.restartCount);
    const finished = Date.parse(str(rec(rec(cs.lastState).terminated).finishedAt));
    if (!Number.isNaN(finished) && finished > into.lastRestart) into.lastRestart = finished;
  }
}

function terminatedReason(term: Json, prefix: string): string {
  if (str(term.reason)) return prefix + str(term.reason);
  return num(term.signal) !== 0
    ? `${prefix}Signal:${num(term.signal)}`
    : `${prefix}ExitCode:${num(term.exitCode)}`;
}

/** The STATUS column while init containers run; undefined once they are all done. */
function initReason(initStatuses: Json[], initCount: number): string | undefined {
  for (const [i, cs] of initStatuses.entries()) {
    const state = rec(cs.state);
    const term = state.terminated === undefined ? undefined : rec(state.terminated);
    const waiting = rec(state.waiting);
    if (term && num(term.exitCode) === 0) continue;
    if (term) return terminatedReason(term, 'Init:');
    if (str(waiting.reason) && str(waiting.reason) !== 'PodInitializing')
      return `Init:${str(waiting.reason)}`;
    return `Init:${i}/${initCount}`;
  }
  return undefined;
}

function podRow(pod: KubeObject, now: number): Pick<TableRow, 'cells' | 'conditions'> {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  const conditions = arr(status.conditions).map(rec);
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated'))
    reason = 'SchedulingGated';

  const initStatuses = arr(status.initContainerStatuses).map(rec);
  const counts: ContainerTally = { restarts: 0, lastRestart: 0, ready: 0 };
  const init = initReason(initStatuses, arr(spec.initContainers).length);
  const initialized = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (init !== undefined && !initialized) {
    tally(initStatuses, counts);
    reason = init;
  } else {
    reason = containersReason(arr(status.containerStatuses).map(rec), reason, counts, conditions);
  }
  if (pod.metadata.deletionTimestamp) {
    if (str(status.reason) === 'NodeLost') reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }

  const restarts =
    counts.restarts !== 0 && counts.lastRestart > 0
      ? `${counts.restarts} (${humanDuration(now - counts.lastRestart)} ago)`
      : String(counts.restarts);
  const podIP = str(rec(arr(status.podIPs)[0]).ip) || str(status.podIP);
  const gates = arr(spec.readinessGates);
  return {
    cells: [
      pod.metadata.name,
      `${counts.ready}/${arr(spec.containers).length}`,
      reason,
      restarts,
      since(pod.metadata.creationTimestamp, now),
      podIP || '<none>',
      str(spec.nodeName) || '<none>',
      str(status.nominatedNodeName) || '<none>',
      gates.length ? `${readyGates(gates, conditions)}/${gates.length}` : '<none>',
    ],
    conditions: phaseConditions(phase),
  };
}

/** Walks the containers last to first, so the first container's problem wins, as kubectl does. */
function containersReason(
  statuses: Json[],
  initial: string,
  counts: ContainerTally,
  conditions: Json[],
): string {
  let reason = initial;
  let hasRunning = false;
  tally(statuses, counts);
  for (const cs of [...statuses].reverse()) {
    const state = rec(cs.state);
    const waiting = rec(state.waiting);
    if (str(waiting.reason)) reason = str(waiting.reason);
    else if (state.terminated !== undefined) reason = terminatedReason(rec(state.terminated), '');
    else if (cs.ready === true && state.running !== undefined) {
      hasRunning = true;
      counts.ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) {
    reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }
  return reason;
}

function readyGates(gates: unknown[], conditions: Json[]): number {
  return gates
    .map(rec)
    .filter((g) => conditions.some((c) => c.type === g.conditionType && c.status === 'True')).length;
}

function phaseConditions(phase: string): TableRow['conditions'] {
  if (phase === 'Succeeded') {
    return [
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ];
  }
  if (phase === 'Failed') {
    return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  }
  return undefined;
}

// ---- nodes and events ----

function nodeRow(node: KubeObject, now: number): Pick<TableRow, 'cells'> {
  const status = rec(node.status);
  const ready = arr(status.conditions)
    .map(rec)
    .find((c) => c.type === 'Ready');
  const states = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (rec(node.spec).unschedulable === true) states.push('SchedulingDisabled');
  const addresses = arr(status.addresses).map(rec);
  const address = (type: string) => str(addresses.find((a) => a.type === type)?.address) || '<none>';
  const info = rec(status.nodeInfo);
  return {
    cells: [
      node.metadata.name,
      states.join(','),
      nodeRoles(node.metadata.labels ?? {}).join(',') || '<none>',
      since(node.metadata.creationTimestamp, now),
      str(info.kubeletVersion),
      address('InternalIP'),
      address('ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ],
  };
}

function nodeRoles(labels: Record<string, string>): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith('node-role.kubernetes.io/')) roles.add(key.slice('node-role.kubernetes.io/'.length));
    else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].sort();
}

/** The core/v1 view of an event; events.k8s.io/v1 renames most fields (regarding, note, deprecated*). */
function coreEventFields(ev: KubeObject) {
  return {
    involved: rec(ev.involvedObject ?? ev.regarding),
    message: str(ev.message ?? ev.note),
    source: rec(ev.source ?? ev.deprecatedSource),
    firstTimestamp: ev.firstTimestamp ?? ev.deprecatedFirstTimestamp,
    lastTimestamp: ev.lastTimestamp ?? ev.deprecatedLastTimestamp,
    count: num(ev.count ?? ev.deprecatedCount),
    reportingComponent: str(ev.reportingComponent ?? ev.reportingController),
  };
}

/** printEvent: new-style events have no first/lastTimestamp, so eventTime and series stand in. */
function eventRow(ev: KubeObject, now: number): Pick<TableRow, 'cells'> {
  const e = coreEventFields(ev);
  const first = e.firstTimestamp ? since(e.firstTimestamp, now) : since(ev.eventTime, now);
  let last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
  let count = e.count;
  const series = ev.series === undefined || ev.series === null ? undefined : rec(ev.series);
  if (series) {
    last = since(series.lastObservedTime, now);
    count = num(series.count);
  } else if (count === 0) {
    count = 1;
  }
  const kind = str(e.involved.kind).toLowerCase();
  return {
    cells: [
      last,
      str(ev.type),
      str(ev.reason),
      str(e.involved.name) ? `${kind}/${str(e.involved.name)}` : kind,
      str(e.involved.fieldPath),
      [str(e.source.component) || e.reportingComponent, str(e.source.host) || str(ev.reportingInstance)]
        .filter(Boolean)
        .join(', '),
      e.message.trim(),
      first,
      count,
      ev.metadata.name,
    ],
  };
}
