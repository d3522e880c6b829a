import { beforeAll, describe, expect, it } from 'vitest';
import { checkStep, knownNames } from '../../../electron/engine/diagnose/commands.ts';
import { en, messages, zh } from '../../../electron/engine/diagnose/messages/index.ts';
import { playbook } from '../../../electron/engine/diagnose/playbooks.ts';
import { configError } from '../../../electron/engine/diagnose/rules/config-error.ts';
import { crashLoop } from '../../../electron/engine/diagnose/rules/crash-loop.ts';
import { dependencyFailure } from '../../../electron/engine/diagnose/rules/dependency-failure.ts';
import { evicted } from '../../../electron/engine/diagnose/rules/evicted.ts';
import { imagePull } from '../../../electron/engine/diagnose/rules/image-pull.ts';
import { RULES as ALL_RULES, runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import { jobFailed } from '../../../electron/engine/diagnose/rules/job-failed.ts';
import { noIssueFound } from '../../../electron/engine/diagnose/rules/no-issue-found.ts';
import { nodeNotReady } from '../../../electron/engine/diagnose/rules/node-not-ready.ts';
import { oomKilled } from '../../../electron/engine/diagnose/rules/oom-killed.ts';
import { probeFailure } from '../../../electron/engine/diagnose/rules/probe-failure.ts';
import type { Rule } from '../../../electron/engine/diagnose/rules/types.ts';
import { schedulingCause, unschedulable } from '../../../electron/engine/diagnose/rules/unschedulable.ts';
import { volumeMount } from '../../../electron/engine/diagnose/rules/volume-mount.ts';
import { rulesReport } from '../../../electron/engine/diagnose/rules-report.ts';
import type { Context } from '../../../shared/context.ts';
import { CATEGORIES } from '../../../shared/report.ts';
import { loadScenarios, type Scenario } from '../../fixtures/scenarios/index.ts';
import { collectScenarios } from '../../helpers/collected.ts';
import { podContext } from '../../helpers/context.ts';

const scenarios = loadScenarios();
const pods = scenarios.filter((s) => s.alert.labels.pod);
const RULES: Array<[Rule, string]> = [
  [oomKilled, 'OOMKilled'],
  [crashLoop, 'CrashLoop'],
  [imagePull, 'ImagePull'],
  [configError, 'ConfigError'],
  [unschedulable, 'Unschedulable'],
  [probeFailure, 'ProbeFailure'],
  [evicted, 'Evicted'],
  [volumeMount, 'VolumeMount'],
  [nodeNotReady, 'NodeNotReady'],
  [jobFailed, 'JobFailed'],
  [dependencyFailure, 'DependencyFailure'],
  [noIssueFound, 'NoIssueFound'],
];

/** Every scenario as the real collector builds it against the stand-in API server (any target kind). */
let collected: Map<string, Context>;
beforeAll(async () => {
  collected = await collectScenarios(scenarios);
}, 120_000);
const ctxOf = (s: Scenario) => collected.get(s.name)!;

const REF =
  /^(pod\/[^/]+\/(status|container\/[^/]+\/(state|lastState|limits|probes)|condition\/\w+)|event\/\d+|log\/[^/]+\/[^/]+\/(current|previous)#L\d+|node\/[^/]+(\/condition\/\w+)?|workload\/\w+\/[^/]+(\/condition\/\w+)?|service\/[^/]+|pvc\/[^/]+)$/;

/** Every evidence ref has the documented shape and points at something that is in the context. */
function expectRefsResolve(ctx: Context, evidence: Array<{ ref: string; text: string }>) {
  for (const e of evidence) {
    expect(e.ref).toMatch(REF);
    if (e.ref.startsWith('event/')) expect(ctx.events[Number(e.ref.slice(6))]).toBeDefined();
    if (e.ref.startsWith('log/')) {
      const [, pod, container, which, line] = /^log\/([^/]+)\/([^/]+)\/(\w+)#L(\d+)$/.exec(e.ref)!;
      const log = ctx.logs.find(
        (l) => l.pod === pod && l.container === container && l.previous === (which === 'previous'),
      )!;
      expect(log.text.split('\n')[Number(line) - 1]!.trim()).toContain(e.text.slice(0, 80));
    }
    const pod = /^pod\/([^/]+)\//.exec(e.ref)?.[1];
    if (pod) expect(ctx.pods.map((p) => p.name)).toContain(pod);
    const node = /^node\/([^/]+)/.exec(e.ref)?.[1];
    if (node) expect(ctx.nodes.map((n) => n.name)).toContain(node);
    const workload = /^workload\/(\w+)\/([^/]+)/.exec(e.ref);
    if (workload) expect(`${ctx.workload?.kind}/${ctx.workload?.name}`).toBe(`${workload[1]}/${workload[2]}`);
  }
}

describe.each(RULES)('rule %s', (rule, category) => {
  const mine = scenarios.filter((s) => s.expect.category === category);

  it('has at least two scenarios', () => {
    expect(mine.length).toBeGreaterThanOrEqual(2);
  });

  it.each(mine.map((s) => [s.name, s] as const))(
    'finds %s with evidence that points into the context',
    (_n, s) => {
      const ctx = ctxOf(s);
      const [f] = rule.run(ctx);
      expect(f, 'no finding').toBeDefined();
      expect(f!.category).toBe(category);
      expect(f!.confidence).toBeGreaterThanOrEqual(category === 'NoIssueFound' ? 60 : 75);
      expect(f!.summary).not.toMatch(/undefined|NaN|\[object/);
      expectRefsResolve(ctx, f!.evidence);
    },
  );

  it.each(pods.filter((s) => s.expect.category === category).map((s) => [s.name, s] as const))(
    'finds %s in the context built straight from the fixture too',
    (_n, s) => {
      expect(rule.run(podContext(s))[0]?.category).toBe(category);
    },
  );

  it('stays quiet on a healthy pod', () => {
    if (category === 'NoIssueFound') return;
    for (const healthy of pods.filter((s) => s.expect.category === 'NoIssueFound')) {
      expect(rule.run(podContext(healthy))).toEqual([]);
      expect(rule.run(ctxOf(healthy))).toEqual([]);
    }
  });

  it('is a pure function: same context, same findings, context untouched', () => {
    for (const s of mine) {
      const ctx = ctxOf(s);
      const snapshot = JSON.stringify(ctx);
      expect(rule.run(ctx)).toEqual(rule.run(ctx));
      expect(JSON.stringify(ctx)).toBe(snapshot);
    }
  });
});

describe('all rules together', () => {
  it('every category but Unknown has a rule, and every rule is registered', () => {
    expect(new Set(RULES.map(([, c]) => c))).toEqual(new Set(CATEGORIES.filter((c) => c !== 'Unknown')));
    expect(new Set(ALL_RULES)).toEqual(new Set(RULES.map(([r]) => r)));
  });

  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s: the top finding is the expected category',
    (_n, s) => {
      const findings = runRules(ctxOf(s));
      expect(findings[0]?.category, findings.map((f) => `${f.rule}:${f.confidence}`).join(' ')).toBe(
        s.expect.category,
      );
    },
  );

  it('the top finding is right for every pod scenario built straight from the fixture, too', () => {
    const wrong = pods
      .map((s) => [s.name, s.expect.category, runRules(podContext(s))[0]?.category] as const)
      .filter(([, want, got]) => want !== got);
    expect(wrong).toEqual([]);
  });

  it('NoIssueFound never shares a report with a finding of a problem', () => {
    for (const s of scenarios) {
      const cats = runRules(ctxOf(s)).map((f) => f.category);
      if (cats.some((c) => c !== 'NoIssueFound')) expect(cats).not.toContain('NoIssueFound');
    }
  });

  it("cites every scenario's decisive evidence in the rules report (evidence recall 100 %)", () => {
    const missing: string[] = [];
    for (const s of scenarios) {
      const report = rulesReport(ctxOf(s), runRules(ctxOf(s)));
      const cited = [report.rootCause.explanation, ...report.rootCause.evidence].join('\n');
      for (const e of s.expect.evidence) if (!cited.includes(e)) missing.push(`${s.name}: ${e}`);
    }
    expect(missing).toEqual([]);
  });

  it('every step of every playbook passes the command check with names from the context', () => {
    const rejected: string[] = [];
    for (const s of scenarios) {
      const ctx = ctxOf(s);
      const known = knownNames(ctx);
      for (const category of CATEGORIES) {
        for (const step of playbook(category, ctx, en).steps) {
          const checked = checkStep(step, known);
          if (checked.warning) rejected.push(`${s.name} ${category}: ${checked.warning}`);
          else if (step.command) expect(checked.risk, step.command).toBe(step.risk);
        }
      }
    }
    expect(rejected).toEqual([]);
  });

  it('read-only steps come before fixes in every playbook', () => {
    for (const s of scenarios) {
      for (const category of CATEGORIES) {
        const risks = playbook(category, ctxOf(s), en).steps.map((st) => st.risk);
        const firstFix = risks.findIndex((r) => r !== 'read-only');
        if (firstFix >= 0) expect(risks.slice(firstFix)).not.toContain('read-only');
      }
    }
  });

  it('says what the report is about: the pods of a node alert, the work of a job alert', () => {
    const byName = (n: string) => ctxOf(scenarios.find((s) => s.name === n)!);
    const node = byName('node-not-ready-kubelet-stopped');
    expect(rulesReport(node, runRules(node)).impact).toMatch(
      /^Node dc1-worker-03: 2 pods on it are not running or not ready \(edge\/api-gateway-/,
    );
    const job = byName('job-backoff-limit-exceeded');
    expect(rulesReport(job, runRules(job)).impact).toMatch(
      /^Job checkout-db-migrate-3-18-2: 0 pods succeeded, 4 failed/,
    );
    const pod = byName('noissue-cpu-throttling');
    expect(rulesReport(pod, runRules(pod)).impact).toMatch(/is running and ready\./);
  });

  it('names the scheduler reason that matters', () => {
    // Control-plane nodes refuse every ordinary pod: the affinity is what excludes the workers.
    expect(
      schedulingCause(
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector.",
      ),
    ).toMatch(/node selector or affinity/);
    expect(
      schedulingCause(
        "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: analytics}, 2 node(s) didn't match Pod's node affinity/selector.",
      ),
    ).toMatch(/taints/);
    expect(schedulingCause('0/3 nodes are available: 3 Insufficient memory.')).toBe(
      'no node has enough free memory for its requests',
    );
    expect(
      schedulingCause(
        '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory.',
      ),
    ).toMatch(/enough free memory/);
    expect(
      schedulingCause('0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}.'),
    ).toMatch(/taints/);
    expect(
      schedulingCause('0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.'),
    ).toMatch(/PersistentVolumeClaim/);
    expect(
      schedulingCause("0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector."),
    ).toMatch(/node selector or affinity/);
  });
});

describe('reports in Chinese and English', () => {
  it('every finding sentence exists in both languages', () => {
    expect(Object.keys(zh.finding).sort()).toEqual(Object.keys(en.finding).sort());
    for (const [rule] of RULES) expect(en.finding[rule.name], rule.name).toBeDefined();
  });

  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s: every finding reads cleanly in both languages',
    (_n, s) => {
      const ctx = ctxOf(s);
      const findings = runRules(ctx);
      for (const lang of ['en', 'zh'] as const) {
        const r = rulesReport(ctx, findings, messages(lang), () => new Date('2026-11-26T00:00:00Z'));
        expect(r.rootCause.explanation).not.toMatch(/undefined|NaN|\[object|null/);
        for (const f of r.findings) expect(f.summary).not.toMatch(/undefined|NaN|\[object/);
        expect(r.steps.length).toBeGreaterThan(0);
      }
    },
  );

  it.each([
    ['probe-liveness-http-500', /存活|liveness/, /kubelet 因此杀死并重启该容器/],
    ['evicted-memory-pressure', /驱逐/, /节点内存不足/],
    ['node-not-ready-kubelet-stopped', /节点 dc1-worker-03/, /kubelet 已停止上报节点状态/],
    ['job-backoff-limit-exceeded', /Job checkout-db-migrate-3-18-2 失败/, /backoffLimit/],
    ['dependency-postgres-connection-refused', /无法使用其依赖/, /拒绝连接/],
    ['noissue-slow-image-pull', /目前看起来正常/, /误报或短暂波动/],
  ])('%s: the Chinese report says it in Chinese, with the names verbatim', (name, a, b) => {
    const ctx = ctxOf(scenarios.find((s) => s.name === name)!);
    const r = rulesReport(ctx, runRules(ctx), messages('zh'));
    expect(r.rootCause.explanation).toMatch(a);
    expect(r.rootCause.explanation).toMatch(b);
    expect(r.steps[0]!.title).toMatch(/[\u4e00-\u9fff]/);
    expect(r.prevention.join('')).toMatch(/[\u4e00-\u9fff]/);
    const en = rulesReport(ctx, runRules(ctx), messages('en'));
    expect(r.rootCause.category).toBe(en.rootCause.category);
    expect(r.steps.map((s) => s.command)).toEqual(en.steps.map((s) => s.command));
  });
});
