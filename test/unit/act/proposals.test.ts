import { beforeAll, describe, expect, it } from 'vitest';
import { llmProposals, ruleProposals } from '../../../electron/engine/act/proposals.ts';
import { en, zh } from '../../../electron/engine/diagnose/messages/index.ts';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import type { Context } from '../../../shared/context.ts';
import { collectScenarios } from '../../helpers/collected.ts';

let contexts: Map<string, Context>;
beforeAll(async () => {
  contexts = await collectScenarios();
});
const ctx = (name: string) => contexts.get(name)!;
const propose = (name: string, m = en) => ruleProposals(ctx(name), runRules(ctx(name)), m);

describe('proposals from the rules (a pure function of context and findings)', () => {
  it('OOMKilled with ready siblings: restart that pod, said in the report language', () => {
    expect(propose('oom-jvm-heap')).toEqual([
      {
        action: { type: 'restart-pod', namespace: 'shop', pod: 'checkout-7d9f8b6c5-x2x9q' },
        reason: 'restart pod checkout-7d9f8b6c5-x2x9q (OOMKilled 6 times; 2 other replicas ready)',
        source: 'rules',
        confidence: 95,
      },
    ]);
    expect(propose('oom-jvm-heap', zh)[0]!.reason).toBe(
      '重启 Pod checkout-7d9f8b6c5-x2x9q（已 OOMKilled 6 次；其他 2 个副本就绪）',
    );
  });

  it('no restart without a ready sibling to carry the traffic', () => {
    const c = structuredClone(ctx('oom-jvm-heap'));
    c.siblings = c.siblings.map((s) => ({ ...s, ready: false }));
    expect(ruleProposals(c, runRules(c))).toEqual([]);
  });

  it('a bad rollout (newest revision failing, previous one serving): roll back, and no restart of its pod', () => {
    expect(propose('oom-rollout-cache-size')).toEqual([
      {
        action: { type: 'rollback', namespace: 'catalog', deployment: 'catalog-api' },
        reason:
          'roll back deployment catalog-api to revision 11 (the pods of revision 12 fail: OOMKilled; revision 11 was healthy)',
        source: 'rules',
        confidence: 95,
      },
    ]);
    expect(propose('imagepull-tag-typo')[0]?.action).toEqual({
      type: 'rollback',
      namespace: 'shop',
      deployment: 'frontend',
    });
  });

  it('proposes nothing where no first aid is safe (probe, scheduling, node, dependency, job, no issue…)', () => {
    const proposing = [...contexts.keys()].filter((n) => propose(n).length);
    expect(proposing.sort()).toEqual([
      'configerror-missing-configmap-key',
      'imagepull-tag-typo',
      'oom-jvm-heap',
      'oom-rollout-cache-size',
    ]);
  });
});

describe("the model's actions", () => {
  const diagnosis = { category: 'OOMKilled' as const, confidence: 80 };
  it('keeps only typed actions on targets of the context; drops the rest with the reason', () => {
    const c = ctx('oom-jvm-heap');
    const r = llmProposals(
      [
        { type: 'restart-pod', namespace: 'shop', pod: 'checkout-7d9f8b6c5-qz6wt' },
        { type: 'scale-up', namespace: 'shop', deployment: 'checkout', by: 1 },
        { type: 'delete-namespace', namespace: 'shop' },
        { type: 'restart-pod', namespace: 'shop', pod: 'x; kubectl delete ns shop' },
        { type: 'restart-pod', namespace: 'shop', pod: 'checkout-7d9f8b6c5-x2x9q', force: true },
        { type: 'rollback', namespace: 'shop', deployment: 'checkout' },
        { type: 'rollout-restart', namespace: 'payments', kind: 'Deployment', name: 'ledger' },
        'kubectl delete namespace shop',
      ],
      c,
      diagnosis,
      [],
    );
    expect(r.proposals.map((p) => p.action)).toEqual([
      { type: 'restart-pod', namespace: 'shop', pod: 'checkout-7d9f8b6c5-qz6wt' },
      { type: 'scale-up', namespace: 'shop', deployment: 'checkout', by: 1 },
    ]);
    expect(r.proposals[0]).toMatchObject({
      source: 'llm',
      confidence: 80,
      reason: 'proposed by the model (OOMKilled, 80% confidence)',
    });
    expect(r.dropped.map((d) => d.reason)).toEqual([
      expect.stringMatching(/^not one of the four action types \(type: /),
      expect.stringMatching(/^not one of the four action types \(pod: must be an object name/),
      expect.stringMatching(/^not one of the four action types .*[Uu]nrecognized key/),
      'deployment checkout has no previous revision in the collected context',
      'namespace payments is not in the collected context',
      expect.stringMatching(/^not one of the four action types/),
    ]);
  });

  it('does not repeat what the rules already propose', () => {
    const c = ctx('oom-jvm-heap');
    const rules = ruleProposals(c, runRules(c));
    const r = llmProposals([rules[0]!.action], c, diagnosis, rules);
    expect(r).toEqual({ proposals: [], dropped: [] });
  });
});
