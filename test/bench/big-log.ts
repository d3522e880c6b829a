import type { FakeKube } from '../fakes/kube-apiserver.ts';

/** The one line that explains the crash, buried at line 1,000 of the big log. */
export const BIG_LOG_EVIDENCE =
  'FATAL could not open ledger: dial tcp 10.42.7.19:5432: connect: connection refused';

/** A crash-looping pod whose previous log has `lines` lines of realistic noise and one decisive line. */
export function addBigLogPod(kube: FakeKube, lines: number): void {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const t = new Date(Date.UTC(2026, 10, 26, 2, 0, 0) + i * 97).toISOString();
    if (i === 1_000) out.push(`${t} ${BIG_LOG_EVIDENCE}`);
    else if (i % 7 === 0) out.push(`${t} DEBUG cache hit key=sku:${(i * 7919) % 100000} ttl=${i % 300}s`);
    else
      out.push(`${t} INFO request method=GET path=/v1/ledger/${(i * 31) % 5000} status=200 dur=${i % 90}ms`);
  }
  kube.upsert({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'ledger-5d8f7c9b6-bigl0', namespace: 'bench', labels: { app: 'ledger' } },
    spec: { nodeName: 'bench-node', containers: [{ name: 'app', image: 'ledger:1.0' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          image: 'ledger:1.0',
          imageID: 'ledger@sha256:0',
          ready: false,
          restartCount: 7,
          started: false,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app' },
          },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: '2026-11-26T03:20:00Z',
              finishedAt: '2026-11-26T03:21:37Z',
            },
          },
        },
      ],
    },
  });
  kube.setLogs('bench/ledger-5d8f7c9b6-bigl0/app/previous', `${out.join('\n')}\n`);
}
