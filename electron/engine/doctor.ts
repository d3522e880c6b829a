import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sourceName } from '../../shared/alertmanager.ts';
import { alertsPath, eligible, parseAlertList, parseJsonReply, readAmStatus } from './alertmanager/alerts.ts';
import { sourceConnection } from './alertmanager/connection.ts';
import { k8sLib } from './collect/k8s-lib.ts';
import { createKubeProvider, KubeSetupError } from './collect/kube.ts';
import { read, withSignal } from './collect/read.ts';
import { type EngineConfig, feishuRoutes } from './config.ts';
import { modelInfo } from './diagnose/ollama.ts';
import { describeWebhook } from './notify/feishu/url.ts';
import { createDeliveries } from './store/deliveries.ts';

export interface Check {
  ok: boolean;
  /** Failures that keep the engine from working; a warning (ok=false, essential=false) only narrows it. */
  essential: boolean;
  what: string;
  detail: string;
  fix?: string;
}

/** The reads the collector makes, as access-review attributes: what `doctor` checks the identity may do. */
export const READS: Array<{
  label: string;
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  cluster?: boolean;
  essential?: boolean;
}> = [
  { label: 'get pods', verb: 'get', resource: 'pods', essential: true },
  { label: 'list pods', verb: 'list', resource: 'pods', essential: true },
  { label: 'read pod logs', verb: 'get', resource: 'pods', subresource: 'log', essential: true },
  { label: 'list events', verb: 'list', resource: 'events', essential: true },
  { label: 'get deployments', verb: 'get', resource: 'deployments', group: 'apps' },
  { label: 'list replicasets', verb: 'list', resource: 'replicasets', group: 'apps' },
  { label: 'get statefulsets', verb: 'get', resource: 'statefulsets', group: 'apps' },
  { label: 'get daemonsets', verb: 'get', resource: 'daemonsets', group: 'apps' },
  { label: 'get jobs', verb: 'get', resource: 'jobs', group: 'batch' },
  { label: 'list cronjobs', verb: 'get', resource: 'cronjobs', group: 'batch' },
  { label: 'get persistentvolumeclaims', verb: 'get', resource: 'persistentvolumeclaims' },
  { label: 'get services', verb: 'get', resource: 'services' },
  { label: 'get endpoints', verb: 'get', resource: 'endpoints' },
  { label: 'get nodes', verb: 'get', resource: 'nodes', cluster: true },
  { label: 'list pods on all namespaces (for node alerts)', verb: 'list', resource: 'pods', cluster: true },
  { label: 'read pod metrics', verb: 'list', resource: 'pods', group: 'metrics.k8s.io' },
];

async function kubeChecks(config: EngineConfig, namespace: string | undefined): Promise<Check[]> {
  const checks: Check[] = [];
  let clients: ReturnType<ReturnType<typeof createKubeProvider>['forCluster']>;
  try {
    clients = createKubeProvider({ kubeconfig: config.kubeconfig, context: config.context }).forCluster(
      undefined,
    );
  } catch (err) {
    const e = err as Error;
    return [
      {
        ok: false,
        essential: true,
        what: 'kubeconfig',
        detail: e.message,
        fix: err instanceof KubeSetupError ? err.fix : undefined,
      },
    ];
  }
  checks.push({
    ok: true,
    essential: true,
    what: 'kubeconfig',
    detail: `context ${clients.context} (${clients.server})`,
  });
  const version = await read('API server', 5_000, (s) =>
    clients.config.makeApiClient(k8sLib().VersionApi).getCode(withSignal(s)),
  );
  if (!version.value) {
    checks.push({
      ok: false,
      essential: true,
      what: 'API server',
      detail: version.gap!.reason,
      fix: version.gap!.fix,
    });
    return checks;
  }
  checks.push({
    ok: true,
    essential: true,
    what: 'API server',
    detail: `Kubernetes ${version.value.gitVersion}`,
  });
  const ns = namespace ?? clients.config.getContextObject(clients.context)?.namespace ?? 'default';
  const results = await Promise.all(
    READS.map(async (r) => {
      const review = await read(r.label, 5_000, (s) =>
        clients.authz.createSelfSubjectAccessReview(
          {
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: {
                resourceAttributes: {
                  verb: r.verb,
                  resource: r.resource,
                  group: r.group ?? '',
                  subresource: r.subresource,
                  namespace: r.cluster ? undefined : ns,
                },
              },
            },
          },
          withSignal(s),
        ),
      );
      const where = r.cluster ? 'cluster-wide' : `in namespace ${ns}`;
      if (!review.value) {
        return {
          ok: false,
          essential: false,
          what: `${r.label} ${where}`,
          detail: `could not check: ${review.gap!.reason}`,
        };
      }
      const allowed = review.value.status?.allowed === true;
      return {
        ok: allowed,
        essential: Boolean(r.essential),
        what: `${r.label} ${where}`,
        detail: allowed
          ? 'allowed'
          : `denied${review.value.status?.reason ? `: ${review.value.status.reason}` : ''}`,
        ...(allowed
          ? {}
          : {
              fix: r.cluster
                ? `ask for a ClusterRole with ${r.verb} on ${r.group ? `${r.group}/` : ''}${r.resource}; without it ${r.resource === 'nodes' ? 'node alerts' : 'this part of the context'} will show a gap`
                : `ask for the built-in "view" ClusterRole bound in ${ns} (covers ${r.resource}${r.subresource ? `/${r.subresource}` : ''})`,
            }),
      } satisfies Check;
    }),
  );
  checks.push(...results);
  return checks;
}

