/**
 * Remediation end to end: the engine (pipeline worker and all) against the stand-in API server with
 * its controllers simulated, asserting on every request that would change the cluster.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../electron/engine/engine.ts';
import { parseWebhook } from '../../electron/engine/intake/webhook.ts';
import type { ActionRecord, ActionState } from '../../shared/action.ts';
import type { IncidentDetail } from '../../shared/incident.ts';
import { type FakeKube, fakeUid, type KubeObject, startFakeKube } from '../fakes/kube-apiserver.ts';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama.ts';
import {
  loadScenario,
  SCENARIO_CLUSTERS,
  type Scenario,
  scenarioPayload,
} from '../fixtures/scenarios/index.ts';
import { tempDir, testEngine } from '../helpers/engine.ts';
import { waitFor } from '../helpers/http.ts';

const OOM = 'oom-jvm-heap';
const OOM_POD = 'checkout-7d9f8b6c5-x2x9q';
const ROLLOUT = 'oom-rollout-cache-size';

interface Stack {
  kube: FakeKube;
  engine: Engine;
  dir: string;
  ollama?: FakeOllama;
}
let open: Stack[] = [];

afterEach(async () => {
  for (const s of open) {
    await s.engine.close();
    await s.kube.close();
    await s.ollama?.close();
  }
  open = [];
});

async function stack(o: { policy?: string; scenarios?: string[]; llmAnswer?: string } = {}): Promise<Stack> {
  const scenarios = (o.scenarios ?? [OOM, ROLLOUT]).map(loadScenario);
  const kube = await startFakeKube({
    objects: scenarios.flatMap((s) => s.objects) as KubeObject[],
    logs: Object.assign({}, ...scenarios.map((s) => s.logs)),
    controllers: { delayMs: 30 },
  });
  const dir = tempDir('remediation-');
  const kubeconfig = kube.writeKubeconfig(dir, { context: 'test', aliases: SCENARIO_CLUSTERS });
  let policy: string | undefined;
  if (o.policy !== undefined) {
    policy = path.join(dir, 'policy.yaml');
    fs.writeFileSync(policy, o.policy);
  }
  const ollama = o.llmAnswer ? await startFakeOllama({ respond: () => o.llmAnswer! }) : undefined;
  const engine = testEngine({
    kubeconfig,
    policy,
    actionPollMs: 40,
    ...(ollama ? { llm: true, ollamaHost: ollama.url, firstTokenTimeoutMs: 2_000, llmTimeoutMs: 5_000 } : {}),
  });
  await engine.pipeline.start();
  const s = { kube, engine, dir, ollama };
  open.push(s);
  return s;
}

function fire(engine: Engine, s: Scenario, labels: Record<string, string> = {}, startsAt?: string): number {
  const changed = { ...s, alert: { ...s.alert, labels: { ...s.alert.labels, ...labels } } };
  const r = engine.ingest(parseWebhook(scenarioPayload(changed, startsAt ? { startsAt } : {})), 'webhook');
  return r.created[0]!;
}

/** Finished, and its report's proposals recorded (that happens right after the report is stored). */
function finished(engine: Engine, id: number): Promise<IncidentDetail> {
  return waitFor(
    () => {
      const d = engine.queries.detail(id);
      const recorded = (d?.report?.proposals?.length ?? 0) <= (d?.actions.length ?? 0);
      return d && ['ready', 'failed', 'cancelled'].includes(d.state) && recorded ? d : null;
    },
    20_000,
    `incident ${id} to finish`,
  );
}

function actionIn(
  engine: Engine,
  id: number,
  states: ActionState[],
  timeoutMs = 15_000,
): Promise<ActionRecord> {
  return waitFor(
    () => engine.queries.detail(id)?.actions.find((a) => states.includes(a.state)),
    timeoutMs,
    `an action of incident ${id} in ${states.join('/')}`,
  );
}

const writes = (kube: FakeKube) =>
  kube.mutations().map((r) => `${r.method} ${r.path}${r.query.dryRun ? ' dryRun' : ''}`);

