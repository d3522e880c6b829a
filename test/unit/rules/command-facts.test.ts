import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkStep, type KnownNames, pinContext } from '../../../electron/engine/diagnose/commands.ts';

const known = (kubectlContext?: string): KnownNames => ({
  objects: new Set(['checkout-7d9f8b6c5-x2x9q']),
  namespaces: new Set(['shop']),
  containers: new Set(['app']),
  ...(kubectlContext ? { kubectlContext } : {}),
});
const step = (command: string) => ({ title: 'Look', risk: 'read-only' as const, command });

describe('commands name the context the diagnosis read', () => {
  it('puts --context right after kubectl, and only when the kubeconfig has several contexts', () => {
    const cmd = 'kubectl describe pod checkout-7d9f8b6c5-x2x9q -n shop';
    expect(checkStep(step(cmd), known('prod-eu-1')).command).toBe(
      'kubectl --context prod-eu-1 describe pod checkout-7d9f8b6c5-x2x9q -n shop',
    );
    expect(checkStep(step(cmd), known()).command).toBe(cmd);
  });

  it("keeps a model's --context when it is the right one, and refuses another cluster's", () => {
    const same = 'kubectl --context=prod-eu-1 get pods -n shop';
    expect(checkStep(step(same), known('prod-eu-1')).command).toBe(same);
    const other = checkStep(step('kubectl get pods -n shop --context staging'), known('prod-eu-1'));
    expect(other.command).toBeUndefined();
    expect(other.warning).toBe(
      'not shown as a command: it names context staging, but the diagnosis read prod-eu-1',
    );
  });

  it('refuses a context other than the one read, even with a single context (it would not exist)', () => {
    const one = { ...known(), kubeContext: 'only' };
    expect(checkStep(step('kubectl --context only get pods -n shop'), one).command).toBe(
      'kubectl --context only get pods -n shop',
    );
    expect(checkStep(step('kubectl --context prod get pods -n shop'), one).warning).toBe(
      'not shown as a command: it names context prod, but the diagnosis read only',
    );
  });

  it('shell-quotes a context name that needs it, and a shell reads it back whole', () => {
    const eks = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
    expect(pinContext(step('kubectl get pods -n shop'), eks).command).toBe(
      `kubectl --context ${eks} get pods -n shop`,
    );
    const odd = "ops team's cluster";
    const pinned = pinContext(step('kubectl get pods -n shop'), odd).command!;
    expect(pinned).toBe(`kubectl --context 'ops team'\\''s cluster' get pods -n shop`);
    const words = execFileSync('sh', ['-c', `printf '%s\\n' ${pinned}`], { encoding: 'utf8' });
    expect(words.split('\n').slice(0, 3)).toEqual(['kubectl', '--context', odd]);
  });

  it('leaves steps without a kubectl command alone', () => {
    expect(pinContext({ title: 'Check the dashboard', risk: 'read-only' }, 'prod')).toEqual({
      title: 'Check the dashboard',
      risk: 'read-only',
    });
    expect(pinContext(step('helm history checkout -n shop'), 'prod').command).toBe(
      'helm history checkout -n shop',
    );
  });
});

describe('a rollback needs an earlier revision', () => {
  it("refuses a model's rollout undo of a workload the context shows with one revision only", () => {
    const names = { ...known(), objects: new Set(['checkout']), singleRevision: 'checkout' };
    const undo = checkStep(
      { title: 'Roll back', risk: 'high', command: 'kubectl rollout undo deployment/checkout -n shop' },
      names,
    );
    expect(undo.command).toBeUndefined();
    expect(undo.warning).toBe('not shown as a command: checkout has no earlier revision to roll back to');
    const history = checkStep(step('kubectl rollout history deployment/checkout -n shop'), names);
    expect(history.command).toBe('kubectl rollout history deployment/checkout -n shop');
  });
});
