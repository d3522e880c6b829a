import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY_TEXT,
  evaluate,
  PolicyError,
  parsePolicy,
} from '../../../electron/engine/act/policy.ts';
import type { Action } from '../../../shared/action.ts';
import { DEFAULT_POLICY } from '../../../shared/policy.ts';

const restart: Action = { type: 'restart-pod', namespace: 'shop', pod: 'api-7d9' };
const facts = { severity: 'warning' as const, category: 'OOMKilled' as const, confidence: 95 };

function refusal(text: string): { line: number | null; reason: string } {
  try {
    parsePolicy(text);
  } catch (err) {
    if (err instanceof PolicyError) return { line: err.line, reason: err.reason };
    throw err;
  }
  throw new Error('accepted');
}

describe('policy file', () => {
  it('the default suggests everything: a fresh install never changes the cluster', () => {
    const p = parsePolicy(DEFAULT_POLICY_TEXT).policy;
    expect({ ...p, actions: {} }).toEqual(DEFAULT_POLICY);
    expect(Object.values(p.actions)).toEqual(['suggest', 'suggest', 'suggest', 'suggest']);
    for (const type of ['restart-pod', 'rollout-restart', 'rollback', 'scale-up'] as const) {
      const a = { ...restart, type } as unknown as Action;
      expect(evaluate(p, a, facts).mode).toBe('suggest');
    }
    expect(parsePolicy('').policy).toMatchObject({ actions: {}, minConfidence: 90 });
    expect(evaluate(parsePolicy('').policy, restart, facts).mode).toBe('suggest');
  });

  it('refuses an unknown key, a wrong type and an impossible combination with the line and the reason', () => {
    expect(refusal('actions:\n  restart-pod: auto\n  reboot-node: auto\n')).toEqual({
      line: 3,
      reason: 'unknown key "actions.reboot-node"',
    });
    expect(refusal('minConfidence: 80\nmaxActionPerHour: 2\n')).toEqual({
      line: 2,
      reason: 'unknown key "maxActionPerHour"',
    });
    expect(refusal('followSeconds: 60\nminConfidence: high\n')).toMatchObject({
      line: 2,
      reason: expect.stringMatching(/^minConfidence: Invalid input: expected number, received string/),
    });
    expect(refusal('actions:\n  rollback: sometimes\n')).toMatchObject({
      line: 2,
      reason: expect.stringMatching(/^actions.rollback: Invalid option: expected one of "off"\|"suggest"/),
    });
    expect(refusal('namespaces:\n  allow: [shop]\n  deny:\n    - payments\n    - shop\n')).toEqual({
      line: 5,
      reason: 'namespaces.deny[1]: namespace shop is both allowed and denied: keep it in one list',
    });
    expect(refusal('scaleUp:\n  maxStep: 5\n  maxReplicas: 3\n')).toMatchObject({ line: 2 });
    expect(refusal('severities: []\n')).toMatchObject({
      line: 1,
      reason: expect.stringMatching(/at least one severity/),
    });
    expect(refusal('categories: [OOMKilled, Gremlins]\n')).toMatchObject({ line: 1 });
    expect(refusal('actions: [\n')).toMatchObject({ reason: expect.stringMatching(/^not valid YAML/) });
    expect(refusal('- a\n- b\n')).toMatchObject({ line: 1, reason: expect.stringMatching(/mapping/) });
    expect(refusal('actions: {}\nactions: {}\n')).toMatchObject({
      line: 2,
      reason: expect.stringMatching(/unique/),
    });
  });

  it('runs an action only inside its scope; outside it, the action is a suggestion with the reason', () => {
    const p = parsePolicy(
      'actions: {restart-pod: auto, rollback: approve, scale-up: auto, rollout-restart: off}\n' +
        'namespaces: {deny: [payments]}\nseverities: [warning]\ncategories: [OOMKilled, CrashLoop]\nscaleUp: {maxStep: 2}\n',
    ).policy;
    expect(evaluate(p, restart, facts)).toEqual({ mode: 'auto', reason: null });
    expect(evaluate(p, { type: 'rollback', namespace: 'shop', deployment: 'api' }, facts).mode).toBe(
      'approve',
    );
    expect(
      evaluate(p, { type: 'rollout-restart', namespace: 'shop', kind: 'Deployment', name: 'api' }, facts),
    ).toEqual({
      mode: 'off',
      reason: 'rollout-restart is off in the policy',
    });
    expect(evaluate(p, restart, { ...facts, severity: 'critical' })).toEqual({
      mode: 'suggest',
      reason: "severity critical is not in the policy's severities (warning)",
    });
    expect(evaluate(p, restart, { ...facts, category: 'ImagePull' }).reason).toBe(
      "category ImagePull is not in the policy's categories (OOMKilled, CrashLoop)",
    );
    expect(evaluate(p, restart, { ...facts, confidence: 70 }).reason).toBe(
      "the diagnosis is 70% sure; the policy's minConfidence is 90%",
    );
    expect(evaluate(p, { ...restart, namespace: 'payments' }, facts).reason).toBe(
      'namespace payments is denied by the policy',
    );
    expect(evaluate(p, { ...restart, namespace: 'kube-system' }, facts).reason).toMatch(
      /^namespace kube-system belongs to the cluster itself/,
    );
    expect(evaluate(p, { type: 'scale-up', namespace: 'shop', deployment: 'api', by: 3 }, facts).reason).toBe(
      "a step of 3 is more than the policy's scaleUp.maxStep of 2",
    );
    const allowSystem = parsePolicy(
      'actions: {restart-pod: auto}\nnamespaces: {allow: [kube-system]}\n',
    ).policy;
    expect(evaluate(allowSystem, { ...restart, namespace: 'kube-system' }, facts).mode).toBe('auto');
    expect(evaluate(allowSystem, restart, facts).reason).toBe(
      "namespace shop is not in the policy's namespaces.allow",
    );
  });
});