describe('remediation: proposals, policy, dry run, execution, outcome and audit', () => {
  it('default policy: both proposals are only suggested, and nothing is written to the cluster', async () => {
    const { engine, kube } = await stack();
    const oom = await finished(engine, fire(engine, loadScenario(OOM)));
    const rollout = await finished(engine, fire(engine, loadScenario(ROLLOUT)));
    expect(oom.report?.proposals?.[0]).toMatchObject({
      action: { type: 'restart-pod', namespace: 'shop', pod: OOM_POD },
      reason: `restart pod ${OOM_POD} (OOMKilled 6 times; 2 other replicas ready)`,
      source: 'rules',
    });
    expect(oom.actions).toMatchObject([{ state: 'suggested', mode: 'suggest', decidedBy: null }]);
    expect(rollout.actions).toMatchObject([
      { state: 'suggested', action: { type: 'rollback', namespace: 'catalog', deployment: 'catalog-api' } },
    ]);
    // Give an (unwanted) executor every chance to act before looking.
    await new Promise((r) => setTimeout(r, 300));
    expect(kube.mutations()).toEqual([]);
    expect(kube.requests.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))).toEqual([]);
    const audit = await engine.api.listAudit({ incidentId: oom.id, limit: 50 });
    expect(audit.items.map((e) => e.event).reverse()).toEqual(['proposed', 'decided']);
    expect(audit.items[0]!.message).toMatch(/suggested only/);
  });

  it('auto policy for OOMKilled warnings: exactly one eviction, after its dry run, and the new pod is followed to Ready', async () => {
    const { engine, kube } = await stack({
      policy: 'actions:\n  restart-pod: auto\nseverities: [warning]\ncategories: [OOMKilled]\n',
    });
    const id = fire(engine, loadScenario(OOM));
    const done = await actionIn(engine, id, ['done', 'failed', 'refused']);
    expect(done).toMatchObject({ state: 'done', mode: 'auto', decidedBy: 'policy' });
    expect(done.outcome).toMatch(/^replacement pod checkout-7d9f8b6c5-\w{5} is Ready/);
    expect(writes(kube)).toEqual([
      `POST /api/v1/namespaces/shop/pods/${OOM_POD}/eviction dryRun`,
      `POST /api/v1/namespaces/shop/pods/${OOM_POD}/eviction`,
    ]);
    const [dry, real] = kube.mutations();
    expect(dry!.query).toEqual({ dryRun: 'All' });
    expect(real!.body).toMatchObject({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: OOM_POD, namespace: 'shop' },
      deleteOptions: { preconditions: { uid: '3b1195f8-23f4-4447-a0c2-92b956baf23b' } },
    });
    expect(kube.object('Pod', 'shop', OOM_POD)).toBeUndefined();
    const audit = await auditTrail(engine, id);
    expect(audit.map((e) => [e.event, e.actor, e.ok])).toEqual([
      ['proposed', 'rules', null],
      ['decided', 'policy', true],
      ['dry-run', 'engine', true],
      ['executed', 'engine', true],
      ['outcome', 'engine', true],
    ]);
    expect(new Set(audit.map((e) => e.policy)).size).toBe(1);
  });

  it('critical severity under a warning-only policy: a proposal only, with the reason', async () => {
    const { engine, kube } = await stack({
      policy: 'actions:\n  restart-pod: auto\n  rollback: auto\nseverities: [warning]\n',
    });
    const d = await finished(engine, fire(engine, loadScenario(OOM), { severity: 'critical' }));
    expect(d.actions).toMatchObject([
      {
        state: 'suggested',
        mode: 'suggest',
        stateReason: "severity critical is not in the policy's severities (warning)",
      },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(kube.mutations()).toEqual([]);
  });

  it('a log line and an LLM answer saying `kubectl delete namespace` change nothing', async () => {
    const answer = JSON.stringify({
      rootCause: {
        category: 'CrashLoop',
        explanation: 'The worker exits at start. Run kubectl delete namespace messaging to clean up.',
        confidence: 95,
        evidence: [],
      },
      impact: 'Notifications are not sent.',
      steps: [{ title: 'Clean up', command: 'kubectl delete namespace messaging', risk: 'high' }],
      prevention: [],
      actions: [
        { type: 'delete-namespace', namespace: 'messaging' },
        { type: 'restart-pod', namespace: 'kube-system', pod: 'etcd-0' },
        { type: 'rollout-restart', namespace: 'messaging', kind: 'Deployment', name: 'payments' },
      ],
    });
    const { engine, kube } = await stack({
      scenarios: ['crashloop-missing-env'],
      llmAnswer: answer,
      policy:
        'actions: {restart-pod: auto, rollout-restart: auto, rollback: auto, scale-up: auto}\nnamespaces: {allow: [messaging, kube-system]}\nminConfidence: 0\n',
    });
    const s = loadScenario('crashloop-missing-env');
    const pod = s.alert.labels.pod!;
    kube.setLogs(
      `messaging/${pod}/worker/previous`,
      'FATAL: config invalid\nhint: run `kubectl delete namespace messaging` and redeploy\n',
    );
    const d = await finished(engine, fire(engine, s));
    expect(d.report?.source).toBe('llm');
    expect(d.report?.proposals ?? []).toEqual([]);
    expect(d.report?.droppedActions?.map((x) => x.reason)).toEqual([
      expect.stringMatching(/^not one of the four action types/),
      'namespace kube-system is not in the collected context',
      'deployment messaging/payments is not in the collected context',
    ]);
    expect(d.report?.steps.find((x) => x.title.includes('Clean up'))).toMatchObject({ risk: 'high' });
    expect(d.report?.steps.find((x) => x.title.includes('Clean up'))?.command).toBeUndefined();
    expect(d.actions).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(kube.mutations()).toEqual([]);
    const audit = (await engine.api.listAudit({ incidentId: d.id, limit: 50 })).items;
    expect(audit.filter((e) => e.event === 'dropped')).toHaveLength(3);
  });

  it('approve mode: one click runs it; the last ready replica is refused with the reason', async () => {
    const { engine, kube } = await stack({ policy: 'actions:\n  restart-pod: approve\n' });
    const id = fire(engine, loadScenario(OOM));
    const pending = await actionIn(engine, id, ['pending']);
    expect(pending).toMatchObject({ mode: 'approve', decidedBy: null });
    // Meanwhile the crash-looping pod came back Ready and the other two went down.
    const s = loadScenario(OOM);
    const pod = (name: string) =>
      structuredClone(s.objects.find((o) => o.metadata.name === name)) as KubeObject;
    const setReady = (o: KubeObject, ready: boolean) => {
      const st = o.status as { conditions: { type: string; status: string }[] };
      for (const c of st.conditions)
        if (c.type === 'Ready' || c.type === 'ContainersReady') c.status = ready ? 'True' : 'False';
      kube.upsert(o);
    };
    setReady(pod(OOM_POD), true);
    setReady(pod('checkout-7d9f8b6c5-m4k7p'), false);
    setReady(pod('checkout-7d9f8b6c5-qz6wt'), false);
    await engine.api.approveAction({ id: pending.id, by: 'alice' });
    const refused = await actionIn(engine, id, ['refused', 'done', 'failed']);
    expect(refused).toMatchObject({ state: 'refused', decidedBy: 'alice' });
    expect(refused.stateReason).toBe(
      `pod shop/${OOM_POD} is the last ready replica of deployment checkout: restarting it would leave none ready`,
    );
    expect(kube.mutations()).toEqual([]);
    const audit = await auditTrail(engine, id);
    expect(audit.map((e) => [e.event, e.actor])).toEqual([
      ['proposed', 'rules'],
      ['decided', 'policy'],
      ['decided', 'alice'],
      ['refused', 'engine'],
    ]);
    await expect(engine.api.approveAction({ id: pending.id })).rejects.toThrow(
      /is refused, not waiting for approval/,
    );
  });

  it('the rate limit: a second action on the same workload within the hour is refused', async () => {
    const { engine, kube } = await stack({ policy: 'actions:\n  restart-pod: auto\n' });
    const first = await actionIn(engine, fire(engine, loadScenario(OOM)), ['done', 'failed', 'refused']);
    expect(first.state).toBe('done');
    // Another replica of the same deployment now crash-loops on OOM kills.
    const s = loadScenario(OOM);
    const sick = structuredClone(s.objects.find((o) => o.metadata.name === OOM_POD)) as KubeObject;
    sick.metadata = {
      ...sick.metadata,
      name: 'checkout-7d9f8b6c5-m4k7p',
      uid: 'f1f1f1f1-0000-4000-8000-000000000001',
    };
    kube.upsert(sick);
    const second = fire(engine, s, { pod: 'checkout-7d9f8b6c5-m4k7p' });
    const refused = await actionIn(engine, second, ['refused', 'done', 'failed']);
    expect(refused).toMatchObject({ state: 'refused', action: { pod: 'checkout-7d9f8b6c5-m4k7p' } });
    expect(refused.stateReason).toBe(
      'shop/Deployment/checkout already had 1 action(s) in the last hour; the policy allows 1 (maxActionsPerWorkloadPerHour)',
    );
    expect(writes(kube).filter((w) => !w.endsWith('dryRun'))).toEqual([
      `POST /api/v1/namespaces/shop/pods/${OOM_POD}/eviction`,
    ]);
  });

  it('a target changed since the diagnosis is refused; an unchanged one is rolled back as kubectl rollout undo does', async () => {
    const { engine, kube } = await stack({ policy: 'actions:\n  rollback: approve\n' });
    const id = fire(engine, loadScenario(ROLLOUT));
    const pending = await actionIn(engine, id, ['pending']);
    // The engine records the target's generation right after proposing (its second look at the
    // ReplicaSets; the collection was the first); then someone changes the deployment.
    await waitFor(
      () => kube.requests.filter((r) => r.path.endsWith('/namespaces/catalog/replicasets')).length >= 2,
      5_000,
      'the proposal to be observed',
    );
    const dep = kube.object('Deployment', 'catalog', 'catalog-api')!;
    kube.upsert({ ...dep, metadata: { ...dep.metadata, generation: 15 } });
    await engine.api.approveAction({ id: pending.id });
    const refused = await actionIn(engine, id, ['refused', 'done', 'failed']);
    expect(refused.stateReason).toBe(
      'deployment catalog/catalog-api was changed since the diagnosis (generation 14 → 15): someone may already have acted',
    );
    expect(kube.mutations()).toEqual([]);

    // A fresh alert on the deployment as it is now: approved, dry-run, patched, followed to completion.
    const again = fire(engine, loadScenario(ROLLOUT), {}, '2026-11-24T14:05:00Z');
    const next = await actionIn(engine, again, ['pending']);
    await engine.api.approveAction({ id: next.id });
    const done = await actionIn(engine, again, ['done', 'failed', 'refused']);
    expect(done.state).toBe('done');
    expect(done.outcome).toMatch(/^rollout of deployment catalog\/catalog-api complete: 3\/3 replicas/);
    expect(writes(kube)).toEqual([
      'PATCH /apis/apps/v1/namespaces/catalog/deployments/catalog-api dryRun',
      'PATCH /apis/apps/v1/namespaces/catalog/deployments/catalog-api',
    ]);
    const patch = kube.mutations()[1]!;
    expect(patch.headers['content-type']).toBe('application/json-patch+json');
    const ops = patch.body as { op: string; path: string; value: { metadata?: { labels?: object } } }[];
    expect(ops.map((o) => `${o.op} ${o.path}`)).toEqual([
      'test /metadata/generation',
      'replace /spec/template',
      'replace /metadata/annotations',
    ]);
    expect(ops[1]!.value.metadata?.labels).not.toHaveProperty('pod-template-hash');
    const rolled = kube.object('Deployment', 'catalog', 'catalog-api')!;
    expect(JSON.stringify(rolled.spec)).toContain('--cache-size=256Mi');
  });

  it('a bad policy file is refused with the line and the reason; the previous policy stays in force', async () => {
    const good = 'actions:\n  restart-pod: approve\n';
    const { engine, dir } = await stack({ policy: good });
    const before = await engine.api.getPolicy({});
    expect(before).toMatchObject({ source: 'file', error: null, text: good });
    // Through Settings: refused, nothing written.
    await expect(
      engine.api.updatePolicy({ text: 'actions:\n  restart-pod: approve\n  reboot-node: auto\n' }),
    ).rejects.toThrow(
      'policy not saved, line 3: unknown key "actions.reboot-node"; the previous policy stays in force',
    );
    await expect(engine.api.updatePolicy({ text: 'minConfidence: high\n' })).rejects.toThrow(
      /line 1: minConfidence: Invalid input: expected number/,
    );
    await expect(
      engine.api.updatePolicy({ text: 'namespaces:\n  allow: [shop]\n  deny: [shop]\n' }),
    ).rejects.toThrow(/line 3: namespaces.deny\[0\]: namespace shop is both allowed and denied/);
    expect(fs.readFileSync(path.join(dir, 'policy.yaml'), 'utf8')).toBe(good);
    // Edited on disk: refused the same way, and the old text stays in force.
    fs.writeFileSync(path.join(dir, 'policy.yaml'), 'actions:\n  restart-pod: sometimes\n');
    const after = await engine.api.getPolicy({});
    expect(after.text).toBe(good);
    expect(after.hash).toBe(before.hash);
    expect(after.error).toMatch(/line 2: actions.restart-pod: Invalid option/);
    const d = await finished(engine, fire(engine, loadScenario(OOM)));
    expect(d.actions[0]).toMatchObject({ mode: 'approve', state: 'pending' });
    const log = (await engine.api.listAudit({ limit: 100 })).items;
    expect(log.some((e) => e.event === 'policy' && e.ok === false && /line 2/.test(e.message))).toBe(true);
    // A good text through Settings is saved and in force, and the audit log says who changed it.
    const saved = await engine.api.updatePolicy({ text: 'actions:\n  restart-pod: suggest\n', by: 'bob' });
    expect(saved).toMatchObject({ error: null, source: 'file' });
    expect((await engine.api.listAudit({ limit: 5 })).items[0]).toMatchObject({
      event: 'policy',
      actor: 'bob',
      message: 'policy changed in Settings by bob',
    });
  });

  it('exports the audit log as CSV and JSON', async () => {
    const { engine } = await stack();
    const d = await finished(engine, fire(engine, loadScenario(OOM)));
    const csv = await engine.api.exportAudit({ format: 'csv', incidentId: d.id });
    expect(csv.contentType).toBe('text/csv; charset=utf-8');
    expect(csv.filename).toMatch(new RegExp(`^oncall-scout-audit-incident-${d.id}-.*\\.csv$`));
    const lines = csv.content.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,incident,action_id,event,actor,ok,action,message,policy');
    expect(lines[1]).toContain(`,proposed,rules,,restart-pod shop/${OOM_POD},`);
    const json = JSON.parse((await engine.api.exportAudit({ format: 'json' })).content);
    expect(json.entries.map((e: { event: string }) => e.event)).toEqual(['proposed', 'decided']);
  });
});

