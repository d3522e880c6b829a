/**
 * A stand-in Kubernetes API server that speaks the real wire protocol (PROTOCOLS.md §2), so that
 * `@kubernetes/client-node` and the real kubectl work against it unchanged: legacy discovery, GET and
 * LIST with label/field selectors, server-side Tables for `kubectl get`, pod logs with the kubelet's
 * own error texts, metrics.k8s.io, SelfSubject*Reviews, and real `Status` errors. JSON only.
 *
 * Deliberately missing: writes other than those below (recorded, then answered 405), `watch` (405),
 * protobuf, server-side apply. Lists are paged with `limit` and `continue` (pageOf).
 *
 * Writes: the few a remediation makes, each recorded — the Eviction subresource (PodDisruptionBudgets
 * enforced with the real 429), DELETE of a pod, PATCH of Deployments/StatefulSets/DaemonSets in the
 * three patch formats, the scale subresource; all with `dryRun=All`, uid preconditions, and generation
 * and resourceVersion bumps. With `controllers`, a replaced pod and a rollout complete after a delay.
 *
 * The service proxy (`/api/v1/namespaces/{ns}/services/[https:]{name}[:{port}]/proxy/{path}`) forwards
 * to an upstream the test names per service (proxyService), standing in for the service's endpoints.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { type ControllerHost, podRemoved, workloadChanged } from './kube-controllers.ts';
import { applyPatch, deepEqual, PatchError, UnsupportedPatch } from './kube-patch.ts';
import { arr, type IncludeObject, type Json, num, rec, renderTable, str } from './kube-table.ts';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
  body?: unknown;
  at: number;
}

export interface FakeKubeOptions {
  objects?: KubeObject[];
  /** Key `${namespace}/${pod}/${container}` for current logs, `${namespace}/${pod}/${container}/previous` for previous. */
  logs?: Record<string, string>;
  /** Added before every response. */
  latencyMs?: number;
  /** If set, requests without `Authorization: Bearer <token>` get a 401 Status. */
  token?: string;
  port?: number;
  /** The user named in 403 messages; default `system:serviceaccount:oncall:oncall-scout`. */
  user?: string;
  /**
   * Simulate the controllers (opt-in): an evicted or deleted pod is replaced by a new Ready one, and a
   * changed Deployment/StatefulSet/DaemonSet completes its rollout, `delayMs` (default 50) later.
   */
  controllers?: boolean | { delayMs?: number };
  /** false: a cluster that does not serve the Eviction subresource (discovery omits pods/eviction). */
  evictionServed?: boolean;
  /** Service proxy upstreams, keyed `namespace/name:port` (port as written in the proxy path). */
  serviceProxies?: Record<string, string>;
}

export interface FakeKube {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** The requests that would change the cluster (POST/PUT/PATCH/DELETE, access reviews excepted), dry runs included. */
  mutations(): RecordedRequest[];
  /** The stored object, as a GET would return it (undefined when absent). */
  object(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  setObjects(objects: KubeObject[]): void;
  /** Adds or replaces an object (normalised like the apiserver would); throws for a kind it does not serve. */
  upsert(obj: KubeObject): void;
  /** `kind` is a Kind (`Pod`) or a resource (`pods`). */
  remove(kind: string, namespace: string | undefined, name: string): void;
  setLogs(key: string, text: string): void;
  setLatency(ms: number): void;
  /**
   * Where the service proxy sends `namespace/name:port` (its "endpoints"); null removes it, which makes
   * the proxy answer 503 "no endpoints available", as the real apiserver does for a Service without
   * ready pods. The Service object itself must exist (upsert it).
   */
  proxyService(ref: string, upstream: string | null): void;
  /**
   * Make requests whose path (without query) matches `pattern` (a RegExp, or a substring) answer with a
   * Status of `code` (403, 404, 500 …) or hang forever ('hang') until close(). The newest rule wins.
   * Without `message`, the Status carries the real apiserver's text for that code. Returns the remover.
   */
  fail(pattern: RegExp | string, code: number | 'hang', message?: string): () => void;
  kubeconfig(opts?: KubeconfigOptions): string;
  /** Writes `kubeconfig-<context>.yaml` into `dir` (created if needed), mode 0600; returns its path. */
  writeKubeconfig(dir: string, opts?: KubeconfigOptions): string;
  close(): Promise<void>;
}

export interface KubeconfigOptions {
  context?: string;
  token?: string;
  namespace?: string;
  /** More contexts reaching the same server, named for the clusters alerts name in their `cluster` label. */
  aliases?: readonly string[];
}

export const FAKE_KUBE_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

// ---------------------------------------------------------------------------------------------
// Discovery: the resources this server knows, as the real apiserver describes them.
// ---------------------------------------------------------------------------------------------

interface Subresource {
  name: string;
  kind: string;
  verbs: string[];
  group?: string;
  version?: string;
}

interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: Subresource[];
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const status = (kind: string): Subresource => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const scale: Subresource = {
  name: 'scale',
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: ['get', 'patch', 'update'],
};

function res(
  groupVersion: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceDef> = {},
): ResourceDef {
  const [group, version] = splitApiVersion(groupVersion);
  return { group, version, plural, singular: kind.toLowerCase(), kind, namespaced, verbs: RW, ...extra };
}

const ALL = ['all'];
const REVIEW = ['create'];
const RESOURCES: ResourceDef[] = [
  res('v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  res('v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  res('v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  res('v1', 'namespaces', 'Namespace', false, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [status('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
  }),
  res('v1', 'nodes', 'Node', false, { shortNames: ['no'], subresources: [status('Node')] }),
  res('v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, {
    shortNames: ['pvc'],
    subresources: [status('PersistentVolumeClaim')],
  }),
  res('v1', 'persistentvolumes', 'PersistentVolume', false, {
    shortNames: ['pv'],
    subresources: [status('PersistentVolume')],
  }),
  res('v1', 'pods', 'Pod', true, {
    shortNames: ['po'],
    categories: ALL,
    subresources: [
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      status('Pod'),
    ],
  }),
  res('v1', 'secrets', 'Secret', true),
  res('v1', 'serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
  res('v1', 'services', 'Service', true, {
    shortNames: ['svc'],
    categories: ALL,
    subresources: [status('Service')],
  }),
  res('apps/v1', 'daemonsets', 'DaemonSet', true, {
    shortNames: ['ds'],
    categories: ALL,
    subresources: [status('DaemonSet')],
  }),
  res('apps/v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    categories: ALL,
    subresources: [scale, status('Deployment')],
  }),
  res('apps/v1', 'replicasets', 'ReplicaSet', true, {
    shortNames: ['rs'],
    categories: ALL,
    subresources: [scale, status('ReplicaSet')],
  }),
  res('apps/v1', 'controllerrevisions', 'ControllerRevision', true),
  res('apps/v1', 'statefulsets', 'StatefulSet', true, {
    shortNames: ['sts'],
    categories: ALL,
    subresources: [scale, status('StatefulSet')],
  }),
  res('events.k8s.io/v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  res('authorization.k8s.io/v1', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true, {
    verbs: REVIEW,
  }),
  res('authorization.k8s.io/v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, {
    verbs: REVIEW,
  }),
  res('authorization.k8s.io/v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, {
    verbs: REVIEW,
  }),
  res('authorization.k8s.io/v1', 'subjectaccessreviews', 'SubjectAccessReview', false, { verbs: REVIEW }),
  res('autoscaling/v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, {
    shortNames: ['hpa'],
    categories: ALL,
    subresources: [status('HorizontalPodAutoscaler')],
  }),
  res('batch/v1', 'cronjobs', 'CronJob', true, {
    shortNames: ['cj'],
    categories: ALL,
    subresources: [status('CronJob')],
  }),
  res('batch/v1', 'jobs', 'Job', true, { categories: ALL, subresources: [status('Job')] }),
  res('policy/v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
    shortNames: ['pdb'],
    subresources: [status('PodDisruptionBudget')],
  }),
  res('metrics.k8s.io/v1beta1', 'nodes', 'NodeMetrics', false, { verbs: ['get', 'list'], singular: '' }),
  res('metrics.k8s.io/v1beta1', 'pods', 'PodMetrics', true, { verbs: ['get', 'list'], singular: '' }),
];