async function ollamaChecks(config: EngineConfig): Promise<Check[]> {
  if (!config.llm)
    return [
      {
        ok: true,
        essential: false,
        what: 'Ollama',
        detail: 'not used (--no-llm): reports come from the rules',
      },
    ];
  try {
    const info = await Promise.race([
      modelInfo(config.ollamaHost, config.model),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no answer in 5 s')), 5_000).unref(),
      ),
    ]);
    const pulled = info.models.some((m) => m === config.model || m === `${config.model}:latest`);
    const checks: Check[] = [
      {
        ok: true,
        essential: true,
        what: 'Ollama',
        detail: `answering at ${config.ollamaHost}, ${info.models.length} model(s) installed`,
      },
    ];
    checks.push(
      pulled
        ? {
            ok: true,
            essential: true,
            what: `model ${config.model}`,
            detail: `pulled${info.contextLength ? `, trained context ${info.contextLength} tokens (num_ctx used: ${Math.min(config.numCtx, info.contextLength)})` : ''}`,
          }
        : {
            ok: false,
            essential: true,
            what: `model ${config.model}`,
            detail: 'not pulled',
            fix: `run \`ollama pull ${config.model}\``,
          },
    );
    return checks;
  } catch (err) {
    // fetch says only "fetch failed"; what happened is in its cause.
    const e = err as NodeJS.ErrnoException & { cause?: { code?: string; message?: string } };
    const code = e.code ?? e.cause?.code;
    const reason =
      code === 'ECONNREFUSED'
        ? 'nothing listens there (ECONNREFUSED)'
        : (code ?? (e.cause?.message || e.message || String(err)));
    return [
      {
        ok: false,
        essential: true,
        what: 'Ollama',
        detail: `not reachable at ${config.ollamaHost} (${reason})`,
        fix: 'start it with `ollama serve`, or pass --ollama-host',
      },
    ];
  }
}

function feishuChecks(config: EngineConfig): Check[] {
  const routes = feishuRoutes(config);
  if (!routes.length) {
    return [
      {
        ok: false,
        essential: false,
        what: 'Feishu',
        detail: 'not configured: reports stay on this laptop',
        fix: 'pass --feishu-webhook URL (and --feishu-secret) or set it in Settings',
      },
    ];
  }
  const checks: Check[] = routes.map((r) => ({
    ok: true,
    essential: false,
    what: `Feishu route ${r.name}`,
    detail: `${describeWebhook(r.url)}${r.secret ? ', signed' : ', unsigned'}${r.keyword ? `, keyword "${r.keyword}"` : ''}${r.match.length ? `, for ${r.match.join(', ')}` : ', all incidents'}`,
  }));
  // Cards Feishu refused for good, with the fix, from the engine's own outbox.
  const file = path.join(config.dataDir, 'oncall-scout.db');
  if (fs.existsSync(file)) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE name = 'deliveries'`).get();
      if (tables) {
        for (const f of createDeliveries(db).failures(5)) {
          checks.push({
            ok: false,
            essential: false,
            what: `Feishu route ${f.route}`,
            detail: `a card failed at ${f.at}: ${f.error}`,
            fix: f.fix ?? undefined,
          });
        }
      }
    } finally {
      db.close();
    }
  }
  return checks;
}

/** Each polled Alertmanager (pull mode): does it answer the list the poller asks for, and how many fire. */
async function alertmanagerChecks(config: EngineConfig): Promise<Check[]> {
  if (!config.alertmanagers.length) return [];
  let kube: ReturnType<typeof createKubeProvider> | undefined;
  const kubeFor = () =>
    (kube ??= createKubeProvider({
      kubeconfig: config.kubeconfig,
      context: config.context,
      clusterContexts: config.clusterContexts,
    }));
  return Promise.all(
    config.alertmanagers.map(async (source): Promise<Check> => {
      const what = `Alertmanager ${sourceName(source)}`;
      try {
        const conn = sourceConnection(
          { ...source, timeoutSeconds: Math.min(source.timeoutSeconds, 5) },
          kubeFor,
        );
        const [reply, am] = await Promise.all([
          conn.request(alertsPath(source)),
          readAmStatus(conn).catch(() => null),
        ]);
        const list = parseAlertList(parseJsonReply(reply, conn.target), '', new Date());
        const firing = list.alerts.filter((a) => a.alert.status === 'firing' && eligible(a, source)).length;
        return {
          ok: list.invalid === 0,
          essential: false,
          what,
          detail: `answering at ${conn.target}${am?.version ? ` (Alertmanager ${am.version})` : ''}: ${firing} firing alert(s) to analyse${list.invalid ? `; ${list.invalid} entries are not valid alerts (${list.firstProblem})` : ''}`,
          ...(list.invalid
            ? { fix: 'is this an Alertmanager API v2? check the URL and any path prefix' }
            : {}),
        };
      } catch (err) {
        return {
          ok: false,
          essential: true,
          what,
          detail: `cannot poll: ${(err as Error).message}`,
          fix: 'correct the source in Settings → Alertmanager sources (or its --alertmanager flag); the engine keeps retrying with back-off',
        };
      }
    }),
  );
}

/** Everything `oncall-scout doctor` checks, in the order it prints them. */
export async function runDoctor(config: EngineConfig, namespace?: string): Promise<Check[]> {
  const [kube, ollama, alertmanagers] = await Promise.all([
    kubeChecks(config, namespace),
    ollamaChecks(config),
    alertmanagerChecks(config),
  ]);
  return [...kube, ...ollama, ...alertmanagers, ...feishuChecks(config)];
}

export function formatChecks(checks: Check[]): string {
  return checks
    .map(
      (c) =>
        `${c.ok ? '✓' : c.essential ? '✗' : '!'} ${c.what}: ${c.detail}${c.fix ? `\n    fix: ${c.fix}` : ''}`,
    )
    .join('\n');
}
