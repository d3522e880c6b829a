import { describe, expect, it } from 'vitest';
import { configError } from '../../../electron/engine/diagnose/rules/config-error.ts';
import { crashLoop } from '../../../electron/engine/diagnose/rules/crash-loop.ts';
import { imagePull } from '../../../electron/engine/diagnose/rules/image-pull.ts';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import { oomKilled } from '../../../electron/engine/diagnose/rules/oom-killed.ts';
import type { Rule } from '../../../electron/engine/diagnose/rules/types.ts';
import { schedulingCause, unschedulable } from '../../../electron/engine/diagnose/rules/unschedulable.ts';
import { loadScenarios } from '../../fixtures/scenarios/index.ts';
import { podContext } from '../../helpers/context.ts';

const pods = loadScenarios().filter((s) => s.alert.labels.pod);
const RULES: Array<[Rule, string]> = [
  [oomKilled, 'OOMKilled'],
  [crashLoop, 'CrashLoop'],
  [imagePull, 'ImagePull'],
  [configError, 'ConfigError'],
  [unschedulable, 'Unschedulable'],
];

describe.each(RULES)('rule %s', (rule, category) => {
  const mine = pods.filter((s) => s.expect.category === category);

  it.each(mine.map((s) => [s.name, s] as const))(
    'finds %s with evidence that points into the context',
    (_n, s) => {
      const ctx = podContext(s);
      const [f] = rule.run(ctx);
      expect(f, 'no finding').toBeDefined();
      expect(f!.category).toBe(category);
      expect(f!.confidence).toBeGreaterThanOrEqual(75);
      for (const e of f!.evidence) {
        expect(e.ref).toMatch(
          /^(pod\/[^/]+\/(container\/[^/]+\/(state|lastState|limits)|condition\/\w+)|event\/\d+|log\/[^/]+\/[^/]+\/(current|previous)#L\d+)$/,
        );
        if (e.ref.startsWith('event/')) expect(ctx.events[Number(e.ref.slice(6))]).toBeDefined();
        if (e.ref.startsWith('log/')) {
          const [, pod, container, which, line] = /^log\/([^/]+)\/([^/]+)\/(\w+)#L(\d+)$/.exec(e.ref)!;
          const log = ctx.logs.find(
            (l) => l.pod === pod && l.container === container && l.previous === (which === 'previous'),
          )!;
          expect(log.text.split('\n')[Number(line) - 1]!.trim()).toContain(e.text.slice(0, 80));
        }
      }
    },
  );

  it('stays quiet on a healthy pod', () => {
    const healthy = pods.find((s) => s.expect.category === 'NoIssueFound');
    if (!healthy) return;
    expect(rule.run(podContext(healthy))).toEqual([]);
  });

  it('is a pure function: same context, same findings, context untouched', () => {
    const s = mine[0]!;
    const ctx = podContext(s);
    const snapshot = JSON.stringify(ctx);
    expect(rule.run(ctx)).toEqual(rule.run(ctx));
    expect(JSON.stringify(ctx)).toBe(snapshot);
  });
});

describe('all rules together', () => {
  const covered = new Set(RULES.map(([, c]) => c));
  it.each(pods.filter((s) => covered.has(s.expect.category)).map((s) => [s.name, s] as const))(
    '%s: the top finding is the expected category',
    (_n, s) => {
      expect(runRules(podContext(s))[0]?.category).toBe(s.expect.category);
    },
  );

  it('names the scheduler reason that matters', () => {
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