/** /apis lists groups in the real server's priority order; metrics.k8s.io only while metrics exist. */
const GROUP_ORDER = [
  'apps',
  'events.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'policy',
  'metrics.k8s.io',
];
const METRICS_GROUP = 'metrics.k8s.io';

function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

function apiResourceList(defs: ResourceDef[], gv: string): Json {
  const resources: Json[] = [];
  for (const def of defs) {
    resources.push({
      name: def.plural,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: def.verbs,
      ...(def.shortNames ? { shortNames: def.shortNames } : {}),
      ...(def.categories ? { categories: def.categories } : {}),
    });
    for (const sub of def.subresources ?? []) {
      resources.push({
        name: `${def.plural}/${sub.name}`,
        singularName: '',
        namespaced: def.namespaced,
        ...(sub.group !== undefined ? { group: sub.group, version: sub.version } : {}),
        kind: sub.kind,
        verbs: sub.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}

function apiGroup(group: string, version: string): Json {
  const gv = { groupVersion: `${group}/${version}`, version };
  return { name: group, versions: [gv], preferredVersion: gv };
}

// ---------------------------------------------------------------------------------------------
// Storage: fixtures are normalised the way the apiserver would have stored them.
// ---------------------------------------------------------------------------------------------

/** Deterministic, so tests can predict uids (and kubectl's event selector) without reading them back. */
export function fakeUid(kind: string, namespace: string | undefined, name: string): string {
  const h = createHash('sha1')
    .update(`${kind}/${namespace ?? ''}/${name}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function rfc3339(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

class ObjectStore {
  private objects = new Map<string, KubeObject>();
  private revision = 1000;
  private readonly startedAt = rfc3339(Date.now());

  get resourceVersion(): string {
    return String(this.revision);
  }

  /** Writes an object back with a new resourceVersion, as a successful write through the API does. */
  save(input: KubeObject): KubeObject {
    const obj = structuredClone(input);
    delete obj.metadata.resourceVersion;
    this.upsert(obj);
    const def = defForObject(obj);
    return this.get(
      def,
      def.namespaced ? (obj.metadata.namespace ?? 'default') : undefined,
      obj.metadata.name,
    )!;
  }

  upsert(input: KubeObject): void {
    const def = defForObject(input);
    const obj = this.normalise(def, def.group === 'events.k8s.io' ? eventsV1ToCore(input) : input);
    this.objects.set(storeKey(storageDef(def), obj.metadata.namespace, obj.metadata.name), obj);
  }

  remove(kindOrResource: string, namespace: string | undefined, name: string): void {
    const def = RESOURCES.find((d) => d.kind === kindOrResource || d.plural === kindOrResource);
    if (!def) throw new Error(`fake kube: unknown kind ${kindOrResource}`);
    this.revision++;
    this.objects.delete(
      storeKey(storageDef(def), def.namespaced ? (namespace ?? 'default') : undefined, name),
    );
  }

  clear(): void {
    this.objects.clear();
    this.revision++;
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.objects.get(storeKey(storageDef(def), namespace, name));
    if (obj || def.plural !== 'namespaces' || def.group) return obj;
    return this.impliedNamespaces().find((ns) => ns.metadata.name === name);
  }

  /** Sorted by namespace then name, as etcd returns them. */
  list(def: ResourceDef, namespace: string | undefined): KubeObject[] {
    const { group, plural } = storageDef(def);
    const prefix = namespace === undefined ? `${group}/${plural}/` : `${group}/${plural}/${namespace}/`;
    const stored = [...this.objects.entries()].filter(([key]) => key.startsWith(prefix));
    if (plural === 'namespaces' && !group) {
      for (const ns of this.impliedNamespaces())
        stored.push([storeKey(def, undefined, ns.metadata.name), ns]);
    }
    return stored.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, obj]) => obj);
  }

  /**
   * A real cluster always has the namespaces its objects live in (and kubectl checks: a NotFound from
   * `get` makes it GET the namespace). Fixtures rarely list them, so they are implied.
   */
  private impliedNamespaces(): KubeObject[] {
    const names = new Set(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    for (const obj of this.objects.values()) if (obj.metadata.namespace) names.add(obj.metadata.namespace);
    const nsDef = findDef('', 'v1', 'namespaces') as ResourceDef;
    return [...names]
      .filter((name) => !this.objects.has(storeKey(nsDef, undefined, name)))
      .map((name) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name,
          uid: fakeUid('Namespace', undefined, name),
          resourceVersion: '1',
          creationTimestamp: this.startedAt,
          labels: { 'kubernetes.io/metadata.name': name },
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      }));
  }

  hasGroup(group: string): boolean {
    return [...this.objects.keys()].some((key) => key.startsWith(`${group}/`));
  }

  /** Fills what the apiserver always sets; metrics are computed by metrics-server and carry none of it. */
  private normalise(def: ResourceDef, input: KubeObject): KubeObject {
    const obj = structuredClone(input);
    obj.apiVersion = groupVersion(storageDef(def));
    const md = obj.metadata;
    if (def.namespaced) md.namespace = md.namespace || 'default';
    else delete md.namespace;
    if (obj.kind === 'Namespace') md.labels = { 'kubernetes.io/metadata.name': md.name, ...md.labels };
    this.revision++;
    md.creationTimestamp ??= rfc3339(Date.now());
    if (def.group !== METRICS_GROUP) {
      md.uid ??= fakeUid(obj.kind, md.namespace, md.name);
      // One counter for the whole store, like etcd's revision: never below a fixture's own value.
      const given = Number(md.resourceVersion);
      if (Number.isSafeInteger(given) && given > this.revision) this.revision = given;
      md.resourceVersion ??= String(this.revision);
    }
    return obj;
  }
}

/** Shaped like the etcd key, so sorting keys gives the real server's list order. */
function storeKey(def: ResourceDef, namespace: string | undefined, name: string): string {
  return `${def.group}/${def.plural}/${namespace ?? ''}/${name}`;
}

/** events.k8s.io/v1 is another view of the core events, as on the real server. */
function storageDef(def: ResourceDef): ResourceDef {
  return def.group === 'events.k8s.io' ? (findDef('', 'v1', 'events') as ResourceDef) : def;
}

/** Built-in groups must match a known resource; anything else is a CRD, served like an installed one. */
const BUILTIN_GROUPS = new Set(RESOURCES.map((d) => d.group));

function defForObject(obj: KubeObject): ResourceDef {
  const [group] = splitApiVersion(obj.apiVersion ?? '');
  const def = RESOURCES.find((d) => d.group === group && d.kind === obj.kind);
  if (def) return def;
  if (BUILTIN_GROUPS.has(group) || !group)
    throw new Error(`fake kube: no resource serves ${obj.apiVersion} ${obj.kind}`);
  const plural = `${obj.kind
    .toLowerCase()
    .replace(/(s|x|ch|sh)$/, '$1e')
    .replace(/y$/, 'ie')}s`;
  const crd = res(obj.apiVersion, plural, obj.kind, obj.metadata.namespace !== undefined);
  RESOURCES.push(crd);
  return crd;
}

function findDef(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((d) => d.group === group && d.version === version && d.plural === plural);
}

// ---- events: core/v1 <-> events.k8s.io/v1 (pkg/apis/events/v1 conversion) ----

function coreToEventsV1(ev: KubeObject): KubeObject {
  const {
    involvedObject,
    message,
    source,
    firstTimestamp,
    lastTimestamp,
    count,
    reportingComponent,
    ...rest
  } = ev;
  return {
    ...rest,
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    eventTime: ev.eventTime ?? null,
    reportingController: reportingComponent,
    regarding: involvedObject,
    note: message,
    deprecatedSource: source,
    deprecatedFirstTimestamp: firstTimestamp,
    deprecatedLastTimestamp: lastTimestamp,
    deprecatedCount: count,
  };
}

function eventsV1ToCore(ev: KubeObject): KubeObject {
  const { regarding, note, deprecatedSource, reportingController, ...rest } = ev;
  const { deprecatedFirstTimestamp, deprecatedLastTimestamp, deprecatedCount, ...kept } = rest;
  return {
    ...kept,
    apiVersion: 'v1',
    kind: 'Event',
    involvedObject: regarding ?? {},
    message: note,
    source: deprecatedSource ?? {},
    firstTimestamp: deprecatedFirstTimestamp ?? null,
    lastTimestamp: deprecatedLastTimestamp ?? null,
    count: deprecatedCount,
    reportingComponent: reportingController ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// Selectors: parsed like apimachinery's labels.Parse and fields.ParseSelector.
// ---------------------------------------------------------------------------------------------

class BadRequest extends Error {}

type LabelOp = 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Splits on commas outside parentheses: `a in (x,y),b` is two terms. */
function splitTopLevel(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTopLevel(selector).map(parseLabelTerm);
}

function parseLabelTerm(term: string): LabelRequirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(term);
  const cmp = /^([^\s!=<>]+)\s*(==|!=|=|>|<)\s*(\S*)$/.exec(term);
  let req: LabelRequirement;
  if (set) {
    const values = (set[3] ?? '').split(',').map((v) => v.trim());
    req = { key: set[1] ?? '', op: set[2] as 'in' | 'notin', values };
  } else if (cmp) {
    const op = cmp[2] === '==' ? '=' : cmp[2] === '>' ? 'gt' : cmp[2] === '<' ? 'lt' : (cmp[2] as '=' | '!=');
    req = { key: cmp[1] ?? '', op, values: [cmp[3] ?? ''] };
  } else if (term.startsWith('!')) {
    req = { key: term.slice(1).trim(), op: '!exists', values: [] };
  } else {
    req = { key: term, op: 'exists', values: [] };
  }
  if (!LABEL_KEY.test(req.key))
    throw new BadRequest(`unable to parse requirement: invalid label key "${req.key}"`);
  return req;
}

function labelsMatch(reqs: LabelRequirement[], labels: Record<string, string>): boolean {
  return reqs.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key] ?? '';
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
      case 'in':
        return has && r.values.includes(value);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(value);
      case 'gt':
        return has && Number(value) > Number(r.values[0]);
      case 'lt':
        return has && Number(value) < Number(r.values[0]);
    }
    return false;
  });
}

interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Splits on commas that are not backslash-escaped. */
function splitFieldTerms(selector: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === '\\' && i + 1 < selector.length) {
      current += ch + selector[++i];
    } else if (ch === ',') {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.filter((t) => t !== '');
}

export function parseFieldSelector(selector: string): FieldRequirement[] {
  return splitFieldTerms(selector).map((term) => {
    const m = /^(.*?)(!=|==|=)(.*)$/.exec(term);
    if (!m) throw new BadRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const value = (m[3] ?? '').replace(/\\(.)/g, '$1');
    return { field: (m[1] ?? '').trim(), op: m[2] === '!=' ? '!=' : '=', value };
  });
}

/** The field labels each resource accepts (the GetAttrs / field-label conversion funcs). */
const FIELD_LABELS: Record<string, string[]> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  'events.k8s.io/events': [
    'regarding.kind',
    'regarding.namespace',
    'regarding.name',
    'regarding.uid',
    'regarding.apiVersion',
    'regarding.resourceVersion',
    'regarding.fieldPath',
    'reason',
    'reportingController',
    'type',
  ],
  '/nodes': ['spec.unschedulable'],
  '/namespaces': ['status.phase'],
  '/secrets': ['type'],
  '/services': ['spec.clusterIP', 'spec.type'],
  'apps/replicasets': ['status.replicas'],
  'batch/jobs': ['status.successful'],
};

/** Fields whose selectable value is not the plain JSON value at that path. */
const FIELD_VALUE: Record<string, (obj: Json) => string> = {
  source: (o) => str(rec(o.source).component),
  'spec.hostNetwork': (o) => String(rec(o.spec).hostNetwork === true),
  'spec.unschedulable': (o) => String(rec(o.spec).unschedulable === true),
  'status.podIPs': (o) => str(rec(arr(rec(o.status).podIPs)[0]).ip),
  'status.replicas': (o) => String(num(rec(o.status).replicas)),
  'status.successful': (o) => String(num(rec(o.status).successful)),
};

function checkFieldLabels(def: ResourceDef, reqs: FieldRequirement[]): void {
  const allowed = ['metadata.name', ...(def.namespaced ? ['metadata.namespace'] : [])];
  allowed.push(...(FIELD_LABELS[`${def.group}/${def.plural}`] ?? []));
  for (const r of reqs) {
    if (!allowed.includes(r.field)) throw new BadRequest(`field label not supported: ${r.field}`);
  }
}

function fieldValue(obj: Json, field: string): string {
  const special = FIELD_VALUE[field];
  if (special) return special(obj);
  let v: unknown = obj;
  for (const part of field.split('.')) v = rec(v)[part];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

function fieldsMatch(reqs: FieldRequirement[], obj: Json): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}

// ---------------------------------------------------------------------------------------------
// Status objects, with the real apiserver's messages.
// ---------------------------------------------------------------------------------------------

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Json;
  status: 'Failure';
  message: string;
  reason: string;
  details?: Json;
  code: number;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

function kubeStatus(code: number, message: string, details?: Json): KubeStatus {
  const reason = REASONS[code] ?? 'Unknown';
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** `pods` or `deployments.apps`: how the apiserver names a resource in messages. */
function qualified(req: ResourceRequest): string {
  return req.group ? `${req.resource}.${req.group}` : req.resource;
}

function statusDetails(req: ResourceRequest): Json {
  return {
    ...(req.name ? { name: req.name } : {}),
    ...(req.group ? { group: req.group } : {}),
    kind: req.resource,
  };
}

function notFound(req: ResourceRequest): KubeStatus {
  return kubeStatus(404, `${qualified(req)} "${req.name}" not found`, statusDetails(req));
}

/** responsewriters.Forbidden + forbiddenMessage, RBAC's usual empty reason. */
function forbidden(req: ResourceRequest, user: string): KubeStatus {
  const resource = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
  const scope = req.namespace ? `in the namespace "${req.namespace}"` : 'at the cluster scope';
  const why = `User "${user}" cannot ${req.verb} resource "${resource}" in API group "${req.group}" ${scope}`;
  const subject = req.name ? `${qualified(req)} "${req.name}"` : qualified(req);
  return kubeStatus(403, `${subject} is forbidden: ${why}`, statusDetails(req));
}

const UNAUTHORIZED = kubeStatus(401, 'Unauthorized');

/** NewMethodNotSupported: how this read-only fake answers writes and unimplemented subresources. */
function methodNotSupported(req: ResourceRequest, action: string): KubeStatus {
  return kubeStatus(405, `${action} is not supported on resources of kind "${qualified(req)}"`, {
    ...(req.group ? { group: req.group } : {}),
    kind: req.resource,
  });
}

/** What an injected failure looks like, per code, when the test gives no message. */
function injectedStatus(
  code: number,
  req: ResourceRequest | undefined,
  user: string,
  message?: string,
): KubeStatus {
  const details = req ? statusDetails(req) : {};
  switch (code) {
    case 401:
      return kubeStatus(401, message ?? 'Unauthorized');
    case 403:
      if (message) return kubeStatus(403, message, details);
      return req ? forbidden(req, user) : kubeStatus(403, 'forbidden', details);
    case 404:
      if (message) return kubeStatus(404, message, details);
      return req?.name
        ? notFound(req)
        : kubeStatus(404, 'the server could not find the requested resource', details);
    case 429:
      return kubeStatus(429, message ?? 'Too many requests, please try again later.', {
        retryAfterSeconds: 1,
      });
    case 500: {
      const cause = message ?? 'etcdserver: request timed out';
      return kubeStatus(500, `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });
    }
    case 503:
      return kubeStatus(503, message ?? 'the server is currently unable to handle the request', details);
    case 504:
      return kubeStatus(
        504,
        message ?? 'Timeout: request did not complete within the allotted timeout',
        details,
      );
    default:
      return kubeStatus(code, message ?? `injected failure (HTTP ${code})`, details);
  }
}

// ---------------------------------------------------------------------------------------------
// Pod logs: the apiserver's container check (pod strategy LogLocation), then the kubelet's
// (validateContainerLogStatus), whose errors the apiserver relays as 400 BadRequest.
// ---------------------------------------------------------------------------------------------

type LogResult = { text: string } | { error: KubeStatus };

function podLog(pod: KubeObject, query: Record<string, string>, logs: Map<string, string>): LogResult {
  const container = resolveContainer(pod, query.container ?? '');
  if (typeof container !== 'string') return container;
  const key = `${pod.metadata.namespace}/${pod.metadata.name}/${container}`;
  const previous = query.previous === 'true';
  // An unscheduled pod has no kubelet to ask: LogLocation returns no location and the body is empty.
  // (A fixture that gives logs but models neither nodeName nor statuses still gets its logs.)
  const unscheduled = !str(rec(pod.spec).nodeName) && allContainerStatuses(pod).length === 0;
  if (unscheduled && !logs.has(previous ? `${key}/previous` : key)) return { text: '' };

  const found = kubeletLogKey(pod, container, previous, logs, key);
  if ('error' in found) return { error: kubeStatus(400, found.error) };
  let text = logs.get(found.key) ?? (found.fallback ? logs.get(found.fallback) : undefined) ?? '';
  if (query.tailLines !== undefined) text = tail(text, Number(query.tailLines));
  if (query.timestamps === 'true') text = withTimestamps(text);
  if (query.limitBytes !== undefined)
    text = Buffer.from(text).subarray(0, Number(query.limitBytes)).toString();
  return { text };
}

function containerNames(list: unknown): string[] {
  return arr(list).map((c) => str(rec(c).name));
}

function resolveContainer(pod: KubeObject, requested: string): string | { error: KubeStatus } {
  const spec = rec(pod.spec);
  const name = pod.metadata.name;
  const containers = containerNames(spec.containers);
  const inits = containerNames(spec.initContainers);
  if (requested) {
    const all = [...containers, ...inits, ...containerNames(spec.ephemeralContainers)];
    if (all.includes(requested)) return requested;
    return { error: kubeStatus(400, `container ${requested} is not valid for pod ${name}`) };
  }
  if (containers.length === 1) return containers[0] as string;
  if (containers.length === 0)
    return { error: kubeStatus(400, `a container name must be specified for pod ${name}`) };
  let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
  if (inits.length) message += ` or one of the init containers: [${inits.join(' ')}]`;
  return { error: kubeStatus(400, message) };
}

function allContainerStatuses(pod: KubeObject): Json[] {
  const s = rec(pod.status);
  return [s.containerStatuses, s.initContainerStatuses, s.ephemeralContainerStatuses].flatMap(arr).map(rec);
}

/**
 * Which stored log the kubelet would read, or its error text. A CrashLoopBackOff container (waiting,
 * with a lastState) serves its last terminated instance, so "current" falls back to `/previous`.
 */
function kubeletLogKey(
  pod: KubeObject,
  container: string,
  previous: boolean,
  logs: Map<string, string>,
  key: string,
): { key: string; fallback?: string } | { error: string } {
  const statuses = allContainerStatuses(pod);
  const cs = statuses.find((s) => s.name === container);
  const where = `container "${container}" in pod "${pod.metadata.name}"`;
  const wanted = previous ? `${key}/previous` : key;
  if (!cs) {
    // A fixture that models no statuses at all still gets its logs; a missing one is the kubelet's error.
    if (statuses.length === 0 && logs.has(wanted)) return { key: wanted };
    return { error: `${where} is not available` };
  }
  const state = rec(cs.state);
  const lastTerminated = rec(cs.lastState).terminated;
  if (previous) {
    return lastTerminated ? { key: wanted } : { error: `previous terminated ${where} not found` };
  }
  if (state.running) return { key };
  if (state.terminated || lastTerminated) return { key, fallback: `${key}/previous` };
  if (state.waiting) return { error: waitingError(where, str(rec(state.waiting).reason)) };
  return { error: `${where} is waiting to start - no logs yet` };
}

function waitingError(where: string, reason: string): string {
  if (reason === 'ErrImagePull') return `${where} is waiting to start: image can't be pulled`;
  if (reason === 'ImagePullBackOff') return `${where} is waiting to start: trying and failing to pull image`;
  return `${where} is waiting to start: ${reason}`;
}

function tail(text: string, n: number): string {
  if (!Number.isFinite(n) || n < 0) return text;
  const lines = text.split(/(?<=\n)/);
  return n === 0 ? '' : lines.slice(-n).join('');
}

/** The kubelet prefixes RFC3339Nano times; the fixture has none, so every line gets "now". */
function withTimestamps(text: string): string {
  const now = `${new Date().toISOString().slice(0, 23)}000000Z`;
  return text
    .split(/(?<=\n)/)
    .map((line) => (line ? `${now} ${line}` : line))
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Requests: apiserver RequestInfo, content negotiation, responses.
// ---------------------------------------------------------------------------------------------

interface ResourceRequest {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  verb: string;
}

/** Port of apiserver's RequestInfoFactory for resource paths; undefined for everything else. */
function parseResourcePath(
  method: string,
  path: string,
  query: Record<string, string>,
): ResourceRequest | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    version = parts[1] as string;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] as string;
    version = parts[2] as string;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    // namespaces/{ns}/status and /finalize are subresources of the namespace itself.
    if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') rest = rest.slice(2);
  }
  if (rest.length > 3) return undefined;
  const [resource = '', name, subresource] = rest;
  return { group, version, namespace, resource, name, subresource, verb: verbFor(method, name, query) };
}

