import { beforeAll, describe, expect, it } from 'vitest';
import {
  dependencyErrors,
  dependencyFailure,
  targetOf,
} from '../../../electron/engine/diagnose/rules/dependency-failure.ts';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import type { Context, LogInfo } from '../../../shared/context.ts';
import { loadScenario, loadScenarios } from '../../fixtures/scenarios/index.ts';
import { collectScenarios } from '../../helpers/collected.ts';
import { podContext } from '../../helpers/context.ts';

const pod = (name: string) => podContext(loadScenario(name));
const COLLECTED = [
  'dependency-postgres-connection-refused',
  'dependency-upstream-503',
  'probe-readiness-only',
];
let collected: Map<string, Context>;
beforeAll(async () => {
  collected = await collectScenarios(COLLECTED.map(loadScenario));
}, 120_000);

const log = (text: string, previous = false): LogInfo => ({
  pod: 'p',
  container: 'c',
  previous,
  text,
  lineCount: text.split('\n').length,
  truncated: false,
});

describe('dependency-failure on its scenarios', () => {
  it('a database that times out (i/o timeout): readiness 503 because of it', () => {
    const ctx = pod('dependency-db-io-timeout');
    const [f] = dependencyFailure.run(ctx);
    expect(f).toMatchObject({
      category: 'DependencyFailure',
      confidence: 88,
      params: { cause: 'timeout', target: '10.0.3.7:5432', probe: 'readiness' },
    });
    const texts = f!.evidence.map((e) => e.text).join('\n');
    expect(texts).toContain('dial tcp 10.0.3.7:5432: i/o timeout');
    expect(texts).toContain('Readiness probe failed: HTTP probe failed with statuscode: 503');
    expect(runRules(ctx)[0]!.category).toBe('DependencyFailure');
  });

  it('postgres refusing connections, named by its Service DNS name, for every replica', () => {
    const ctx = collected.get('dependency-postgres-connection-refused')!;
    const findings = dependencyFailure.run(ctx);
    expect(findings).toHaveLength(3);
    expect(findings[0]!.params).toMatchObject({
      cause: 'refused',
      target: '10.12.4.19:5432 (postgres.shop.svc.cluster.local)',
      probe: 'readiness',
    });
    expect(findings[0]!.evidence.map((e) => e.text).join('\n')).toContain(
      'dial tcp 10.12.4.19:5432: connect: connection refused',
    );
    expect(runRules(ctx)[0]!.category).toBe('DependencyFailure');
  });

  it('an external upstream answering 503 with the circuit breaker open, and the service without endpoints', () => {
    const ctx = collected.get('dependency-upstream-503')!;
    const [f] = dependencyFailure.run(ctx);
    expect(f!.params).toMatchObject({
      cause: 'upstream',
      status: '503',
      breaker: 'payprovider',
      target: 'https://api.payprovider.example/v2/charges',
    });
    const texts = f!.evidence.map((e) => e.text).join('\n');
    expect(texts).toContain(
      'upstream https://api.payprovider.example/v2/charges returned 503 Service Unavailable',
    );
    expect(texts).toContain("circuit breaker 'payprovider' is OPEN");
    expect(texts).toContain('service payment-gateway: 0 ready, 3 not ready endpoints');
    expect(f!.summary).toMatch(/HTTP 503.*circuit breaker payprovider is open/);
  });

  it('a dependency that makes the app exit outranks the crash loop it causes', () => {
    const ctx = structuredClone(pod('crashloop-missing-env'));
    for (const l of ctx.logs)
      l.text += `${Array.from(
        { length: 5 },
        (_, i) => `2026-11-26T10:00:0${i}Z ERROR redis: dial tcp 10.9.8.7:6379: connect: connection refused`,
      ).join('\n')}\n`;
    const [top] = runRules(ctx);
    expect(top).toMatchObject({
      category: 'DependencyFailure',
      params: { probe: 'crash', cause: 'refused' },
    });
    expect(top!.confidence).toBeGreaterThan(85);
  });
});

