import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GO_ZERO_TIME, WebhookPayload } from '../../shared/alert.ts';
import {
  labelsFingerprint,
  loadScenario,
  loadScenarioFrom,
  loadScenarios,
  SCENARIO_CATEGORIES,
  SCENARIO_CLUSTERS,
  type Scenario,
  type ScenarioObject,
  scenarioPayload,
} from '../fixtures/scenarios/index.ts';

const scenarios = loadScenarios();
const TAIL_LINES = 200;

/** Every string (and number) leaf of the objects: where an evidence string must be found verbatim. */
function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) leaves(v, out);
  return out;
}

const ofKind = (s: Scenario, kind: string) => s.objects.filter((o) => o.kind === kind);
const keyOf = (o: { kind: string; metadata: { name: string; namespace?: string } }) =>
  `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
interface Container {
  name: string;
}
interface ContainerStatus {
  name: string;
  restartCount: number;
  ready: boolean;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}
type Pod = ScenarioObject & {
  spec: { containers: Container[]; initContainers?: Container[]; nodeName?: string };
  status: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
};
type KubeEvent = ScenarioObject & {
  involvedObject: { kind: string; name: string; namespace?: string; uid: string };
  reason: string;
  eventTime: string | null;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  reportingComponent?: string;
};
const podsOf = (s: Scenario) => ofKind(s, 'Pod') as Pod[];
const namesOf = (p: Pod) => [...p.spec.containers, ...(p.spec.initContainers ?? [])].map((c) => c.name);
const statusesOf = (p: Pod) => [
  ...(p.status.containerStatuses ?? []),
  ...(p.status.initContainerStatuses ?? []),
];
const lines = (text: string) => text.replace(/\n$/, '').split('\n');

describe('scenario fixtures', () => {
  it('load, sorted by name, cached and frozen', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(24);
    expect(scenarios.map((s) => s.name)).toEqual([...scenarios.map((s) => s.name)].sort());
    expect(loadScenarios()).toBe(scenarios);
    expect(loadScenario(scenarios[0]!.name)).toBe(scenarios[0]);
    expect(Object.isFrozen(scenarios[0]!.objects[0])).toBe(true);
    expect(() => loadScenario('no-such-scenario')).toThrow(/unknown scenario "no-such-scenario"/);
  });

  it('cover every category at least twice', () => {
    for (const category of SCENARIO_CATEGORIES) {
      const names = scenarios.filter((s) => s.expect.category === category).map((s) => s.name);
      expect(names.length, `${category}: ${names.join(', ')}`).toBeGreaterThanOrEqual(2);
    }
  });

  describe.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    const objectText = leaves(s.objects);
    const logTexts = Object.values(s.logs);

    it('has 2–5 evidence strings, each verbatim in the objects or logs and none of them a secret', () => {
      expect(s.expect.evidence.length).toBeGreaterThanOrEqual(2);
      expect(s.expect.evidence.length).toBeLessThanOrEqual(5);
      for (const e of s.expect.evidence) {
        const found = objectText.some((t) => t.includes(e)) || logTexts.some((t) => t.includes(e));
        expect(found, `evidence not found: ${e}`).toBe(true);
        expect(e).not.toMatch(/S3cr3t|AKIA[0-9A-Z]{16}|Bearer\s|eyJhbGci|password=/i);
      }
    });

    it('has a consistent "now": no timestamp in the objects lies in the future', () => {
      const now = Date.parse(s.now);
      for (const t of objectText) {
        if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(t))
          expect(Date.parse(t), t).toBeLessThanOrEqual(now);
      }
    });

    it('has objects with apiVersion, kind and metadata.name, unique per (kind, namespace, name)', () => {
      const seen = new Set<string>();
      for (const o of s.objects) {
        expect(o.apiVersion).toBeTruthy();
        expect(o.kind).toBeTruthy();
        expect(o.metadata.name).toBeTruthy();
        expect(seen.has(keyOf(o)), `duplicate ${keyOf(o)}`).toBe(false);
        seen.add(keyOf(o));
      }
      const uids = s.objects.map((o) => o.metadata.uid).filter(Boolean);
      expect(new Set(uids).size).toBe(uids.length);
    });

    it('has ownerReferences that point at objects of the scenario, uid included', () => {
      for (const o of s.objects) {
        for (const ref of (o.metadata.ownerReferences ?? []) as Array<Record<string, string>>) {
          const owner = s.objects.find(
            (x) =>
              x.kind === ref.kind &&
              x.metadata.name === ref.name &&
              x.metadata.namespace === o.metadata.namespace,
          );
          expect(owner, `${keyOf(o)} → ${ref.kind}/${ref.name}`).toBeDefined();
          expect(owner?.metadata.uid).toBe(ref.uid);
          expect(owner?.apiVersion).toBe(ref.apiVersion);
        }
      }
    });

    it('has events whose involvedObject exists with the same uid', () => {
      for (const e of ofKind(s, 'Event') as KubeEvent[]) {
        const io = e.involvedObject;
        const target = s.objects.find(
          (x) =>
            x.kind === io.kind &&
            x.metadata.name === io.name &&
            (x.metadata.namespace ?? '') === (io.namespace ?? ''),
        );
        expect(target, `${e.metadata.name} (${e.reason}) → ${io.kind}/${io.name}`).toBeDefined();
        // The kubelet records node events with the node name as uid; controllers use the real uid.
        if (io.kind === 'Node') expect([io.name, target?.metadata.uid]).toContain(io.uid);
        else expect(io.uid).toBe(target?.metadata.uid);
        expect(e.metadata.namespace).toBe(io.namespace ?? 'default');
        const oldStyle = e.eventTime === null;
        if (oldStyle) {
          expect(typeof e.firstTimestamp).toBe('string');
          expect(typeof e.count).toBe('number');
        } else {
          expect(e.lastTimestamp).toBeNull();
          expect(e.reportingComponent).toBeTruthy();
        }
      }
    });

    it('has pods with exact container statuses', () => {
      for (const p of podsOf(s)) {
        const specNames = namesOf(p);
        for (const cs of statusesOf(p)) {
          expect(specNames).toContain(cs.name);
          expect(typeof cs.restartCount).toBe('number');
          expect(typeof cs.ready).toBe('boolean');
          const w = cs.state?.waiting;
          if (w?.reason === 'CrashLoopBackOff') {
            expect(w.message).toMatch(
              new RegExp(
                `^back-off (\\d+m)?\\d+s restarting failed container=${cs.name} pod=${p.metadata.name}_${p.metadata.namespace}\\(${p.metadata.uid}\\)$`,
              ),
            );
            expect(cs.lastState?.terminated).toBeDefined();
          }
          const t = cs.lastState?.terminated;
          if (t?.reason === 'OOMKilled') expect(t.exitCode).toBe(137);
        }
        if (p.spec.nodeName) expect(ofKind(s, 'Node').map((n) => n.metadata.name)).toContain(p.spec.nodeName);
      }
    });

    it('has logs only for existing pods and containers, previous logs only after a termination', () => {
      for (const key of Object.keys(s.logs)) {
        const [ns, podName, container, previous] = key.split('/');
        const p = podsOf(s).find((x) => x.metadata.namespace === ns && x.metadata.name === podName);
        expect(p, key).toBeDefined();
        expect(namesOf(p!), key).toContain(container);
        if (previous) {
          const cs = statusesOf(p!).find((c) => c.name === container);
          expect(cs?.lastState?.terminated, key).toBeDefined();
        }
        expect(s.logs[key]!.endsWith('\n'), key).toBe(true);
      }
    });

    it('has an alert whose target labels name objects of the scenario', () => {
      const l = s.alert.labels;
      const exists = (kind: string, name: string, namespace?: string) =>
        s.objects.some(
          (o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace,
        );
      if (l.pod) expect(exists('Pod', l.pod, l.namespace), `pod ${l.pod}`).toBe(true);
      if (l.deployment) expect(exists('Deployment', l.deployment, l.namespace)).toBe(true);
      if (l.statefulset) expect(exists('StatefulSet', l.statefulset, l.namespace)).toBe(true);
      if (l.job_name) expect(exists('Job', l.job_name, l.namespace)).toBe(true);
      if (l.service) expect(exists('Service', l.service, l.namespace)).toBe(true);
      if (l.node) expect(exists('Node', l.node)).toBe(true);
      if (l.container && l.pod) {
        const p = podsOf(s).find((x) => x.metadata.name === l.pod);
        expect(p!.spec.containers.map((c) => c.name)).toContain(l.container);
      }
    });

    it('has logs whose ISO timestamps never go backwards nor past "now"', () => {
      const now = Date.parse(s.now);
      for (const [key, text] of Object.entries(s.logs)) {
        let last = 0;
        for (const line of lines(text)) {
          const m = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/.exec(line);
          if (!m) continue;
          const t = Date.parse(m[0]);
          expect(t >= last && t <= now, `${key}: ${line.slice(0, 120)}`).toBe(true);
          last = t;
        }
      }
    });

    it("serves a waiting container's last log as both its current and previous log", () => {
      for (const p of podsOf(s)) {
        for (const cs of statusesOf(p)) {
          const key = `${p.metadata.namespace}/${p.metadata.name}/${cs.name}`;
          if (cs.state?.waiting && s.logs[`${key}/previous`] !== undefined) {
            expect(s.logs[key], key).toBe(s.logs[`${key}/previous`]);
          }
        }
      }
    });

    it('keeps buried evidence out of the last 200 lines of every log that holds it', () => {
      for (const e of s.expect.buried ?? []) {
        expect(s.expect.evidence).toContain(e);
        const holders = Object.entries(s.logs).filter(([, text]) => text.includes(e));
        expect(holders.length, `buried evidence in no log: ${e}`).toBeGreaterThan(0);
        for (const [key, text] of holders) {
          const all = lines(text);
          expect(all.length, key).toBeGreaterThanOrEqual(1000);
          expect(all.slice(-TAIL_LINES).join('\n').includes(e), `${key}: ${e} is in the tail`).toBe(false);
        }
      }
    });

    it('yields a valid Alertmanager v4 payload with a stable fingerprint', () => {
      const firing = scenarioPayload(s);
      const again = scenarioPayload(s);
      expect(firing).toEqual(again);
      expect(firing.version).toBe('4');
      const parsed = WebhookPayload.parse(firing);
      const alert = parsed.alerts[0]!;
      expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(alert.fingerprint).toBe(labelsFingerprint(s.alert.labels));
      expect(alert.endsAt).toBe(GO_ZERO_TIME);
      expect(alert.labels).toEqual(s.alert.labels);
      expect(Date.parse(alert.startsAt)).toBeLessThan(Date.parse(s.now));
      expect(parsed.commonLabels).toEqual(s.alert.labels);
      expect(parsed.groupKey).toBe(`{}:{alertname="${s.alert.labels.alertname}"}`);
    });
  });

  it('bury decisive log lines in at least 4 scenarios and repeat an error hundreds of times in some', () => {
    expect(scenarios.filter((s) => (s.expect.buried ?? []).length > 0).length).toBeGreaterThanOrEqual(4);
    const repeated = scenarios.filter((s) =>
      s.expect.evidence.some((e) => Object.values(s.logs).some((t) => t.split(e).length - 1 >= 100)),
    );
    expect(repeated.length).toBeGreaterThanOrEqual(2);
  });

  it('can be served together by one stand-in: no object is defined by two scenarios', () => {
    const owner = new Map<string, string>();
    for (const s of scenarios) {
      for (const o of s.objects) {
        const key = keyOf(o);
        expect(owner.get(key), `${key} in ${s.name}`).toBeUndefined();
        owner.set(key, s.name);
      }
    }
  });

  it('name only clusters the stand-in kubeconfig has a context for', () => {
    for (const s of scenarios) {
      const cluster = s.alert.labels.cluster;
      if (cluster) expect(SCENARIO_CLUSTERS, s.name).toContain(cluster);
    }
  });

  it('carry fake secrets somewhere, for redaction tests', () => {
    const all = scenarios.map((s) => JSON.stringify(s.objects) + Object.values(s.logs).join('')).join('\n');
    expect(/postgres:\/\/[^:\s]+:S3cr3tP4ss@/.test(all), 'a postgres URL with a password').toBe(true);
    expect(/Bearer eyJhbGciOi[\w-]+\.[\w-]+\.[\w-]+/.test(all), 'a bearer JWT').toBe(true);
    expect(/AKIA[0-9A-Z]{16}/.test(all), 'an AWS access key id').toBe(true);
  });
});

describe('scenarioPayload', () => {
  const s = scenarios[0]!;

  it('matches the fingerprint Alertmanager computed for the PROTOCOLS §1.1 example', () => {
    const labels = {
      alertname: 'KubePodCrashLooping',
      namespace: 'default',
      pod: 'api-7d9f-abcde',
      severity: 'critical',
    };
    expect(labelsFingerprint(labels)).toBe('468b7dfadc5ed763');
    expect(
      labelsFingerprint({
        severity: 'critical',
        pod: 'api-7d9f-abcde',
        namespace: 'default',
        alertname: 'KubePodCrashLooping',
      }),
    ).toBe('468b7dfadc5ed763');
  });

  it('defaults startsAt to a few minutes before now, in Go RFC3339Nano', () => {
    const scenario = scenarios.find((x) => !x.alert.startsAt)!;
    const alert = (scenarioPayload(scenario).alerts as Array<Record<string, string>>)[0]!;
    const lag = Date.parse(scenario.now) - Date.parse(alert.startsAt!);
    expect(lag).toBeGreaterThan(60_000);
    expect(lag).toBeLessThan(15 * 60_000);
    expect(alert.startsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  });

  it('resolves with a real endsAt and honours the options', () => {
    const p = scenarioPayload(s, {
      status: 'resolved',
      startsAt: '2026-11-26T03:00:00Z',
      endsAt: '2026-11-26T03:20:00Z',
      receiver: 'k8s.diag',
    });
    expect(p.status).toBe('resolved');
    expect(p.receiver).toBe('k8s\\.diag');
    const alert = (p.alerts as Array<Record<string, string>>)[0]!;
    expect(alert.status).toBe('resolved');
    expect(alert.startsAt).toBe('2026-11-26T03:00:00Z');
    expect(alert.endsAt).toBe('2026-11-26T03:20:00Z');
    const defaulted = (
      scenarioPayload(s, { status: 'resolved' }).alerts as Array<Record<string, string>>
    )[0]!;
    expect(defaulted.endsAt).not.toBe(GO_ZERO_TIME);
    expect(Date.parse(defaulted.endsAt!)).toBeGreaterThanOrEqual(Date.parse(defaulted.startsAt!));
  });
});

describe('scenario format', () => {
  const root = mkdtempSync(join(tmpdir(), 'scenario-format-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const write = (name: string, yaml: string, files: Record<string, string> = {}) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'scenario.yaml'), yaml);
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    return dir;
  };
  const base = `description: A tiny scenario for the format test.