function verbFor(method: string, name: string | undefined, query: Record<string, string>): string {
  const watch = query.watch === 'true' || query.watch === '1';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** `as=Table` in Accept; kubectl offers v1 then v1beta1. */
function acceptedTable(accept: string): string | undefined {
  for (const clause of accept.split(',')) {
    const params = clause.split(';').map((p) => p.trim());
    if (!params.includes('as=Table') || !params.includes('g=meta.k8s.io')) continue;
    const v = params.find((p) => p.startsWith('v='))?.slice(2);
    if (v === 'v1' || v === 'v1beta1') return `meta.k8s.io/${v}`;
  }
  return undefined;
}

function includeObject(query: Record<string, string>): IncludeObject {
  const v = query.includeObject;
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

interface Reply {
  code: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

const json = (body: unknown, code = 200): Reply => ({ code, body });
const statusReply = (s: KubeStatus): Reply => ({ code: s.code, body: s });
/** What Go's http.NotFound writes when no handler owns the path (e.g. a group that isn't installed). */
const PAGE_NOT_FOUND: Reply = {
  code: 404,
  body: '404 page not found\n',
  contentType: 'text/plain; charset=utf-8',
};

function send(res: ServerResponse, reply: Reply): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.code, {
    'Content-Type': reply.contentType ?? 'application/json',
    'Cache-Control': 'no-cache, private',
    'Audit-Id': randomUUID(),
    'Content-Length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, req: IncomingMessage): unknown {
  const text = raw.toString('utf8');
  if (!text) return undefined;
  if (!/json/.test(req.headers['content-type'] ?? '')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------------------------
// The server.
// ---------------------------------------------------------------------------------------------

interface FailRule {
  pattern: RegExp | string;
  code: number | 'hang';
  message?: string;
}

/** `/api/v1/namespaces/{ns}/services/[https:]{name}[:{port}]/proxy[/{path}]` */
const SERVICE_PROXY = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/;

class FakeKubeServer {
  readonly store = new ObjectStore();
  readonly proxies = new Map<string, string>();
  readonly logs = new Map<string, string>();
  readonly requests: RecordedRequest[] = [];
  readonly rules: FailRule[] = [];
  readonly timers = new Set<NodeJS.Timeout>();
  latencyMs: number;
  closed = false;
  url = '';

  constructor(readonly opts: FakeKubeOptions) {
    this.latencyMs = opts.latencyMs ?? 0;
    for (const obj of opts.objects ?? []) this.store.upsert(obj);
    for (const [key, text] of Object.entries(opts.logs ?? {})) this.logs.set(key, text);
    for (const [ref, upstream] of Object.entries(opts.serviceProxies ?? {})) this.proxies.set(ref, upstream);
  }

  get user(): string {
    return this.opts.user ?? 'system:serviceaccount:oncall:oncall-scout';
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-kube');
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const raw = await readRaw(req);
    const body = parseBody(raw, req);
    this.requests.push({
      method,
      path: url.pathname,
      query,
      headers: { ...req.headers },
      body,
      at: Date.now(),
    });
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    if (this.closed) return;
    const proxied = SERVICE_PROXY.exec(url.pathname);
    if (proxied) {
      const reply = await this.serviceProxy(proxied, url, method, req.headers, raw);
      if (reply) send(res, reply);
      return;
    }
    const reply = this.respond(method, url.pathname, query, req.headers, body);
    if (reply) send(res, reply); // undefined: a 'hang' rule; close() tears the socket down
  }

  private respond(
    method: string,
    path: string,
    query: Record<string, string>,
    headers: IncomingMessage['headers'],
    body: unknown,
  ): Reply | undefined {
    if (this.opts.token && headers.authorization !== `Bearer ${this.opts.token}`)
      return statusReply(UNAUTHORIZED);
    const req = parseResourcePath(method, path, query);
    const rule = this.ruleFor(path);
    if (rule) return rule.code === 'hang' ? undefined : this.injected(rule.code, req, rule.message);
    try {
      if (req) return this.resource(method, req, query, headers, body);
      return method === 'GET' ? this.nonResource(path) : PAGE_NOT_FOUND;
    } catch (err) {
      if (err instanceof BadRequest) return statusReply(kubeStatus(400, err.message));
      throw err;
    }
  }

  /**
   * The apiserver's service proxy: authenticated like any request, the Service must exist and have the
   * named port, then the request goes to its endpoints — without the caller's Authorization header,
   * which the apiserver strips once it has authenticated the request.
   */
  private async serviceProxy(
    m: RegExpExecArray,
    url: URL,
    method: string,
    headers: IncomingMessage['headers'],
    raw: Buffer,
  ): Promise<Reply | undefined> {
    if (this.opts.token && headers.authorization !== `Bearer ${this.opts.token}`)
      return statusReply(UNAUTHORIZED);
    const rule = this.ruleFor(url.pathname);
    if (rule) return rule.code === 'hang' ? undefined : this.injected(rule.code, undefined, rule.message);
    const namespace = decodeURIComponent(m[1]!);
    const segment = decodeURIComponent(m[2]!);
    const [, , name = '', port] = /^(?:(https?):)?([^:]+)(?::(.+))?$/.exec(segment) ?? [];
    const def = findDef('', 'v1', 'services')!;
    const req: ResourceRequest = {
      group: '',
      version: 'v1',
      namespace,
      resource: 'services',
      name,
      verb: 'get',
    };
    const svc = this.store.get(def, namespace, name);
    if (!svc) return statusReply(notFound(req));
    const ports = arr(rec(svc.spec).ports).map(rec);
    if (port && !ports.some((p) => str(p.name) === port || String(num(p.port)) === port))
      return statusReply(kubeStatus(503, `no service port "${port}" found for service "${name}"`));
    const upstream = this.proxies.get(`${namespace}/${name}${port ? `:${port}` : ''}`);
    if (!upstream) return statusReply(kubeStatus(503, `no endpoints available for service "${name}"`));
    const target = new URL(`${m[3] ?? '/'}${url.search}`, upstream);
    const forward = Object.fromEntries(
      Object.entries(headers).filter(
        ([k]) => !['authorization', 'host', 'connection', 'keep-alive', 'transfer-encoding'].includes(k),
      ),
    ) as Record<string, string | string[]>;
    return new Promise<Reply>((resolve) => {
      const up = request(target, { method, headers: forward }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            code: r.statusCode ?? 502,
            body: text,
            contentType: String(r.headers['content-type'] ?? ''),
          });
        });
      });
      // What the apiserver's proxy says when the endpoint refuses the connection.
      up.on('error', (err) =>
        resolve(statusReply(kubeStatus(503, `error trying to reach service: ${err.message}`))),
      );
      up.end(raw.length ? raw : undefined);
    });
  }

  private ruleFor(path: string): FailRule | undefined {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i] as FailRule;
      if (typeof rule.pattern === 'string' ? path.includes(rule.pattern) : rule.pattern.test(path))
        return rule;
    }
    return undefined;
  }

  /** The aggregator answers for an unavailable APIService with plain text, not a Status. */
  private injected(code: number, req: ResourceRequest | undefined, message?: string): Reply {
    if (code === 503 && req?.group === METRICS_GROUP && !message) {
      return { code, body: 'service unavailable\n', contentType: 'text/plain; charset=utf-8' };
    }
    const s = injectedStatus(code, req, this.user, message);
    return code === 429 ? { ...statusReply(s), headers: { 'Retry-After': '1' } } : statusReply(s);
  }

  // ---- discovery and other non-resource paths ----

  private nonResource(path: string): Reply {
    const trimmed = path.replace(/\/+$/, '') || '/';
    if (trimmed === '/version') return json(FAKE_KUBE_VERSION);
    if (['/healthz', '/livez', '/readyz'].includes(trimmed))
      return { code: 200, body: 'ok', contentType: 'text/plain' };
    if (trimmed === '/api') {
      const address = new URL(this.url).host;
      return json({
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }],
      });
    }
    if (trimmed === '/apis') return json({ kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups() });
    const groupOnly = /^\/apis\/([^/]+)$/.exec(trimmed);
    if (groupOnly) {
      const group = this.groups().find((g) => g.name === groupOnly[1]);
      return group ? json({ kind: 'APIGroup', apiVersion: 'v1', ...group }) : PAGE_NOT_FOUND;
    }
    const gv = /^\/api\/(v1)$/.exec(trimmed) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(trimmed);
    if (gv) return this.resourceList(gv[1] as string);
    return PAGE_NOT_FOUND;
  }

  private enabledGroups(): string[] {
    return GROUP_ORDER.filter((g) => g !== METRICS_GROUP || this.store.hasGroup(METRICS_GROUP));
  }

  private groups(): Json[] {
    return this.enabledGroups().map((group) => {
      const version = (RESOURCES.find((d) => d.group === group) as ResourceDef).version;
      return apiGroup(group, version);
    });
  }

  private resourceList(gv: string): Reply {
    const [group, version] = splitApiVersion(gv);
    if (group && !this.enabledGroups().includes(group)) return PAGE_NOT_FOUND;
    const defs = RESOURCES.filter((d) => d.group === group && d.version === version);
    if (!defs.length) return PAGE_NOT_FOUND;
    const list = apiResourceList(defs, gv);
    if (this.opts.evictionServed === false)
      list.resources = arr(list.resources).filter((r) => str(rec(r).name) !== 'pods/eviction');
    return json(list);
  }

  // ---- resources ----

  private resource(
    method: string,
    req: ResourceRequest,
    query: Record<string, string>,
    headers: IncomingMessage['headers'],
    body: unknown,
  ): Reply {
    const def = this.servedDef(req);
    if (!def) return PAGE_NOT_FOUND;
    if (def.group === 'authorization.k8s.io' && method === 'POST' && !req.name) return this.review(def, body);
    if (req.verb === 'watch')
      return statusReply(kubeStatus(405, 'watch is not supported by the fake API server'));
    if (method !== 'GET' && method !== 'HEAD') {
      const written = this.write(def, method, req, query, headers, body);
      return written ?? statusReply(methodNotSupported(req, req.verb));
    }
    const table = acceptedTable(String(headers.accept ?? ''));
    return req.name ? this.getObject(def, req, query, table) : this.list(def, req, query, table);
  }

  /** The resource a path names, if this server (with its current objects) serves it at that scope. */
  private servedDef(req: ResourceRequest): ResourceDef | undefined {
    const def = findDef(req.group, req.version, req.resource);
    if (!def || (def.group && !this.enabledGroups().includes(def.group))) return undefined;
    // A namespaced name needs a namespace; namespaces/{ns}/<cluster-scoped> does not exist.
    if (def.namespaced && req.name && !req.namespace) return undefined;
    if (!def.namespaced && req.namespace && def.plural !== 'namespaces') return undefined;
    return def;
  }

  private getObject(
    def: ResourceDef,
    req: ResourceRequest,
    query: Record<string, string>,
    table: string | undefined,
  ): Reply {
    const namespace = def.plural === 'namespaces' ? undefined : req.namespace;
    const obj = this.store.get(def, namespace, req.name ?? '');
    if (!obj) return statusReply(notFound(req));
    if (req.subresource === 'log' && def.plural === 'pods' && !def.group) {
      const log = podLog(obj, query, this.logs);
      return 'error' in log
        ? statusReply(log.error)
        : { code: 200, body: log.text, contentType: 'text/plain' };
    }
    if (req.subresource === 'scale' && def.subresources?.some((r) => r.name === 'scale'))
      return json(scaleOf(obj));
    if (req.subresource && req.subresource !== 'status') return statusReply(methodNotSupported(req, 'get'));
    const shown = present(def, obj);
    if (!table) return json(shown);
    return tableReply(def, [shown], query, table, str(obj.metadata.resourceVersion));
  }

  private list(
    def: ResourceDef,
    req: ResourceRequest,
    query: Record<string, string>,
    table: string | undefined,
  ): Reply {
    const labels = parseLabelSelector(query.labelSelector ?? '');
    const fields = parseFieldSelector(query.fieldSelector ?? '');
    checkFieldLabels(def, fields);
    const all = this.store
      .list(def, req.namespace)
      .map((obj) => present(def, obj))
      .filter((obj) => labelsMatch(labels, obj.metadata.labels ?? {}) && fieldsMatch(fields, obj));
    const resourceVersion = def.group === METRICS_GROUP ? undefined : this.store.resourceVersion;
    const { items, more } = pageOf(all, query);
    if (table) return tableReply(def, items, query, table, resourceVersion, more);
    return json({
      kind: `${def.kind}List`,
      apiVersion: groupVersion(def),
      metadata: { ...(resourceVersion ? { resourceVersion } : {}), ...more },
      // Typed lists from the real server carry no kind/apiVersion on their items.
      items: items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
    });
  }

  // ---- writes: eviction, pod deletion, workload and scale patches ----

  private get controllerDelay(): number | null {
    const c = this.opts.controllers;
    if (!c) return null;
    return typeof c === 'object' ? (c.delayMs ?? 50) : 50;
  }

  private host(): ControllerHost {
    return {
      get: (kind, ns, name) => this.store.get(defOfKind(kind), ns, name),
      list: (kind, ns) => this.store.list(defOfKind(kind), ns),
      save: (obj) => void this.store.save(obj as KubeObject),
      remove: (kind, ns, name) => this.store.remove(kind, ns, name),
      later: (fn, ms) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!this.closed) fn();
        }, ms);
        this.timers.add(timer);
      },
    };
  }

  /** The writes this server implements; undefined for the others (answered 405 by the caller). */
  private write(
    def: ResourceDef,
    method: string,
    req: ResourceRequest,
    query: Record<string, string>,
    headers: IncomingMessage['headers'],
    body: unknown,
  ): Reply | undefined {
    if (!req.name || !req.namespace) return undefined;
    const dryRun = query.dryRun;
    if (dryRun !== undefined && dryRun !== 'All')
      return statusReply(kubeStatus(422, `dryRun: Unsupported value: "${dryRun}": supported values: "All"`));
    const dry = dryRun === 'All';
    if (!def.group && def.plural === 'pods') {
      if (method === 'POST' && req.subresource === 'eviction') return this.evict(req, body, dry);
      if (method === 'DELETE' && !req.subresource) return this.deletePod(req, body, dry);
    }
    if (def.group === 'apps' && method === 'PATCH') {
      const contentType = String(headers['content-type'] ?? '');
      if (!req.subresource && ['deployments', 'statefulsets', 'daemonsets'].includes(def.plural))
        return this.patchWorkload(def, req, contentType, body, dry);
      if (req.subresource === 'scale' && def.subresources?.some((r) => r.name === 'scale'))
        return this.patchScale(def, req, contentType, body, dry);
    }
    return undefined;
  }

  /** registry/core/pod/storage/eviction.go: PodDisruptionBudgets decide, unready pods get leniency. */
  private evict(req: ResourceRequest, body: unknown, dry: boolean): Reply {
    if (this.opts.evictionServed === false)
      return statusReply(
        kubeStatus(404, 'the server could not find the requested resource', statusDetails(req)),
      );
    const eviction = rec(body);
    if (str(rec(eviction.metadata).name) !== req.name)
      return statusReply(kubeStatus(400, 'name in URL does not match name in Eviction object'));
    const pods = defOfKind('Pod');
    const pod = this.store.get(pods, req.namespace, req.name ?? '');
    const podReq = { ...req, subresource: undefined };
    if (!pod) return statusReply(notFound(podReq));
    const failed = preconditionFailed(pod, rec(rec(eviction.deleteOptions).preconditions), podReq);
    if (failed) return statusReply(failed);
    const phase = str(rec(pod.status).phase);
    if (phase !== 'Succeeded' && phase !== 'Failed') {
      const pdbs = this.store
        .list(defOfKind('PodDisruptionBudget'), req.namespace)
        .filter((pdb) => selects(rec(pdb.spec).selector, pod.metadata.labels ?? {}));
      if (pdbs.length > 1)
        return statusReply(
          kubeStatus(
            500,
            'Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
          ),
        );
      const pdb = pdbs[0];
      if (pdb) {
        const st = rec(pdb.status);
        const name = pdb.metadata.name;
        const processed =
          st.observedGeneration !== undefined &&
          num(st.observedGeneration) >= num(pdb.metadata.generation ?? 1);
        if (!processed)
          return statusReply(
            tooManyRequests(`The disruption budget ${name} is still being processed by the server.`),
          );
        const healthy = num(st.currentHealthy) >= num(st.desiredHealthy) && num(st.desiredHealthy) > 0;
        const alwaysAllow = str(rec(pdb.spec).unhealthyPodEvictionPolicy) === 'AlwaysAllow';
        // An unready pod may go while the budget is met: evicting it does not lower the healthy count.
        if (!(!podReady(pod) && (healthy || alwaysAllow))) {
          if (num(st.disruptionsAllowed) <= 0)
            return statusReply(
              tooManyRequests(
                `The disruption budget ${name} needs ${num(st.desiredHealthy)} healthy pods and has ${num(st.currentHealthy)} currently`,
              ),
            );
          if (!dry)
            this.store.save({
              ...pdb,
              status: {
                ...st,
                disruptionsAllowed: num(st.disruptionsAllowed) - 1,
                disruptedPods: { ...rec(st.disruptedPods), [pod.metadata.name]: rfc3339(Date.now()) },
              },
            });
        }
      }
    }
    if (!dry) this.removePod(pod);
    return json({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, 201);
  }

  private deletePod(req: ResourceRequest, body: unknown, dry: boolean): Reply {
    const pod = this.store.get(defOfKind('Pod'), req.namespace, req.name ?? '');
    if (!pod) return statusReply(notFound(req));
    const failed = preconditionFailed(pod, rec(rec(body).preconditions), req);
    if (failed) return statusReply(failed);
    const grace = num(rec(pod.spec).terminationGracePeriodSeconds) || 30;
    const deleted = {
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: rfc3339(Date.now() + grace * 1000),
        deletionGracePeriodSeconds: grace,
      },
    };
    if (!dry) this.removePod(pod);
    return json(present(defOfKind('Pod'), deleted));
  }

  /** The kubelet finishes the pod at once here; its controller (when simulated) replaces it. */
  private removePod(pod: KubeObject): void {
    this.store.remove('Pod', pod.metadata.namespace, pod.metadata.name);
    const delay = this.controllerDelay;
    if (delay !== null) podRemoved(this.host(), pod, delay);
  }

  private patchWorkload(
    def: ResourceDef,
    req: ResourceRequest,
    contentType: string,
    body: unknown,
    dry: boolean,
  ): Reply {
    const obj = this.store.get(def, req.namespace, req.name ?? '');
    if (!obj) return statusReply(notFound(req));
    let patched: KubeObject;
    try {
      patched = applyPatch(structuredClone(obj) as Json, contentType, body) as KubeObject;
    } catch (err) {
      return patchFailure(err);
    }
    const invalid =
      identityChanged(def, obj, patched) ??
      invalidReplicas(def, obj.metadata.name, rec(patched.spec).replicas);
    if (invalid) return statusReply(invalid);
    // The main resource cannot write status; spec changes bump the generation (the controllers' cue).
    patched.status = obj.status;
    const specChanged = !deepEqual(rec(obj.spec), rec(patched.spec));
    patched.metadata = {
      ...patched.metadata,
      resourceVersion: obj.metadata.resourceVersion,
      generation: num(obj.metadata.generation ?? 1) + (specChanged ? 1 : 0),
    };
    if (deepEqual(patched, obj) || dry) return json(present(def, patched));
    const saved = this.store.save(patched);
    const delay = this.controllerDelay;
    if (specChanged && delay !== null)
      workloadChanged(this.host(), def.kind, req.namespace ?? 'default', obj.metadata.name, delay);
    return json(present(def, saved));
  }

  private patchScale(
    def: ResourceDef,
    req: ResourceRequest,
    contentType: string,
    body: unknown,
    dry: boolean,
  ): Reply {
    const obj = this.store.get(def, req.namespace, req.name ?? '');
    if (!obj) return statusReply(notFound({ ...req, subresource: undefined }));
    let patched: Json;
    try {
      patched = applyPatch(scaleOf(obj), contentType, body);
    } catch (err) {
      return patchFailure(err);
    }
    const rv = str(rec(patched.metadata).resourceVersion);
    if (rv && rv !== obj.metadata.resourceVersion) return statusReply(conflict(req, obj));
    const replicas = rec(patched.spec).replicas;
    const invalid = invalidReplicas(
      { ...def, kind: 'Scale', group: 'autoscaling' },
      obj.metadata.name,
      replicas,
    );
    if (invalid) return statusReply(invalid);
    if (replicas === (rec(obj.spec).replicas ?? 1)) return json(scaleOf(obj));
    const next: KubeObject = {
      ...obj,
      metadata: { ...obj.metadata, generation: num(obj.metadata.generation ?? 1) + 1 },
      spec: { ...rec(obj.spec), replicas },
    };
    if (dry) return json(scaleOf(next));
    const saved = this.store.save(next);
    const delay = this.controllerDelay;
    if (delay !== null && def.kind !== 'ReplicaSet')
      workloadChanged(this.host(), def.kind, req.namespace ?? 'default', obj.metadata.name, delay);
    return json(scaleOf(saved));
  }

  // ---- authorization.k8s.io ----

  private review(def: ResourceDef, body: unknown): Reply {
    const spec = rec(rec(body).spec);
    const base = {
      kind: def.kind,
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
    };
    if (def.plural === 'selfsubjectrulesreviews') {
      return json({ ...base, status: this.rulesReviewStatus() }, 201);
    }
    const allowed = !this.denies(accessReviewPath(spec));
    const reason = allowed
      ? `RBAC: allowed by ClusterRoleBinding "oncall-scout" of ClusterRole "view" to ${rbacSubject(this.user)}`
      : '';
    return json({ ...base, status: { allowed, ...(reason ? { reason } : {}) } }, 201);
  }

  private rulesReviewStatus(): Json {
    return {
      resourceRules: [
        { verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] },
        {
          verbs: ['create'],
          apiGroups: ['authorization.k8s.io'],
          resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        },
      ],
      nonResourceRules: [
        { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version'] },
      ],
      incomplete: false,
    };
  }

  /** A 403 rule on the path the reviewed request would use means "not allowed". */
  private denies(path: string | undefined): boolean {
    if (path === undefined) return false;
    const rule = this.ruleFor(path);
    return rule?.code === 403;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

/** RBAC names a service account `ServiceAccount "ns/name"`, anyone else `User "name"`. */
function rbacSubject(user: string): string {
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  return sa ? `ServiceAccount "${sa[1]}/${sa[2]}"` : `User "${user}"`;
}

/** The path a SelfSubjectAccessReview's attributes describe, so fail() rules can answer it. */
function accessReviewPath(spec: Json): string | undefined {
  const nonResource = rec(spec.nonResourceAttributes);
  if (str(nonResource.path)) return str(nonResource.path);
  const a = rec(spec.resourceAttributes);
  const group = str(a.group);
  const def = RESOURCES.find((d) => d.group === group && d.plural === str(a.resource));
  const version = str(a.version) || def?.version || 'v1';
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const ns = str(a.namespace) && def?.namespaced !== false ? `/namespaces/${str(a.namespace)}` : '';
  const sub = str(a.subresource) ? `/${str(a.subresource)}` : '';
  // A review without a name asks about every name; a subresource path still needs one.
  const name = str(a.name) ? `/${str(a.name)}` : sub ? '/*' : '';
  return `${prefix}${ns}/${str(a.resource)}${name}${sub}`;
}

// ---- helpers of the write paths ----

function defOfKind(kind: string): ResourceDef {
  const def = RESOURCES.find(
    (d) => d.kind === kind && d.group !== 'events.k8s.io' && d.group !== METRICS_GROUP,
  );
  if (!def) throw new Error(`fake kube: unknown kind ${kind}`);
  return def;
}

function podReady(pod: KubeObject): boolean {
  return arr(rec(pod.status).conditions).some(
    (c) => str(rec(c).type) === 'Ready' && str(rec(c).status) === 'True',
  );
}

/** metav1.LabelSelectorAsSelector: an empty selector selects everything, a missing one nothing. */
function selects(selector: unknown, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return false;
  const sel = rec(selector);
  for (const [k, v] of Object.entries(rec(sel.matchLabels))) if (labels[k] !== v) return false;
  for (const e of arr(sel.matchExpressions).map(rec)) {
    const key = str(e.key);
    const values = arr(e.values).map(String);
    const has = Object.hasOwn(labels, key);
    const ok =
      str(e.operator) === 'In'
        ? has && values.includes(labels[key]!)
        : str(e.operator) === 'NotIn'
          ? !has || !values.includes(labels[key]!)
          : str(e.operator) === 'Exists'
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

function selectorText(selector: unknown): string {
  const sel = rec(selector);
  const terms = Object.entries(rec(sel.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of arr(sel.matchExpressions).map(rec)) {
    const op = str(e.operator);
    const key = str(e.key);
    const values = arr(e.values).map(String).join(',');
    terms.push(
      op === 'In'
        ? `${key} in (${values})`
        : op === 'NotIn'
          ? `${key} notin (${values})`
          : op === 'Exists'
            ? key
            : `!${key}`,
    );
  }
  return terms.join(',');
}

/** autoscaling/v1 Scale, the view the scale subresource gives of a workload. */
function scaleOf(obj: KubeObject): Json {
  const md = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: md.name,
      namespace: md.namespace,
      uid: md.uid,
      resourceVersion: md.resourceVersion,
      creationTimestamp: md.creationTimestamp,
    },
    spec: { replicas: rec(obj.spec).replicas ?? 1 },
    status: { replicas: num(rec(obj.status).replicas), selector: selectorText(rec(obj.spec).selector) },
  };
}

/** NewTooManyRequests(msg, 0) with a DisruptionBudget cause, as eviction.go answers. */
function tooManyRequests(cause: string): KubeStatus {
  return kubeStatus(429, "Cannot evict pod as it would violate the pod's disruption budget.", {
    causes: [{ reason: 'DisruptionBudget', message: cause }],
  });
}

function conflict(req: ResourceRequest, obj: KubeObject): KubeStatus {
  return kubeStatus(
    409,
    `Operation cannot be fulfilled on ${qualified(req)} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
    statusDetails(req),
  );
}

/** DeleteOptions.preconditions, checked by the generic registry before a delete. */
function preconditionFailed(obj: KubeObject, pre: Json, req: ResourceRequest): KubeStatus | null {
  const on = `Operation cannot be fulfilled on ${qualified(req)} "${obj.metadata.name}": Precondition failed`;
  if (str(pre.uid) && pre.uid !== obj.metadata.uid)
    return kubeStatus(
      409,
      `${on}: UID in precondition: ${str(pre.uid)}, UID in object meta: ${str(obj.metadata.uid)}`,
      statusDetails(req),
    );
  if (str(pre.resourceVersion) && pre.resourceVersion !== obj.metadata.resourceVersion)
    return kubeStatus(
      409,
      `${on}: ResourceVersion in precondition: ${str(pre.resourceVersion)}, ResourceVersion in object meta: ${str(obj.metadata.resourceVersion)}`,
      statusDetails(req),
    );
  return null;
}

/** A patch may not rename, move or re-identify the object, nor write a stale resourceVersion. */
function identityChanged(def: ResourceDef, before: KubeObject, after: KubeObject): KubeStatus | null {
  const what = `${def.kind}.${def.group || 'core'} "${before.metadata.name}" is invalid`;
  for (const field of ['name', 'namespace', 'uid'] as const) {
    if (after.metadata?.[field] !== before.metadata[field])
      return kubeStatus(
        422,
        `${what}: metadata.${field}: Invalid value: "${String(after.metadata?.[field] ?? '')}": field is immutable`,
      );
  }
  const rv = after.metadata.resourceVersion;
  if (rv !== undefined && rv !== before.metadata.resourceVersion)
    return kubeStatus(
      409,
      `Operation cannot be fulfilled on ${def.plural}.${def.group} "${before.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
  return null;
}

function invalidReplicas(
  def: Pick<ResourceDef, 'kind' | 'group'>,
  name: string,
  replicas: unknown,
): KubeStatus | null {
  if (replicas === undefined) return null;
  if (typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0) return null;
  return kubeStatus(
    422,
    `${def.kind}.${def.group} "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
  );
}

function patchFailure(err: unknown): Reply {
  if (err instanceof UnsupportedPatch) return statusReply(kubeStatus(415, err.message));
  if (err instanceof PatchError) return statusReply(kubeStatus(err.code, err.message));
  throw err;
}

function tableReply(
  def: ResourceDef,
  items: KubeObject[],
  query: Record<string, string>,
  apiVersion: string,
  resourceVersion: string | undefined,
  more: ListMore = {},
): Reply {
  const table = renderTable(def.plural, items, {
    apiVersion,
    includeObject: includeObject(query),
    resourceVersion,
  });
  (table as { metadata: Record<string, unknown> }).metadata = {
    ...(table as { metadata?: Record<string, unknown> }).metadata,
    ...more,
  };
  return { code: 200, body: table, contentType: tableContentType(apiVersion) };
}

type ListMore = { continue?: string; remainingItemCount?: number };

/**
 * Chunked lists (`limit` and `continue`), as the real server pages them: a page of at most `limit`
 * items, and while more remain an opaque continue token and the count of the rest.
 */
function pageOf(all: KubeObject[], query: Record<string, string>): { items: KubeObject[]; more: ListMore } {
  let offset = 0;
  if (query.continue) {
    try {
      offset = (JSON.parse(Buffer.from(query.continue, 'base64url').toString()) as { o: number }).o;
      if (!Number.isInteger(offset) || offset < 0) throw new Error('bad offset');
    } catch {
      throw new BadRequest('continue key is not valid: illegal base64 data');
    }
  }
  const limit = Number(query.limit ?? 0);
  if (!(limit > 0)) return { items: all.slice(offset), more: {} };
  const end = offset + limit;
  if (end >= all.length) return { items: all.slice(offset), more: {} };
  return {
    items: all.slice(offset, end),
    more: {
      continue: Buffer.from(JSON.stringify({ o: end })).toString('base64url'),
      remainingItemCount: all.length - end,
    },
  };
}

/** The object as this endpoint's group/version shows it. */
function present(def: ResourceDef, obj: KubeObject): KubeObject {
  if (def.group === 'events.k8s.io') return coreToEventsV1(obj);
  return { ...obj, apiVersion: groupVersion(def), kind: def.kind };
}

function tableContentType(apiVersion: string): string {
  return `application/json;as=Table;v=${apiVersion.split('/')[1]};g=meta.k8s.io`;
}

function kubeconfigYaml(url: string, defaultToken: string | undefined, opts: KubeconfigOptions): string {
  const name = opts.context ?? 'fake-kube';
  const token = opts.token ?? defaultToken;
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    // client-node 1.x refuses an http:// server unless the cluster says insecure-skip-tls-verify
    // ("HTTP protocol is not allowed when skipTLSVerify is not set or false"); kubectl does not mind it.
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: token ? { token } : {} }],
    contexts: [name, ...(opts.aliases ?? [])].map((context) => ({
      name: context,
      context: { cluster: name, user: name, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
    })),
    'current-context': name,
  });
}

export async function startFakeKube(opts: FakeKubeOptions = {}): Promise<FakeKube> {
  const fake = new FakeKubeServer(opts);
  const server = createServer((req, res) => {
    fake.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !fake.closed)
        send(res, statusReply(kubeStatus(500, `Internal error occurred: ${err}`)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;

  return {
    url: fake.url,
    requests: fake.requests,
    mutations: () =>
      fake.requests.filter(
        (r) =>
          ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !r.path.includes('/authorization.k8s.io/'),
      ),
    object(kind, namespace, name) {
      const def = RESOURCES.find((d) => d.kind === kind || d.plural === kind);
      if (!def) throw new Error(`fake kube: unknown kind ${kind}`);
      const obj = fake.store.get(def, def.namespaced ? (namespace ?? 'default') : undefined, name);
      return obj ? structuredClone(present(def, obj)) : undefined;
    },
    setObjects(objects) {
      fake.store.clear();
      for (const obj of objects) fake.store.upsert(obj);
    },
    upsert: (obj) => fake.store.upsert(obj),
    remove: (kind, namespace, name) => fake.store.remove(kind, namespace, name),
    setLogs: (key, text) => void fake.logs.set(key, text),
    setLatency: (ms) => {
      fake.latencyMs = ms;
    },
    proxyService(ref, upstream) {
      if (upstream) fake.proxies.set(ref, upstream);
      else fake.proxies.delete(ref);
    },
    fail(pattern, code, message) {
      // A /g or /y RegExp would remember lastIndex between requests and match every other one.
      const stateless =
        typeof pattern === 'string'
          ? pattern
          : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
      const rule: FailRule = { pattern: stateless, code, message };
      fake.rules.push(rule);
      return () => {
        const i = fake.rules.indexOf(rule);
        if (i >= 0) fake.rules.splice(i, 1);
      };
    },
    kubeconfig: (kc = {}) => kubeconfigYaml(fake.url, opts.token, kc),
    writeKubeconfig(dir, kc = {}) {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `kubeconfig-${kc.context ?? 'fake-kube'}.yaml`);
      writeFileSync(file, kubeconfigYaml(fake.url, opts.token, kc), { mode: 0o600 });
      return file;
    },
    close() {
      fake.closed = true;
      for (const timer of fake.timers) clearTimeout(timer);
      fake.timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets and 'hang' responses would otherwise hold close() open forever.
        server.closeAllConnections();
      });
    },
  };
}
