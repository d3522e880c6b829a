import { describe, expect, it } from 'vitest';
import { imagePull, pullCause } from '../../../electron/engine/diagnose/rules/image-pull.ts';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import type { Context, EventInfo } from '../../../shared/context.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { podContext } from '../../helpers/context.ts';

const pod = (name: string) => podContext(loadScenario(name));
const POD = 'frontend-6cf85d9b47-k7ptc';
const IMAGE = 'europe-docker.pkg.dev/acme-prod/shop/frontend:v2.41.1';

function typo(edit: (ctx: Context) => void): Context {
  const ctx = structuredClone(pod('imagepull-tag-typo'));
  edit(ctx);
  return ctx;
}

const failedPull = (image: string, why: string): EventInfo => ({
  type: 'Warning',
  reason: 'Failed',
  message: `Failed to pull image "${image}": ${why}`,
  count: 4,
  object: `Pod/${POD}`,
  source: 'kubelet',
  lastSeen: '2026-11-26T02:59:00.000Z',
});

describe('image-pull on its scenarios', () => {
  it('a tag that does not exist: the kubelet’s pull error and its Error: lines, named for the container', () => {
    const ctx = pod('imagepull-tag-typo');
    const [f] = imagePull.run(ctx);
    expect(f).toMatchObject({
      category: 'ImagePull',
      confidence: 95,
      params: {
        pod: POD,
        container: 'frontend',
        image: IMAGE,
        cause: 'notFound',
        reason: 'ImagePullBackOff',
      },
    });
    expect(f!.summary).toBe(
      `Container frontend of pod ${POD} cannot start: image ${IMAGE} — the image or tag does not exist in the registry (ImagePullBackOff).`,
    );
    const texts = f!.evidence.map((e) => e.text);
    expect(texts.join('\n')).toContain(`${IMAGE}: not found`);
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Warning Failed .*: Error: ErrImagePull$/),
        expect.stringMatching(/Warning Failed .*: Error: ImagePullBackOff$/),
      ]),
    );
  });

  it('a private registry without pull credentials: access denied, not a missing tag', () => {
    expect(imagePull.run(pod('imagepull-private-registry-unauthorized'))[0]!.params.cause).toBe('denied');
    // Docker Hub: "pull access denied, repository does not exist or may require authorization".
    const [f] = imagePull.run(pod('imagepull-pull-access-denied'));
    expect(f!.params.cause).toBe('denied');
    expect(f!.summary).toMatch(/the registry refused access \(missing or wrong imagePullSecrets\)/);
  });
});

describe('image-pull edge cases', () => {
  it('an init container in ImagePullBackOff: the finding names it and its own image, not the app’s', () => {
    const init = 'registry.acme.internal/tools/asset-sync:2.0.1';
    const ctx = typo((c) => {
      const p = c.pods[0]!;
      const app = p.containers[0]!;
      p.containers.unshift({
        ...structuredClone(app),
        name: 'fetch-assets',
        init: true,
        image: init,
        state: { kind: 'waiting', reason: 'ImagePullBackOff', message: `Back-off pulling image "${init}"` },
      });
      app.state = { kind: 'waiting', reason: 'PodInitializing' };
      c.events.push(
        failedPull(
          init,
          'failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized',
        ),
      );
    });
    const findings = imagePull.run(ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.params).toMatchObject({ container: 'fetch-assets', image: init, cause: 'denied' });
    expect(findings[0]!.evidence.map((e) => e.text).join('\n')).not.toContain(IMAGE);
    expect(runRules(ctx)[0]).toMatchObject({ category: 'ImagePull', params: { container: 'fetch-assets' } });
  });

  it('the first failed attempt (ErrImagePull) counts as much as the back-off', () => {
    const ctx = typo((c) => {
      c.pods[0]!.containers[0]!.state = { kind: 'waiting', reason: 'ErrImagePull' };
    });
    expect(imagePull.run(ctx)[0]).toMatchObject({ confidence: 95, params: { reason: 'ErrImagePull' } });
  });

  it('without the kubelet’s pull event, the waiting message decides, less sure', () => {
    const ctx = typo((c) => {
      c.events = [];
      c.pods[0]!.containers[0]!.state = {
        kind: 'waiting',
        reason: 'InvalidImageName',
        message:
          'Failed to apply default image tag "europe-docker.pkg.dev/acme-prod/shop/Frontend:v2": couldn\'t parse image reference: invalid reference format: repository name must be lowercase',
      };
    });
    const [f] = imagePull.run(ctx);
    expect(f).toMatchObject({ confidence: 88, params: { cause: 'invalid', reason: 'InvalidImageName' } });
    expect(f!.evidence).toHaveLength(1);
  });

  it('a registry the node cannot reach', () => {
    const ctx = typo((c) => {
      c.events = [
        failedPull(
          IMAGE,
          'rpc error: code = Unknown desc = failed to pull and unpack image: dial tcp: lookup europe-docker.pkg.dev on 10.0.0.2:53: no such host',
        ),
      ];
    });
    expect(imagePull.run(ctx)[0]!.params.cause).toBe('unreachable');
  });

  it('a pull failure of another image in the namespace is not cited', () => {
    const ctx = typo((c) => {
      c.events = [
        failedPull(
          'europe-docker.pkg.dev/acme-prod/shop/cart:v9',
          'rpc error: code = NotFound desc = not found',
        ),
      ];
    });
    const [f] = imagePull.run(ctx);
    expect(f!.confidence).toBe(88);
    expect(f!.evidence.map((e) => e.text).join('\n')).not.toContain('cart:v9');
  });

  it('an image pinned by digest still finds its pull event', () => {
    const pinned = `${IMAGE}@sha256:4c1e8f5b2a9d7c6e3f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a`;
    const ctx = typo((c) => {
      c.pods[0]!.containers[0]!.image = pinned;
    });
    expect(imagePull.run(ctx)[0]).toMatchObject({
      confidence: 95,
      params: { image: pinned, cause: 'notFound' },
    });
  });

  it('a container still creating (the pull under way) is no finding', () => {
    const ctx = typo((c) => {
      c.pods[0]!.containers[0]!.state = { kind: 'waiting', reason: 'ContainerCreating' };
    });
    expect(imagePull.run(ctx)).toEqual([]);
  });
});

describe('pullCause reads the runtime’s words', () => {
  it.each([
    ['manifest unknown: manifest tagged by "v2.41.1" is not found', 'notFound'],
    [
      "pull access denied for acmecorp/etl-runner, repository does not exist or may require 'docker login'",
      'denied',
    ],
    ['repository europe-docker.pkg.dev/acme-prod/shop/frontnd does not exist', 'notFound'],
    ['unexpected status from HEAD request: 403 Forbidden', 'denied'],
    ['failed to authorize: authentication required', 'denied'],
    ['dial tcp 10.20.0.5:443: i/o timeout', 'unreachable'],
    ['tls: failed to verify certificate / TLS handshake timeout', 'unreachable'],
    ['invalid reference format', 'invalid'],
    ['context canceled', 'other'],
  ])('%s → %s', (text, cause) => {
    expect(pullCause(text)).toBe(cause);
  });
});

describe('image-pull stays quiet', () => {
  it.each(
    loadScenarios()
      .filter((s) => s.alert.labels.pod && s.expect.category !== 'ImagePull')
      .map((s) => [s.name] as const),
  )('%s', (name) => {
    expect(imagePull.run(pod(name))).toEqual([]);
  });

  it('is pure', () => {
    const ctx = pod('imagepull-tag-typo');
    const before = JSON.stringify(ctx);
    expect(imagePull.run(ctx)).toEqual(imagePull.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});
