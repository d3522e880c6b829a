import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECT, finish } from '../../../electron/engine/collect/index.ts';
import { crashLoop } from '../../../electron/engine/diagnose/rules/crash-loop.ts';
import { runRules } from '../../../electron/engine/diagnose/rules/index.ts';
import type { Context } from '../../../shared/context.ts';
import { loadScenario } from '../../fixtures/scenarios/index.ts';
import { podContext } from '../../helpers/context.ts';

/** A pod scenario as the collector leaves it (logs folded), changed by `edit` on a copy. */
function ctxOf(name: string, edit: (ctx: Context) => void = () => {}): Context {
  const ctx = structuredClone(finish(podContext(loadScenario(name)), DEFAULT_COLLECT.budgetTokens));
  edit(ctx);
  return ctx;
}
const PANIC = 'order-router-84c6d9f5b7-tn4vd';
const WORKER = 'notification-worker-5c9f7b8d6-2xkqp';

describe('crash-loop on its scenarios', () => {
  it('a Go panic: exit code, restarts, the panic line and the application frame it happened in', () => {
    const [f] = crashLoop.run(ctxOf('crashloop-go-panic'));
    expect(f).toMatchObject({
      category: 'CrashLoop',
      confidence: 85,
      params: {
        pod: PANIC,
        container: 'order-router',
        exit: 2,
        reason: 'Error',
        restarts: 7,
        lastError: 'panic: runtime error: invalid memory address or nil pointer dereference',
      },
    });
    expect(f!.summary).toBe(
      `Container order-router of pod ${PANIC} keeps crashing (last exit code 2, Error) and has restarted 7 times; last error: panic: runtime error: invalid memory address or nil pointer dereference.`,
    );
    const refs = f!.evidence.map((e) => `${e.ref} ${e.text}`);
    expect(refs).toContainEqual(
      expect.stringMatching(
        /^log\/order-router-84c6d9f5b7-tn4vd\/order-router\/previous#L\d+ \/src\/internal\/routing\/router\.go:142/,
      ),
    );
    expect(refs.join('\n')).toContain('Back-off restarting failed container order-router');
  });

  it("a missing environment variable: the app's own error line is the last error", () => {
    const [f] = crashLoop.run(ctxOf('crashloop-missing-env'));
    expect(f!.params).toMatchObject({
      exit: 1,
      restarts: 14,
      lastError: 'Error: Missing required environment variable REDIS_URL',
    });
    expect(runRules(ctxOf('crashloop-missing-env'))[0]!.category).toBe('CrashLoop');
  });
});

describe('crash-loop on usage text', () => {
  it('a bad flag (Go flag package): the line before the usage text is the last error, not an option description', () => {
    const [f] = crashLoop.run(ctxOf('crashloop-bad-flag'));
    expect(f!.params).toMatchObject({ exit: 2, lastError: 'flag provided but not defined: -metrics-addr' });
    const logLines = f!.evidence.filter((e) => e.ref.startsWith('log/')).map((e) => e.text);
    expect(logLines).toEqual(['flag provided but not defined: -metrics-addr']);
  });

  it("cobra's unknown flag, followed by its Usage and Flags sections", () => {
    const ctx = ctxOf('crashloop-bad-flag', (c) => {
      for (const l of c.logs)
        l.text = [
          'Error: unknown flag: --metrics-addr',
          'Usage:',
          '  ledger-sync [flags]',
          '',
          'Flags:',
          '  -h, --help               help for ledger-sync',
          '      --log-level string   log level: debug, info, warn, error (default "info")',
          '      --fail-fast          exit on the first failed sync',
        ].join('\n');
    });
    const [f] = crashLoop.run(ctx);
    expect(f!.params.lastError).toBe('Error: unknown flag: --metrics-addr');
    const logLines = f!.evidence.filter((e) => e.ref.startsWith('log/')).map((e) => e.text);
    expect(logLines).toEqual(['Error: unknown flag: --metrics-addr']);
  });
});

describe('crash-loop edge cases', () => {
  it('exit code 0 in a back-off loop is still a crash loop, and says the process exited 0', () => {
    const ctx = ctxOf('crashloop-missing-env', (c) => {
      const w = c.pods[0]!.containers[0]!;
      w.lastState = { ...w.lastState!, reason: 'Completed', exitCode: 0 };
      c.logs = [];
    });
    const [f] = crashLoop.run(ctx);
    expect(f).toMatchObject({ confidence: 75, params: { exit: 0, reason: 'Completed', restarts: 14 } });
    expect(f!.summary).toBe(
      `Container worker of pod ${WORKER} keeps crashing (last exit code 0, Completed) and has restarted 14 times.`,
    );
    expect(runRules(ctx)[0]!.category).toBe('CrashLoop');
  });

  it('restarting on errors is a loop even while it happens to be running (no back-off right now)', () => {
    const running = (restarts: number) =>
      ctxOf('crashloop-missing-env', (c) => {
        const w = c.pods[0]!.containers[0]!;
        w.state = { kind: 'running', startedAt: '2026-11-25T09:44:05Z' };
        w.restartCount = restarts;
      });
    expect(crashLoop.run(running(3))[0]).toMatchObject({ params: { restarts: 3, exit: 1 } });
    // Two restarts are not yet a loop.
    expect(crashLoop.run(running(2))).toEqual([]);
  });

  it('without any log line to show, it is less sure and says no last error', () => {
    const [f] = crashLoop.run(ctxOf('crashloop-go-panic', (c) => (c.logs = [])));
    expect(f!.confidence).toBe(75);
    expect(f!.params).not.toHaveProperty('lastError');
    expect(f!.summary).not.toMatch(/last error/);
  });

  it('reads the crashed run (previous log) before the current one', () => {
    const ctx = ctxOf('crashloop-missing-env', (c) => {
      c.logs.push({
        pod: WORKER,
        container: 'worker',
        previous: false,
        text: 'starting notification-worker 1.9.0\nError: current run complains about something else\n',
        lineCount: 2,
        truncated: false,
      });
    });
    expect(crashLoop.run(ctx)[0]!.params.lastError).toBe(
      'Error: Missing required environment variable REDIS_URL',
    );
  });

  it('an init container in a back-off loop is named: the app container never started', () => {
    const ctx = ctxOf('crashloop-missing-env', (c) => {
      const p = c.pods[0]!;
      const app = p.containers[0]!;
      p.containers.unshift({ ...structuredClone(app), name: 'wait-for-redis', init: true, restartCount: 5 });
      app.state = { kind: 'waiting', reason: 'PodInitializing' };
      delete app.lastState;
      app.restartCount = 0;
      c.logs = [];
    });
    const findings = crashLoop.run(ctx);
    expect(findings.map((f) => [f.params.container, f.params.restarts])).toEqual([['wait-for-redis', 5]]);
  });
});

describe('crash-loop stays quiet', () => {
  it.each([
    'oom-jvm-heap',
    'imagepull-tag-typo',
    'configerror-missing-secret',
    'unschedulable-insufficient-memory',
    'volumemount-configmap-not-found',
    'noissue-cpu-throttling',
    'evicted-ephemeral-storage',
  ])('%s', (name) => {
    expect(crashLoop.run(ctxOf(name))).toEqual([]);
  });

  it('is pure', () => {
    const ctx = ctxOf('crashloop-go-panic');
    const before = JSON.stringify(ctx);
    expect(crashLoop.run(ctx)).toEqual(crashLoop.run(ctx));
    expect(JSON.stringify(ctx)).toBe(before);
  });
});
