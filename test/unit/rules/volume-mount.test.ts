import { describe, expect, it } from 'vitest';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import { mountCause, volumeMount } from '../../../electron/engine/diagnose/rules/volume-mount.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { podContext } from '../../helpers/context.ts';

const pod = (name: string) => podContext(loadScenario(name));

describe('volume-mount on its scenarios', () => {
  it('a ConfigMap volume whose ConfigMap does not exist: stuck in ContainerCreating', () => {
    const ctx = pod('volumemount-configmap-not-found');
    const [f] = volumeMount.run(ctx);
    expect(f).toMatchObject({
      category: 'VolumeMount',
      confidence: 95,
      params: {
        cause: 'missing',
        volume: 'nginx-config',
        objectKind: 'configmap',
        object: 'marketing-nginx-conf',
        waiting: 'ContainerCreating',
      },
    });
    const texts = f!.evidence.map((e) => e.text).join('\n');
    expect(texts).toContain(
      'MountVolume.SetUp failed for volume "nginx-config" : configmap "marketing-nginx-conf" not found',
    );
    expect(texts).toContain('ContainerCreating');
    expect(runRules(ctx)[0]!.category).toBe('VolumeMount');
  });

  it('a ReadWriteOnce volume still attached for the old pod: Multi-Attach, with the claim', () => {
    const s = loadScenario('volumemount-multi-attach');
    const ctx = podContext(s);
    // The collector reads the pod's claims; the fixture-built context does not, so add it as collected.
    ctx.pvcs.push({
      name: 'grafana',
      namespace: 'monitoring',
      phase: 'Bound',
      volumeName: 'pvc-5c1f0d2e-8b7a-4f3e-9d6c-2a1b0c9e8f7d',
      accessModes: ['ReadWriteOnce'],
    });
    const [f] = volumeMount.run(ctx);
    expect(f!.params).toMatchObject({
      cause: 'multiAttach',
      volume: 'pvc-5c1f0d2e-8b7a-4f3e-9d6c-2a1b0c9e8f7d',
      holder: 'grafana-7c9d5f8b6-q2wzx',
      claim: 'grafana',
      accessModes: 'ReadWriteOnce',
    });
    const texts = f!.evidence.map((e) => e.text).join('\n');
    for (const e of s.expect.evidence) expect(texts).toContain(e);
    expect(texts).toContain('pvc grafana Bound ReadWriteOnce');
  });

  it('only the generic timeout: still a mount problem, less sure', () => {
    const ctx = structuredClone(pod('volumemount-configmap-not-found'));
    ctx.events = ctx.events.filter((e) => !e.message.startsWith('MountVolume.SetUp'));
    expect(volumeMount.run(ctx)[0]).toMatchObject({
      confidence: 85,
      params: { cause: 'timeout', volumes: 'nginx-config' },
    });
  });
});

describe('volume-mount stays quiet', () => {
  it.each(
    loadScenarios()
      .filter((s) => s.alert.labels.pod && s.expect.category !== 'VolumeMount')
      .map((s) => [s.name] as const),
  )('%s', (name) => {
    expect(volumeMount.run(pod(name))).toEqual([]);
  });

  it('once the pod runs and is ready (the mount event is history)', () => {
    const ctx = structuredClone(pod('volumemount-configmap-not-found'));
    const p = ctx.pods[0]!;
    p.phase = 'Running';
    for (const c of p.containers) {
      c.ready = true;
      c.state = { kind: 'running', startedAt: '2026-11-25T16:20:00Z' };
    }
    expect(volumeMount.run(ctx)).toEqual([]);
  });

  it('is pure', () => {
    const ctx = pod('volumemount-multi-attach');
    const before = JSON.stringify(ctx);
    expect(volumeMount.run(ctx)).toEqual(volumeMount.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});

describe('mountCause', () => {
  it.each([
    [
      'MountVolume.SetUp failed for volume "creds" : secret "db-creds" not found',
      { cause: 'missing', volume: 'creds', objectKind: 'secret', object: 'db-creds' },
    ],
    [
      'Multi-Attach error for volume "pvc-1" Volume is already used by pod(s) web-0',
      { cause: 'multiAttach', volume: 'pvc-1', holder: 'web-0' },
    ],
    [
      'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-x]: timed out waiting for the condition',
      { cause: 'timeout', volumes: 'data' },
    ],
    [
      'AttachVolume.Attach failed for volume "pvc-2" : rpc error: code = Internal desc = volume is in use',
      { cause: 'attach', volume: 'pvc-2' },
    ],
    [
      'MountVolume.MountDevice failed for volume "pvc-3" : fsck found errors',
      { cause: 'other', volume: 'pvc-3' },
    ],
  ])('%s', (message, want) => {
    expect(mountCause(message)).toMatchObject(want);
  });
});
