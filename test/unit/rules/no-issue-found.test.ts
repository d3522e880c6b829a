import { beforeAll, describe, expect, it } from 'vitest';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import { noIssueFound } from '../../../electron/engine/diagnose/rules/no-issue-found.ts';
import type { Context } from '../../../shared/context.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { collectScenarios } from '../../helpers/collected.ts';
import { podContext } from '../../helpers/context.ts';

const scenarios = loadScenarios();
let collected: Map<string, Context>;
beforeAll(async () => {
  collected = await collectScenarios(scenarios);
}, 120_000);

describe('no-issue-found on its scenarios', () => {
  it('CPU throttling on a pod that serves fine: Running, Ready, no restarts, errors=0', () => {
    const ctx = collected.get('noissue-cpu-throttling')!;
    const [f] = noIssueFound.run(ctx);
    expect(f).toMatchObject({
      category: 'NoIssueFound',
      confidence: 70,
      params: { kind: 'pod', name: 'query-api-5c8f7d6b9-b8kdl', count: 1, restarts: 0 },
    });
    const texts = f!.evidence.map((e) => e.text).join('\n');
    expect(texts).toContain('phase Running');
    expect(texts).toContain('errors=0 p50_ms=21 p99_ms=84');
    expect(f!.summary).toMatch(/false positive or a transient blip/);
  });

  it('a slow image pull that has since finished: says why it was not ready', () => {
    const [f] = noIssueFound.run(collected.get('noissue-slow-image-pull')!);
    expect(f).toMatchObject({ confidence: 75, params: { pull: '15m42.318s' } });
    expect(f!.evidence.map((e) => e.text).join('\n')).toContain(
      'Successfully pulled image "europe-docker.pkg.dev/acme-prod/ml/recsys-inference:2024.11.3" in 15m42.318s',
    );
  });

  it('confidence stays below what a fact gets', () => {
    for (const s of scenarios.filter((x) => x.expect.category === 'NoIssueFound')) {
      const f = runRules(collected.get(s.name)!)[0]!;
      expect(f.confidence).toBeGreaterThanOrEqual(60);
      expect(f.confidence).toBeLessThanOrEqual(75);
    }
  });

  it('restarts long ago do not count against a healthy pod; a recent one does', () => {
    const ctx = structuredClone(collected.get('noissue-cpu-throttling')!);
    const c = ctx.pods[0]!.containers[0]!;
    const now = Date.parse(ctx.collectedAt);
    c.restartCount = 2;
    c.lastState = {
      kind: 'terminated',
      reason: 'Error',
      exitCode: 1,
      finishedAt: new Date(now - 5 * 3600e3).toISOString(),
    };
    expect(noIssueFound.run(ctx)[0]!.params).toMatchObject({ restarts: 2 });
    c.lastState.finishedAt = new Date(now - 60e3).toISOString();
    expect(noIssueFound.run(ctx)).toEqual([]);
  });

  it("the alert's pod was replaced and its replacement is healthy: a blip, and it says the pod is gone", () => {
    const ctx = structuredClone(collected.get('noissue-cpu-throttling')!);
    ctx.target.name = 'query-api-5c8f7d6b9-zzzzz';
    ctx.gaps.push({
      what: 'pod search/query-api-5c8f7d6b9-zzzzz',
      reason: `pod query-api-5c8f7d6b9-zzzzz not found in namespace search; it may have been replaced — newest pods of deployment query-api: ${ctx.pods[0]!.name}`,
    });
    const [f] = noIssueFound.run(ctx);
    expect(f!.params).toMatchObject({ gone: 'query-api-5c8f7d6b9-zzzzz', name: ctx.pods[0]!.name });
    expect(f!.summary).toMatch(
      /^Pod query-api-5c8f7d6b9-zzzzz no longer exists \(it was replaced\)\. Pod query-api-/,
    );
  });

  it('a job that completed, and a node that is Ready with nothing failing on it', () => {
    const job = structuredClone(collected.get('job-backoff-limit-exceeded')!);
    job.workload!.conditions = [{ type: 'Complete', status: 'True', reason: 'CompletionsReached' }];
    job.events = job.events.filter((e) => e.type !== 'Warning');
    expect(noIssueFound.run(job)[0]).toMatchObject({ confidence: 75, params: { kind: 'job' } });
    const node = structuredClone(collected.get('node-not-ready-kubelet-stopped')!);
    node.pods = [];
    node.events = [];
    node.nodes[0]!.failingPods = [];
    node.nodes[0]!.taints = [];
    node.nodes[0]!.conditions = node.nodes[0]!.conditions.map((c) => ({
      ...c,
      status: c.type === 'Ready' ? 'True' : 'False',
    }));
    expect(noIssueFound.run(node)[0]).toMatchObject({
      confidence: 70,
      params: { kind: 'node', name: 'dc1-worker-03' },
    });
  });
});

describe('no-issue-found stays quiet when anything is wrong', () => {
  it.each(scenarios.filter((s) => s.expect.category !== 'NoIssueFound').map((s) => [s.name] as const))(
    '%s',
    (name) => {
      expect(noIssueFound.run(collected.get(name)!)).toEqual([]);
      if (loadScenario(name).alert.labels.pod)
        expect(noIssueFound.run(podContext(loadScenario(name)))).toEqual([]);
    },
  );

  it('a warning event, missing replicas, an empty service or a gap are enough to hold back', () => {
    const base = collected.get('noissue-cpu-throttling')!;
    const warned = structuredClone(base);
    warned.events.push({
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      count: 4,
      object: `Pod/${warned.pods[0]!.name}`,
      source: 'kubelet',
      lastSeen: warned.collectedAt,
    });
    expect(noIssueFound.run(warned)).toEqual([]);
    const short = structuredClone(base);
    short.workload!.replicas = { desired: 3, ready: 2, available: 2, updated: 3 };
    expect(noIssueFound.run(short)).toEqual([]);
    const empty = structuredClone(base);
    empty.service = { name: 'query-api', namespace: 'search', readyEndpoints: 0, notReadyEndpoints: 0 };
    expect(noIssueFound.run(empty)).toEqual([]);
    const blind = structuredClone(base);
    blind.gaps.push({ what: 'events of pod', reason: 'forbidden' });
    expect(noIssueFound.run(blind)).toEqual([]);
  });

  it('runRules keeps it out of a report that has any other finding', () => {
    const ctx = structuredClone(collected.get('noissue-cpu-throttling')!);
    ctx.logs[0]!.text +=
      'level=ERROR msg="search backend" err="dial tcp 10.1.1.1:9200: i/o timeout"  [×40]\n';
    expect(noIssueFound.run(ctx)).toHaveLength(1);
    const findings = runRules(ctx);
    expect(findings.map((f) => f.category)).toEqual(['DependencyFailure']);
  });

  it('is pure', () => {
    const ctx = collected.get('noissue-slow-image-pull')!;
    const before = JSON.stringify(ctx);
    expect(noIssueFound.run(ctx)).toEqual(noIssueFound.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});
