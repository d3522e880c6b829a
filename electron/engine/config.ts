import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { AlertmanagerSource, sourceName } from '../../shared/alertmanager.ts';
import { FeishuRoute } from '../../shared/delivery.ts';
import { checkWebhookUrl } from './notify/feishu/url.ts';
import { parseMatcher } from './notify/routes.ts';

/** Everything the engine can be told. Flags > environment > config file > these defaults. */
export const EngineConfig = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(9095),
    dataDir: z.string().default(defaultDataDir()),
    kubeconfig: z.string().optional(),
    context: z.string().optional(),
    clusterLabel: z.string().default('cluster'),
    clusterContexts: z.record(z.string(), z.string()).optional(),
    ollamaHost: z.string().default('http://127.0.0.1:11434'),
    model: z.string().default('qwen2.5:14b'),
    llm: z.boolean().default(true),
    temperature: z.number().min(0).max(2).default(0.3),
    numCtx: z.number().int().min(2048).max(262_144).default(8192),
    /** Tokens of cluster context in the prompt; default: num_ctx minus room for instructions and answer. */
    contextBudget: z.number().int().min(500).max(250_000).optional(),
    firstTokenTimeoutMs: z.number().int().positive().default(60_000),
    llmTimeoutMs: z.number().int().positive().default(180_000),
    readTimeoutMs: z.number().int().positive().default(5_000),
    collectDeadlineMs: z.number().int().positive().default(15_000),
    /** A Prometheus to read the alert's expression and resource series from (after the generatorURL's host). */
    prometheus: z.string().url('must be a URL such as https://prometheus.example.com').optional(),
    prometheusAuth: z
      .object({
        bearer: z.string().optional(),
        username: z.string().optional(),
        password: z.string().optional(),
      })
      .strict()
      .optional(),
    /** A Prometheus service reached through the Kubernetes API server's proxy: namespace/service:port. */
    prometheusService: z
      .string()
      .regex(
        /^[a-z0-9-]+\/[a-z0-9-]+(:[\w-]+)?$/,
        'must be namespace/service[:port], e.g. monitoring/prometheus-k8s:web',
      )
      .optional(),
    /** Minutes of history before the alert to chart. */
    metricsWindowMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(60),
    /** Language of the reports: 'auto' follows the OS locale (Chinese or English). */
    language: z.enum(['auto', 'en', 'zh']).default('auto'),
    /** Local runbooks, `<alertname>.md`, used before the alert's runbook_url. */
    runbookDir: z.string().optional(),
    /** Fetch the alert's runbook_url page for the prompt (only the URL the alert names). */
    fetchRunbooks: z.boolean().default(true),
    /** The default Feishu/Lark custom bot: every incident. More bots with matchers in feishuRoutes. */
    feishuWebhook: z
      .string()
      .optional()
      .superRefine((v, ctx) => {
        const r = v ? checkWebhookUrl(v) : null;
        if (r && !r.ok) ctx.addIssue({ code: 'custom', message: r.error });
      }),
    feishuSecret: z.string().optional(),
    /** One of the bot's custom keywords (security setting), put in every card. */
    feishuKeyword: z.string().max(64).optional(),
    feishuRoutes: z
      .array(
        FeishuRoute.superRefine((r, ctx) => {
          const u = checkWebhookUrl(r.url);
          if (!u.ok) ctx.addIssue({ code: 'custom', path: ['url'], message: u.error });
          for (const m of r.match) {
            try {
              parseMatcher(m);
            } catch (err) {
              ctx.addIssue({ code: 'custom', path: ['match'], message: (err as Error).message });
            }
          }
        }),
      )
      .default([]),
    /** How long a new incident's card waits for the LLM's report before going out with the rules'. */
    feishuHoldSeconds: z.number().int().min(0).max(600).default(30),
    /** First retry delay of a failed card (doubles per attempt, up to 5 minutes). */
    feishuRetryBaseMs: z.number().int().min(10).max(600_000).default(2_000),
    /** Pull mode: Alertmanagers whose /api/v2/alerts are polled (URLs or namespace/service:port). */
    alertmanagers: z
      .array(AlertmanagerSource)
      .max(20)
      .default([])
      .superRefine((list, ctx) => {
        const names = list.map(sourceName);
        const dup = names.find((n, i) => names.indexOf(n) !== i);
        if (dup)
          ctx.addIssue({
            code: 'custom',
            message: `two sources are named "${dup}": give each a distinct name`,
          });
      }),
    /** The remediation policy file (YAML); default `<dataDir>/policy.yaml`, absent: suggest only. */
    policy: z.string().optional(),
    /**
     * How long after it starts the analysis worker loads the Kubernetes client (about a second of work),
     * unless an alert needed it first: the first alert's diagnosis then does not wait for it.
     */
    warmUpMs: z.number().int().min(0).max(600_000).default(10_000),
    /**
     * The analysis worker's nice value on Linux (0–19): 10 lets the webhook answer first under load; 0 runs
     * the analysis at the app's own priority, for a machine whose cores are kept busy by other work.
     */
    analysisNice: z.number().int().min(0).max(19).default(10),
    /** How often a running action's outcome (new pod Ready, rollout complete) is checked. */
    actionPollMs: z.number().int().min(20).max(60_000).default(2_000),
    token: z.string().min(16, 'must be at least 16 characters').optional(),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(5 * 1024 * 1024),
  })
  .strict();
export type EngineConfig = z.infer<typeof EngineConfig>;
export type EngineConfigInput = z.input<typeof EngineConfig>;

/** The Feishu routes in effect: the default webhook (all incidents) and the configured ones. */
export function feishuRoutes(config: EngineConfig): FeishuRoute[] {
  const base: FeishuRoute[] = config.feishuWebhook
    ? [
        {
          name: 'default',
          url: config.feishuWebhook,
          secret: config.feishuSecret,
          keyword: config.feishuKeyword,
          match: [],
        },
      ]
    : [];
  return [...base, ...config.feishuRoutes.map((r) => ({ ...r, keyword: r.keyword ?? config.feishuKeyword }))];
}

/** Room left for the cluster context in num_ctx: the system prompt, the alert, the hints and the answer take ~2,200. */
export function contextBudget(config: { numCtx: number; contextBudget?: number }): number {
  return config.contextBudget ?? Math.max(1_000, config.numCtx - 2_192);
}

export function defaultDataDir(): string {
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'oncall-scout');
  if (process.platform === 'win32')
    return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'oncall-scout');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'oncall-scout');
}

export class ConfigError extends Error {}

/** Reads a YAML or JSON config file; a bad key or type names the file, the key and the problem. */
export function readConfigFile(file: string): EngineConfigInput {
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  const parsed = EngineConfig.partial().safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(`config file ${file}: ${formatIssue(parsed.error)}`);
  return parsed.data as EngineConfigInput;
}

export function resolveConfig(...layers: EngineConfigInput[]): EngineConfig {
  const merged = Object.assign(
    {},
    ...layers.map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined))),
  );
  const parsed = EngineConfig.safeParse(merged);
  if (!parsed.success) throw new ConfigError(formatIssue(parsed.error));
  return parsed.data;
}

export function formatIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length
    ? issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '[')
    : '';
  return where ? `${where}: ${issue.message}` : issue.message;
}