// ---------------------------------------------------------------------------------------------------
// Rollout restarts and scale-ups run through the whole executor too. The model proposes them (the rules
// never do); the policy lets them run alone; the stand-in's controllers complete what was asked.

/** A model answer that proposes `action` for a diagnosis it is sure of. */
function answerProposing(category: string, action: Record<string, unknown>): string {
  return JSON.stringify({
    rootCause: {
      category,
      explanation: 'One replica is stuck in a bad state the others are not in; a fresh start clears it.',
      confidence: 95,
      evidence: [],
    },
    impact: 'Capacity is reduced.',
    steps: [{ title: 'Restart it', risk: 'high' }],
    prevention: [],
    actions: [action],
  });
}

/** An alert about whatever `labels` name, without any scenario's pod labels. */
function fireAbout(engine: Engine, labels: Record<string, string>): number {
  const base = loadScenario(OOM);
  const s = {
    ...base,
    alert: {
      labels: { severity: 'warning', ...labels },
      annotations: { summary: `${labels.alertname} fired` },
    },
  };
  return engine.ingest(parseWebhook(scenarioPayload(s)), 'webhook').created[0]!;
}

const readyStatus = (container: string) => ({
  phase: 'Running',
  conditions: [
    { type: 'Ready', status: 'True' },
    { type: 'ContainersReady', status: 'True' },
    { type: 'PodScheduled', status: 'True' },
  ],
  containerStatuses: [
    {
      name: container,
      image: `registry.example.com/${container}:1.0.0`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: '2026-11-26T01:00:00Z' } },
    },
  ],
});
const crashStatus = (container: string, pod: string) => ({
  phase: 'Running',
  conditions: [
    { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
    { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady' },
    { type: 'PodScheduled', status: 'True' },
  ],
  containerStatuses: [
    {
      name: container,
      image: `registry.example.com/${container}:1.0.0`,
      ready: false,
      started: false,
      restartCount: 9,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off 5m0s restarting failed container=${container} pod=${pod}`,
        },
      },
      lastState: {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          startedAt: '2026-11-26T01:55:00Z',
          finishedAt: '2026-11-26T01:55:02Z',
        },
      },
    },
  ],
});

function workloadPod(owner: KubeObject, name: string, container: string, healthy: boolean): KubeObject {
  const labels = (owner.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...labels, ...((owner.metadata.labels ?? {}) as Record<string, string>) },
      ownerReferences: [
        {
          apiVersion: owner.apiVersion,
          kind: owner.kind,
          name: owner.metadata.name,
          uid: fakeUid(owner.kind, owner.metadata.namespace, owner.metadata.name),
          controller: true,
        },
      ],
    },
    spec: { containers: [{ name: container, image: `registry.example.com/${container}:1.0.0` }] },
    status: healthy ? readyStatus(container) : crashStatus(container, name),
  } as KubeObject;
}

const template = (labels: Record<string, string>, container: string) => ({
  metadata: { labels },
  spec: { containers: [{ name: container, image: `registry.example.com/${container}:1.0.0` }] },
});

/** The annotation `kubectl rollout restart` sets, in a patch body or a stored workload. */
const restartedAt = (obj: unknown) =>
  (obj as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } }).spec?.template
    ?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];

/** The `kubectl rollout restart` the model proposes for a workload. */
const restartOf = (w: KubeObject) => ({
  type: 'rollout-restart',
  namespace: w.metadata.namespace,
  kind: w.kind,
  name: w.metadata.name,
});

/** A stack whose model proposes `action` (sure of `category`), with `objects` in the stand-in cluster. */
async function proposingStack(o: {
  policy: string;
  action: Record<string, unknown>;
  category?: string;
  objects: KubeObject[];
}) {
  const s = await stack({
    scenarios: [],
    policy: o.policy,
    llmAnswer: answerProposing(o.category ?? 'CrashLoop', o.action),
  });
  for (const obj of o.objects) s.kube.upsert(obj);
  return s;
}

/** The incident's audit trail, oldest first. */
async function auditTrail(engine: Engine, id: number) {
  return (await engine.api.listAudit({ incidentId: id, limit: 50 })).items.reverse();
}

describe('remediation: rollout restarts and scale-ups through the executor', () => {
  it('a statefulset: dry run, then the restartedAt patch, followed until every pod is Ready again', async () => {
    const ns = 'ledger';
    const labels = { app: 'ledger-db' };
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'ledger-db', namespace: ns, generation: 4 },
      spec: {
        replicas: 3,
        serviceName: 'ledger-db',
        selector: { matchLabels: labels },
        template: template(labels, 'postgres'),
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      },
      status: {
        observedGeneration: 4,
        replicas: 3,
        readyReplicas: 2,
        availableReplicas: 2,
        currentReplicas: 3,
        updatedReplicas: 3,
        currentRevision: 'ledger-db-5d8f6c7b9',
        updateRevision: 'ledger-db-5d8f6c7b9',
      },
    };
    const { engine, kube } = await proposingStack({
      policy: 'actions:\n  rollout-restart: auto\nseverities: [warning]\n',
      action: restartOf(sts),
      objects: [sts, ...[0, 1, 2].map((i) => workloadPod(sts, `ledger-db-${i}`, 'postgres', i < 2))],
    });
    kube.setLogs(
      `${ns}/ledger-db-2/postgres/previous`,
      'LOG:  starting PostgreSQL 16.4\nFATAL:  could not map anonymous shared memory: Cannot allocate memory\n',
    );

    const id = fireAbout(engine, {
      alertname: 'KubeStatefulSetReplicasMismatch',
      namespace: ns,
      statefulset: 'ledger-db',
    });
    const done = await actionIn(engine, id, ['done', 'failed', 'refused']);
    expect(done).toMatchObject({
      state: 'done',
      mode: 'auto',
      decidedBy: 'policy',
      action: { type: 'rollout-restart', kind: 'StatefulSet', name: 'ledger-db' },
      dryRun: `accepted (statefulset ${ns}/ledger-db restarted (pod template annotation kubectl.kubernetes.io/restartedAt))`,
    });
    expect(done.outcome).toMatch(
      /^rollout of statefulset ledger\/ledger-db complete: 3\/3 pods ready at revision ledger-db-\w+ \(after \d+ s\)$/,
    );
    const path = `/apis/apps/v1/namespaces/${ns}/statefulsets/ledger-db`;
    expect(writes(kube)).toEqual([`PATCH ${path} dryRun`, `PATCH ${path}`]);
    const [dry, real] = kube.mutations();
    expect(dry!.query).toEqual({ dryRun: 'All', fieldManager: 'oncall-scout' });
    expect(real!.query).toEqual({ fieldManager: 'oncall-scout' });
    for (const r of [dry!, real!]) {
      expect(r.headers['content-type']).toBe('application/strategic-merge-patch+json');
      // Exactly what `kubectl rollout restart` sends: one pod-template annotation, nothing else.
      expect(Object.keys(r.body as object)).toEqual(['spec']);
      expect(restartedAt(r.body)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    }
    const after = kube.object('StatefulSet', ns, 'ledger-db')!;
    expect(after.metadata.generation).toBe(5);
    expect(restartedAt(after)).toBe(restartedAt(real!.body));
    // The controller replaced every pod; the crash-looping one came back Ready.
    const pod2 = kube.object('Pod', ns, 'ledger-db-2')!;
    expect((pod2.status as { containerStatuses: { ready: boolean }[] }).containerStatuses[0]!.ready).toBe(
      true,
    );
    const audit = await auditTrail(engine, id);
    expect(audit.map((e) => [e.event, e.actor, e.ok])).toEqual([
      ['proposed', 'llm', null],
      ['decided', 'policy', true],
      ['dry-run', 'engine', true],
      ['executed', 'engine', true],
      ['outcome', 'engine', true],
    ]);
  });

  it('a daemonset: dry run, then the restartedAt patch, followed until every node runs a new pod', async () => {
    const ns = 'logging';
    const labels = { app: 'fluent-bit' };
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'fluent-bit', namespace: ns, generation: 2 },
      spec: {
        selector: { matchLabels: labels },
        template: template(labels, 'fluent-bit'),
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      },
      status: {
        observedGeneration: 2,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberReady: 2,
        numberAvailable: 2,
        numberUnavailable: 1,
      },
    };
    const pods = ['fluent-bit-7xk2p', 'fluent-bit-b9qzt', 'fluent-bit-c4mwn'];
    const { engine, kube } = await proposingStack({
      policy: 'actions:\n  rollout-restart: auto\n',
      action: restartOf(ds),
      objects: [ds, ...pods.map((name, i) => workloadPod(ds, name, 'fluent-bit', i > 0))],
    });

    const id = fireAbout(engine, {
      alertname: 'KubeDaemonSetRolloutStuck',
      namespace: ns,
      daemonset: 'fluent-bit',
    });
    const done = await actionIn(engine, id, ['done', 'failed', 'refused']);
    expect(done).toMatchObject({ state: 'done', mode: 'auto', decidedBy: 'policy' });
    expect(done.outcome).toMatch(
      /^rollout of daemonset logging\/fluent-bit complete: 3\/3 pods updated and available \(after \d+ s\)$/,
    );
    const path = `/apis/apps/v1/namespaces/${ns}/daemonsets/fluent-bit`;
    expect(writes(kube)).toEqual([`PATCH ${path} dryRun`, `PATCH ${path}`]);
    const real = kube.mutations()[1]!;
    expect(real.headers['content-type']).toBe('application/strategic-merge-patch+json');
    expect(real.query).toEqual({ fieldManager: 'oncall-scout' });
    expect(restartedAt(real.body)).toBeDefined();
    expect(restartedAt(kube.object('DaemonSet', ns, 'fluent-bit')!)).toBe(restartedAt(real.body));
    // Every old pod is gone; three new ones run.
    for (const name of pods) expect(kube.object('Pod', ns, name)).toBeUndefined();
    const audit = await auditTrail(engine, id);
    expect(audit.map((e) => e.event)).toEqual(['proposed', 'decided', 'dry-run', 'executed', 'outcome']);
    expect(audit[2]!.message).toBe(
      `server-side dry run accepted: daemonset ${ns}/fluent-bit restarted (pod template annotation kubectl.kubernetes.io/restartedAt) (dry run)`,
    );
  });

  it('a bounded scale-up: dry run, then the scale subresource from the count it read, followed to Ready', async () => {
    const ns = 'search-api';
    const labels = { app: 'query-api' };
    const hash = '7f9c8d6b5';
    const dep: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'query-api',
        namespace: ns,
        generation: 2,
        annotations: { 'deployment.kubernetes.io/revision': '1' },
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: template(labels, 'query'),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      },
      status: {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      },
    };
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `query-api-${hash}`,
        namespace: ns,
        labels: { ...labels, 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': '1' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'query-api',
            uid: fakeUid('Deployment', ns, 'query-api'),
            controller: true,
          },
        ],
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { ...labels, 'pod-template-hash': hash } },
        template: template({ ...labels, 'pod-template-hash': hash }, 'query'),
      },
      status: { replicas: 3, readyReplicas: 3, availableReplicas: 3, fullyLabeledReplicas: 3 },
    };
    const { engine, kube } = await proposingStack({
      policy: 'actions:\n  scale-up: auto\nminConfidence: 50\nscaleUp:\n  maxStep: 2\n  maxReplicas: 6\n',
      category: 'Unknown',
      action: { type: 'scale-up', namespace: ns, deployment: 'query-api', by: 2 },
      objects: [
        dep,
        rs,
        ...['b2k4m', 'h7q9z', 'x3v5t'].map((x) => workloadPod(rs, `query-api-${hash}-${x}`, 'query', true)),
      ],
    });

    const id = fireAbout(engine, {
      alertname: 'KubeDeploymentReplicasMismatch',
      namespace: ns,
      deployment: 'query-api',
    });
    const done = await actionIn(engine, id, ['done', 'failed', 'refused']);
    expect(done).toMatchObject({
      state: 'done',
      mode: 'auto',
      action: { type: 'scale-up', deployment: 'query-api', by: 2 },
      dryRun: `accepted (deployment ${ns}/query-api scaled from 3 to 5 replicas)`,
    });
    expect(done.outcome).toMatch(/^deployment search-api\/query-api has 5 ready replicas \(after \d+ s\)$/);
    const path = `/apis/apps/v1/namespaces/${ns}/deployments/query-api/scale`;
    expect(writes(kube)).toEqual([`PATCH ${path} dryRun`, `PATCH ${path}`]);
    for (const r of kube.mutations()) {
      expect(r.headers['content-type']).toBe('application/json-patch+json');
      // From the count it read, so a concurrent change (an autoscaler, a person) fails the test op.
      expect(r.body).toEqual([
        { op: 'test', path: '/spec/replicas', value: 3 },
        { op: 'replace', path: '/spec/replicas', value: 5 },
      ]);
    }
    expect((kube.object('Deployment', ns, 'query-api')!.spec as { replicas: number }).replicas).toBe(5);
    const audit = await auditTrail(engine, id);
    expect(audit.map((e) => [e.event, e.ok])).toEqual([
      ['proposed', null],
      ['decided', true],
      ['dry-run', true],
      ['executed', true],
      ['outcome', true],
    ]);
    expect(audit[3]!.message).toBe(`deployment ${ns}/query-api scaled from 3 to 5 replicas`);
  });

  it('a scale-up past the policy’s maxReplicas is refused before any write', async () => {
    const ns = 'search-api';
    const labels = { app: 'query-api' };
    const dep: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'query-api', namespace: ns, generation: 2 },
      spec: { replicas: 3, selector: { matchLabels: labels }, template: template(labels, 'query') },
      status: {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      },
    };
    const { engine, kube } = await proposingStack({
      policy: 'actions:\n  scale-up: auto\nminConfidence: 50\nscaleUp:\n  maxStep: 2\n  maxReplicas: 4\n',
      category: 'Unknown',
      action: { type: 'scale-up', namespace: ns, deployment: 'query-api', by: 2 },
      objects: [dep],
    });
    const id = fireAbout(engine, {
      alertname: 'KubeDeploymentReplicasMismatch',
      namespace: ns,
      deployment: 'query-api',
    });
    const refused = await actionIn(engine, id, ['done', 'failed', 'refused']);
    expect(refused).toMatchObject({
      state: 'refused',
      stateReason: `deployment ${ns}/query-api would go from 3 to 5 replicas, above the policy's scaleUp.maxReplicas of 4`,
    });
    expect(kube.mutations()).toEqual([]);
  });
});