describe('dependency-failure stays quiet', () => {
  it.each(
    loadScenarios()
      .filter((s) => s.alert.labels.pod && s.expect.category !== 'DependencyFailure')
      .map((s) => [s.name] as const),
  )('%s', (name) => {
    expect(dependencyFailure.run(pod(name))).toEqual([]);
  });

  it('on a readiness failure the logs do not blame on a dependency', () => {
    expect(dependencyFailure.run(collected.get('probe-readiness-only')!)).toEqual([]);
  });

  it("on the kubelet's own probe errors: a refused probe in an event is not a dependency", () => {
    const ctx = structuredClone(pod('probe-liveness-timeout'));
    for (const e of ctx.events)
      if (e.reason === 'Unhealthy')
        e.message =
          'Liveness probe failed: Get "http://10.244.3.31:8080/h": dial tcp 10.244.3.31:8080: connect: connection refused';
    expect(dependencyFailure.run(ctx)).toEqual([]);
  });

  it('on a healthy pod with a few dependency errors in its log (a blip, not a diagnosis)', () => {
    const ctx = structuredClone(pod('noissue-cpu-throttling'));
    ctx.logs[0]!.text += 'level=ERROR msg="cache miss" err="dial tcp 10.1.1.1:6379: i/o timeout"\n'.repeat(4);
    expect(dependencyFailure.run(ctx)).toEqual([]);
    ctx.logs[0]!.text += 'level=ERROR msg="cache miss" err="dial tcp 10.1.1.1:6379: i/o timeout"  [×40]\n';
    const [f] = dependencyFailure.run(ctx);
    expect(f).toMatchObject({ confidence: 65 });
    expect(f!.params.probe).toBeUndefined();
  });

  it('is pure', () => {
    const ctx = collected.get('dependency-upstream-503')!;
    const before = JSON.stringify(ctx);
    expect(dependencyFailure.run(ctx)).toEqual(dependencyFailure.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});

describe('dependencyErrors', () => {
  it('recognises the usual ways runtimes say a downstream failed', () => {
    const kinds = (line: string) => dependencyErrors(log(`${line}\n${line}\n${line}\n`))?.primary.kind;
    expect(kinds('Error: connect ECONNREFUSED 10.0.0.5:5432')).toBe('refused');
    expect(kinds('dial tcp 10.0.3.7:5432: i/o timeout')).toBe('timeout');
    expect(kinds('java.net.SocketTimeoutException: Connect timed out')).toBe('timeout');
    expect(kinds('dial tcp: lookup redis.cache.svc.cluster.local: no such host')).toBe('dns');
    expect(kinds('getaddrinfo ENOTFOUND api.example.com')).toBe('dns');
    expect(kinds('read tcp 10.0.0.1:443: connection reset by peer')).toBe('reset');
    expect(kinds('upstream payments returned 502 Bad Gateway')).toBe('upstream');
    expect(kinds("circuit breaker 'inventory' is OPEN")).toBe('breaker');
    expect(kinds('request failed err="database unavailable"')).toBe('unavailable');
    expect(kinds('request served status=200 dur=3ms')).toBeUndefined();
  });

  it('counts the repeats a folded log stands for, and needs at least three', () => {
    expect(dependencyErrors(log('dial tcp 10.0.0.1:5432: i/o timeout\n'))).toBeNull();
    expect(dependencyErrors(log('dial tcp 10.0.0.1:5432: i/o timeout  [×12]\n'))?.count).toBe(12);
  });

  it('ignores errors that stopped long ago', () => {
    const old = 'dial tcp 10.0.0.1:5432: connect: connection refused\n'.repeat(5);
    const fine = Array.from({ length: 300 }, (_, i) => `request ${i} status=200`).join('\n');
    expect(dependencyErrors(log(old + fine))).toBeNull();
    expect(dependencyErrors(log(`${fine}\n${old}`))).not.toBeNull();
  });

  it('names what the call went to', () => {
    expect(targetOf('dial tcp 10.0.3.7:5432: i/o timeout')).toBe('10.0.3.7:5432');
    expect(
      targetOf(
        'failed to connect to `user=orders`: 10.12.4.19:5432 (postgres.shop.svc.cluster.local): dial error',
      ),
    ).toBe('10.12.4.19:5432 (postgres.shop.svc.cluster.local)');
    expect(targetOf('upstream https://api.example.com/v1/x returned 503')).toBe(
      'https://api.example.com/v1/x',
    );
    expect(targetOf('dial tcp: lookup redis.cache on 10.96.0.10:53: no such host')).toBe('redis.cache');
  });
});