alert: { labels: { alertname: Test, namespace: ns, pod: p } }
expect: { category: CrashLoop, evidence: [x, y] }
now: "2026-11-26T03:30:00Z"
objects:
  - { apiVersion: v1, kind: Pod, metadata: { name: p, namespace: ns } }
`;

  it('resolves repeat, file and text log parts deterministically', () => {
    const dir = write(
      'ok',
      `${base}logs:
  ns/p/app: "inline\\n"
  ns/p/app/previous:
    - { text: "first\\n" }
    - { repeat: { count: 3, line: "{ts} line {i}" } }
    - { file: tail.log }
    - { repeat: { count: 2, lines: [a, b], from: "2026-11-26T03:00:00Z", stepMs: 500 } }
`,
      { 'tail.log': 'from file\n' },
    );
    const s = loadScenarioFrom(dir);
    expect(s.logs['ns/p/app']).toBe('inline\n');
    expect(s.logs['ns/p/app/previous']).toBe(
      'first\n2026-11-26T03:29:57Z line 0\n2026-11-26T03:29:58Z line 1\n2026-11-26T03:29:59Z line 2\nfrom file\na\nb\n',
    );
    expect(loadScenarioFrom(dir)).toEqual(s);
  });

  it('names the scenario and the field when the YAML is wrong', () => {
    const badCategory = write('bad-category', base.replace('CrashLoop', 'Crashloop'));
    expect(() => loadScenarioFrom(badCategory)).toThrow(/scenario "bad-category".*\n.*expect\.category/);
    const noKind = write('no-kind', base.replace('kind: Pod, ', ''));
    expect(() => loadScenarioFrom(noKind)).toThrow(/objects\.0\.kind/);
    const badLog = write('bad-log', `${base}logs:\n  ns/p/app: [ { repeat: { count: 2 } } ]\n`);
    expect(() => loadScenarioFrom(badLog)).toThrow(
      /scenario "bad-log"[\s\S]*logs\.ns\/p\/app\.0\.repeat: needs exactly one of "line" or "lines"/,
    );
    const oddPart = write('odd-part', `${base}logs:\n  ns/p/app: [ { lines: [a] } ]\n`);
    expect(() => loadScenarioFrom(oddPart)).toThrow(
      /logs\.ns\/p\/app\.0: must be \{ text: string \}, \{ file: name \} or \{ repeat/,
    );
    const missingFile = write('missing-file', `${base}logs:\n  ns/p/app: [ { file: nope.log } ]\n`);
    expect(() => loadScenarioFrom(missingFile)).toThrow(
      /scenario "missing-file": logs\.ns\/p\/app\[0\]: cannot read nope\.log/,
    );
    const notYaml = write('not-yaml', 'objects: [\n');
    expect(() => loadScenarioFrom(notYaml)).toThrow(/scenario "not-yaml".*not valid YAML/);
  });
});
