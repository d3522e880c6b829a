import { describe, expect, it } from 'vitest';
import { configError } from '../../../electron/engine/diagnose/rules/config-error.ts';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import type { Context } from '../../../shared/context.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { podContext } from '../../helpers/context.ts';

const pod = (name: string) => podContext(loadScenario(name));
const KEY_POD = 'checkout-api-7b5c8f6d9-h2vxs';
const SECRET_POD = 'inventory-api-8d7f6c9b5-qf6tx';

/** The missing-secret scenario with the container's waiting state and event saying `message` instead. */
function waitingWith(reason: string, message: string): Context {
  const ctx = structuredClone(pod('configerror-missing-secret'));
  ctx.pods[0]!.containers[0]!.state = { kind: 'waiting', reason, message };
  for (const e of ctx.events) if (e.reason === 'Failed') e.message = `Error: ${message}`;
  return ctx;
}

describe('config-error on its scenarios', () => {
  it('a key missing from a ConfigMap: names the key and the ConfigMap, with the kubelet’s event', () => {
    const ctx = pod('configerror-missing-configmap-key');
    const [f] = configError.run(ctx);
    expect(f).toMatchObject({
      category: 'ConfigError',
      confidence: 95,
      params: {
        pod: KEY_POD,
        container: 'checkout',
        reason: 'CreateContainerConfigError',
        kind: 'key',
        key: 'DATABASE_URL',
        objectKind: 'configmap',
        object: 'shop/checkout-config',
      },
    });
    expect(f!.summary).toBe(
      `Container checkout of pod ${KEY_POD} cannot be created (CreateContainerConfigError): key DATABASE_URL is missing from configmap shop/checkout-config.`,
    );
    expect(f!.evidence.map((e) => e.text)).toContainEqual(
      expect.stringMatching(
        /Warning Failed Pod\/checkout-api-7b5c8f6d9-h2vxs.*Error: couldn't find key DATABASE_URL in ConfigMap shop\/checkout-config$/,
      ),
    );
  });

  it('a Secret that does not exist: names the Secret, not a key', () => {
    const [f] = configError.run(pod('configerror-missing-secret'));
    expect(f!.params).toEqual({
      pod: SECRET_POD,
      container: 'inventory-api',
      reason: 'CreateContainerConfigError',
      kind: 'object',
      objectKind: 'secret',
      object: 'db-credentials',
    });
    expect(f!.summary).toMatch(/: secret "db-credentials" does not exist\.$/);
  });
});

describe('config-error edge cases', () => {
  it('a ConfigMap that does not exist at all', () => {
    const [f] = configError.run(
      waitingWith('CreateContainerConfigError', 'configmap "inventory-settings" not found'),
    );
    expect(f!.params).toMatchObject({
      kind: 'object',
      objectKind: 'configmap',
      object: 'inventory-settings',
    });
    expect(f!.confidence).toBe(95);
  });

  it('a key missing from a Secret', () => {
    const [f] = configError.run(
      waitingWith(
        'CreateContainerConfigError',
        "couldn't find key password in Secret inventory/db-credentials",
      ),
    );
    expect(f!.params).toMatchObject({
      kind: 'key',
      key: 'password',
      objectKind: 'secret',
      object: 'inventory/db-credentials',
    });
  });

  it('the waiting message alone is enough when the event has aged out', () => {
    const ctx = structuredClone(pod('configerror-missing-secret'));
    ctx.events = [];
    const [f] = configError.run(ctx);
    expect(f).toMatchObject({ confidence: 95, params: { object: 'db-credentials' } });
    expect(f!.evidence).toHaveLength(1);
  });

  it('a container the runtime cannot create for another reason: less sure, with the runtime’s message', () => {
    const message =
      'failed to create containerd container: error unpacking image: failed to extract layer: no space left on device';
    const [f] = configError.run(waitingWith('CreateContainerError', message));
    expect(f).toMatchObject({ confidence: 80, params: { kind: 'other', reason: 'CreateContainerError' } });
    expect(f!.summary).toContain('no space left on device');
  });

  it('a binary that cannot be started (RunContainerError) is a spec problem too', () => {
    const [f] = configError.run(
      waitingWith(
        'RunContainerError',
        'failed to start container: exec: "/app/start.sh": permission denied: unknown',
      ),
    );
    expect(f).toMatchObject({
      category: 'ConfigError',
      params: { kind: 'other', reason: 'RunContainerError' },
    });
  });

  it('each pod cites its own event: a missing secret is not explained by another pod’s missing key', () => {
    const keyCtx = pod('configerror-missing-configmap-key');
    const secretCtx = pod('configerror-missing-secret');
    // A namespace-wide context: both pods, their events together (the key pod's first).
    const ctx: Context = {
      ...keyCtx,
      pods: [...keyCtx.pods, ...secretCtx.pods],
      events: [...keyCtx.events, ...secretCtx.events],
    };
    const bySecretPod = configError.run(ctx).find((f) => f.params.pod === SECRET_POD)!;
    expect(bySecretPod.params).toMatchObject({ objectKind: 'secret', object: 'db-credentials' });
    const cited = bySecretPod.evidence.filter((e) => e.ref.startsWith('event/'));
    expect(cited.map((e) => e.text)).toEqual([
      expect.stringMatching(
        /^Warning Failed Pod\/inventory-api-8d7f6c9b5-qf6tx.*secret "db-credentials" not found$/,
      ),
    ]);
  });

  it('is the top finding over the crash loop that may follow', () => {
    expect(runRules(pod('configerror-missing-secret'))[0]!.category).toBe('ConfigError');
  });
});

describe('config-error stays quiet', () => {
  it.each(
    loadScenarios()
      .filter((s) => s.alert.labels.pod && s.expect.category !== 'ConfigError')
      .map((s) => [s.name] as const),
  )('%s', (name) => {
    expect(configError.run(pod(name))).toEqual([]);
  });

  it('once the Secret exists and the container runs', () => {
    const ctx = structuredClone(pod('configerror-missing-secret'));
    ctx.pods[0]!.containers[0]!.state = { kind: 'running', startedAt: '2026-11-25T10:00:00Z' };
    expect(configError.run(ctx)).toEqual([]);
  });

  it('is pure', () => {
    const ctx = pod('configerror-missing-configmap-key');
    const before = JSON.stringify(ctx);
    expect(configError.run(ctx)).toEqual(configError.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});
