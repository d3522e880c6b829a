import { describe, expect, it } from 'vitest';
import { reuseReport, SharedAnalyses } from '../../electron/engine/diagnose/shared-analysis.ts';
import type { Report } from '../../shared/report.ts';
import { loadScenario } from '../fixtures/scenarios/index.ts';
import { podContext } from '../helpers/context.ts';

const report = (pod: string): Report =>
  ({
    source: 'llm',
    language: 'en',
    rootCause: { category: 'CrashLoop', explanation: `${pod} panics on start`, confidence: 80, evidence: [] },
    impact: `${pod} serves nothing`,
    steps: [
      {
        title: `Read ${pod}'s crash`,
        command: `kubectl logs ${pod} -n orders --previous`,
        risk: 'read-only',
      },
    ],
    prevention: [],
    findings: [],
    createdAt: '2026-11-26T03:00:00Z',
  }) as unknown as Report;

describe('one LLM analysis shared by a storm', () => {
  it('a second incident waiting while the first is analysed gets its answer, not a second call', async () => {
    const shared = new SharedAnalyses();
    let release!: (r: Report) => void;
    let calls = 0;
    const first = shared.run('k', 1, 'pod-a', () => {
      calls++;
      return new Promise((r) => (release = r));
    });
    const waiting = shared.find('k', () => true);
    release(report('pod-a'));
    await first;
    expect((await waiting)?.incident).toBe(1);
    expect((await shared.find('k', () => true))?.incident).toBe(1);
    expect(calls).toBe(1);
  });

  it('is not shared once the analysed incident has resolved, nor after a failed analysis', async () => {
    const shared = new SharedAnalyses();
    await shared.run('k', 1, 'pod-a', async () => report('pod-a'));
    expect(await shared.find('k', (id) => id !== 1)).toBeNull();
    await shared.run('j', 2, 'pod-b', async () => null);
    expect(await shared.find('j', () => true)).toBeNull();
  });

  it('expires after 30 minutes', async () => {
    let now = 0;
    const shared = new SharedAnalyses(() => now);
    await shared.run('k', 1, 'pod-a', async () => report('pod-a'));
    now = 29 * 60_000;
    expect(await shared.find('k', () => true)).not.toBeNull();
    now = 31 * 60_000;
    expect(await shared.find('k', () => true)).toBeNull();
  });

  it('lets go of reports that can no longer be shared, and keeps at most 5,000', async () => {
    let now = 0;
    const shared = new SharedAnalyses(() => now);
    for (let i = 0; i < 10; i++) await shared.run(`w${i}`, i, 'pod-a', async () => report('pod-a'));
    expect(shared.kept).toBe(10);
    // Analysed again later, w0 is the freshest; the other nine expire when a new report is kept.
    now = 20 * 60_000;
    await shared.run('w0', 11, 'pod-a', async () => report('pod-a'));
    now = 31 * 60_000;
    await shared.run('w10', 12, 'pod-a', async () => report('pod-a'));
    expect(shared.kept).toBe(2);
    expect((await shared.find('w0', () => true))?.incident).toBe(11);
    for (let i = 0; i < 5_010; i++) await shared.run(`n${i}`, 100 + i, 'pod-a', async () => report('pod-a'));
    expect(shared.kept).toBe(5_000);
    expect(await shared.find('n0', () => true)).toBeNull();
    expect((await shared.find('n5009', () => true))?.incident).toBe(5_109);
  });

  it("the reused report names this incident's pod and says where it came from", async () => {
    const ctx = podContext(loadScenario('crashloop-go-panic'));
    const mine = ctx.pods[0]!.name;
    const r = reuseReport(
      {
        incident: 7,
        pod: 'order-router-84c6d9f5b7-other',
        report: report('order-router-84c6d9f5b7-other'),
        at: 0,
      },
      ctx,
    );
    expect(r.sharedFrom).toBe(7);
    expect(r.rootCause.explanation).toBe(`${mine} panics on start`);
    expect(r.impact).toBe(`${mine} serves nothing`);
    expect(r.steps[0]!.command).toBe(`kubectl logs ${mine} -n orders --previous`);
  });
});
