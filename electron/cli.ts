import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Alert, WebhookAlert, WebhookPayload } from '../shared/alert.ts';
import { type AlertmanagerSourceInput, SERVICE_REF } from '../shared/alertmanager.ts';
import { checkPolicyFile, PolicyFileError } from './engine/act/policy-store.ts';
import { analyzeOnce } from './engine/analyze.ts';
import { createKubeProvider } from './engine/collect/kube.ts';
import {
  ConfigError,
  defaultDataDir,
  type EngineConfig,
  type EngineConfigInput,
  readConfigFile,
  resolveConfig,
} from './engine/config.ts';
import { findRunbook } from './engine/diagnose/runbook.ts';
import { createEngine, type Engine } from './engine/engine.ts';
import { labelsFingerprint } from './engine/intake/fingerprint.ts';
import { alertsFromPayload, canonicalTime, endTime } from './engine/intake/normalize.ts';
import { pipelineSettings } from './engine/pipeline.ts';
import { reportMarkdown } from './engine/report-markdown.ts';
import { createServer, listen } from './engine/server.ts';
import { fileSecretStore } from './engine/settings/secrets.ts';
import { savedConfig } from './engine/settings/stored.ts';
import { MAX_ATTEMPTS } from './engine/store/queue.ts';
import { VERSION } from './engine/version.ts';

/** The package root: this file runs from electron/cli.ts (sources) or out/engine/cli.mjs (bundle). */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, path.basename(HERE) === 'engine' ? '../..' : '..');
export const RENDERER_DIR = path.join(ROOT, 'out', 'renderer');

const ENGINE_FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'ollama-host': { type: 'string' },
  model: { type: 'string' },
  'no-llm': { type: 'boolean' },
  prometheus: { type: 'string' },
  language: { type: 'string' },
  'feishu-webhook': { type: 'string' },
  'feishu-secret': { type: 'string' },
  'feishu-keyword': { type: 'string' },
  alertmanager: { type: 'string', multiple: true },
  token: { type: 'string' },
  policy: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `oncall-scout ${VERSION} — first responder for Kubernetes alerts

Usage:
  oncall-scout serve   [flags]              run the engine: webhook, API and UI on http://HOST:PORT
  oncall-scout demo    [flags]              the same against a simulated cluster with sample alerts firing
  oncall-scout analyze --alert FILE [--json] [flags]
                                            diagnose one alert (Alertmanager payload or alert JSON) and print the report
  oncall-scout doctor  [--namespace NS] [--json] [flags]
                                            check cluster access (which reads are allowed), Ollama and the model, Feishu

Flags (environment in brackets):
  --host HOST            listen address (127.0.0.1)
  --port PORT            listen port (9095; 0 picks a free one)
  --data-dir DIR         where the database and token live
  --kubeconfig FILE      kubeconfig to read the cluster with [KUBECONFIG]
  --context NAME         kubeconfig context (default: the current one)
  --ollama-host URL      Ollama server [OLLAMA_HOST] (http://127.0.0.1:11434)
  --model NAME           Ollama model (qwen2.5:14b)
  --no-llm               rules only, never call Ollama
  --prometheus URL       Prometheus to chart the alert's expression from (after the alert's own host)
  --language en|zh|auto  language of the reports (auto: the OS locale)
  --feishu-webhook URL   Feishu/Lark custom-bot webhook to mirror reports to
  --feishu-secret S      the bot's signing secret
  --feishu-keyword K     one of the bot's custom keywords (put in every card)
  --alertmanager SRC     pull alerts from an Alertmanager (repeatable): a URL (http://am:9093,
                         http://user:pass@am:9093) or a Service through the Kubernetes API server,
                         namespace/service:port (e.g. monitoring/alertmanager-main:web)
  --token T              API token (generated and stored in the data dir when absent)
  --policy FILE          remediation policy (YAML): which actions the app may take, and where
                         (default <data dir>/policy.yaml; without one it only suggests)
  --config FILE          YAML/JSON file with any of the settings above (camelCase keys)
`;

type Flags = ReturnType<typeof parseFlags>['values'];

function parseFlags(argv: string[]) {
  return parseArgs({ args: argv, options: ENGINE_FLAGS, allowPositionals: false, strict: true });
}

/** Flags > settings saved in the app (data dir) > environment > config file > defaults. */
export function configFromFlags(v: Flags, env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const file: EngineConfigInput = v.config ? readConfigFile(v.config) : {};
  const fromEnv: EngineConfigInput = {
    kubeconfig: env.KUBECONFIG || undefined,
    ollamaHost: env.OLLAMA_HOST || undefined,
  };
  let port: number | undefined;
  if (v.port !== undefined) {
    port = Number(v.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConfigError(`--port: "${v.port}" is not a port number`);
  }
  const flags: EngineConfigInput = {
    alertmanagers: v.alertmanager?.map(alertmanagerFlag),
    host: v.host,
    port,
    dataDir: v['data-dir'],
    kubeconfig: v.kubeconfig,
    context: v.context,
    ollamaHost: v['ollama-host'],
    model: v.model,
    llm: v['no-llm'] ? false : undefined,
    prometheus: v.prometheus,
    language: v.language as EngineConfigInput['language'],
    feishuWebhook: v['feishu-webhook'],
    feishuSecret: v['feishu-secret'],
    feishuKeyword: v['feishu-keyword'],
    token: v.token,
    policy: v.policy,
  };
  const dataDir = flags.dataDir ?? file.dataDir ?? defaultDataDir();
  const saved = savedConfig(dataDir, fileSecretStore(dataDir), (m) => console.error(`oncall-scout: ${m}`));
  return resolveConfig(file, fromEnv, saved, flags);
}

/** `--alertmanager`: a URL, or namespace/service:port reached through the API server's service proxy. */
export function alertmanagerFlag(value: string): AlertmanagerSourceInput {
  if (/^https?:\/\//i.test(value)) {
    if (!URL.canParse(value)) throw new ConfigError(`--alertmanager: "${value}" is not a valid URL`);
    return { url: value };
  }
  if (SERVICE_REF.test(value)) return { service: value };
  throw new ConfigError(
    `--alertmanager: "${value}" is neither an http(s) URL nor namespace/service:port (e.g. monitoring/alertmanager-main:web)`,
  );
}

export interface Running {
  engine: Engine;
  url: string;
  close(): Promise<void>;
}

/** Starts engine + HTTP server; the last line printed is the contract: `listening on http://HOST:PORT`. */
export async function startServe(
  config: EngineConfig,
  out: (line: string) => void = console.log,
): Promise<Running> {
  // A policy that does not parse stops the start, with its line: better than running on a guess.
  const policy = checkPolicyFile(config);
  const engine = createEngine(config, { log: (m) => console.error(m) });
  const server = createServer(engine, { staticDir: RENDERER_DIR });
  let addr: Awaited<ReturnType<typeof listen>>;
  try {
    addr = await listen(server, config.host, config.port);
  } catch (err) {
    await engine.close();
    throw err;
  }
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  const resumed = await engine.pipeline.start();
  out(`UI:       ${url}/?token=${engine.token}`);
  out(`webhook:  ${url}/webhook/alertmanager  (Authorization: Bearer ${engine.token})`);
  out(`data:     ${config.dataDir}`);
  out(`cluster:  ${describeKube(engine)}`);
  out(`LLM:      ${config.llm ? `${config.model} at ${config.ollamaHost}` : 'off (--no-llm): rules only'}`);
  out(`policy:   ${policy}`);
  for (const s of engine.sources.status()) out(`pulling:  ${s.name} (${s.target})`);
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html')))
    out('note:     the UI is not built; run `npm run build:renderer` (npm run serve does it)');
  if (resumed.resumed) out(`resumed:  ${resumed.resumed} unfinished incident(s)`);
  if (resumed.failed)
    out(`failed:   ${resumed.failed} incident(s) that interrupted the engine ${MAX_ATTEMPTS} times`);
  // Last, so whoever waits for this line finds everything above already printed.
  out(`listening on ${url}`);
  return {
    engine,
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await engine.close();
    },
  };
}

function describeKube(engine: Engine): string {
  const k = engine.kube.describe();
  return k.context
    ? `${k.context} (${k.server})`
    : 'no usable kubeconfig: incidents will say what is missing';
}

function untilSignal(running: Running): Promise<number> {
  return new Promise((resolve) => {
    const stop = async (sig: string) => {
      console.error(`${sig}: stopping`);
      await running.close();
      resolve(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}

/** Accepts an Alertmanager v4 payload, one alert object, or an array of alerts. */
export function alertsFromFile(text: string): Alert[] {
  const json = JSON.parse(text) as unknown;
  const payload = WebhookPayload.safeParse(json);
  if (payload.success) return alertsFromPayload(payload.data);
  const list = Array.isArray(json) ? json : [json];
  return list.map((raw, i) => {
    const withDefaults = { status: 'firing', startsAt: new Date().toISOString(), ...(raw as object) };
    const a = WebhookAlert.safeParse(withDefaults);
    if (!a.success) {
      const issue = a.error.issues[0]!;
      throw new ConfigError(`alert ${i}: ${issue.path.join('.') || 'alert'}: ${issue.message}`);
    }
    return Alert.parse({
      fingerprint: a.data.fingerprint ?? labelsFingerprint(a.data.labels),
      status: a.data.status,
      labels: a.data.labels,
      annotations: a.data.annotations,
      startsAt: canonicalTime(a.data.startsAt),
      endsAt: endTime(a.data.endsAt),
      generatorURL: a.data.generatorURL,
      externalURL: '',
      receiver: '',
      groupKey: '',
    });
  });
}

async function analyzeCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...ENGINE_FLAGS, alert: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) return usage(0);
  if (!values.alert) {
    console.error('analyze needs --alert FILE (an Alertmanager webhook payload or an alert as JSON)');
    return 2;
  }
  const config = configFromFlags(values);
  const alerts = alertsFromFile(fs.readFileSync(values.alert, 'utf8'));
  const kube = createKubeProvider({
    kubeconfig: config.kubeconfig,
    context: config.context,
    clusterContexts: config.clusterContexts,
  });
  const { llm, collect, clusterLabel, lang, runbooks } = pipelineSettings(config);
  const results = [];
  for (const alert of alerts) {
    const runbook = llm ? await findRunbook(alert, runbooks) : undefined;
    const r = await analyzeOnce(alert, kube, collect, llm, clusterLabel, lang, { runbook });
    results.push({ alert, ...r });
  }
  if (values.json) {
    console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
  } else {
    console.log(results.map((r) => reportMarkdown(r.alert, r.report, r.context)).join('\n---\n\n'));
  }
  return 0;
}

async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...ENGINE_FLAGS, namespace: { type: 'string', short: 'n' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) return usage(0);
  const { runDoctor, formatChecks } = await import('./engine/doctor.ts');
  const checks = await runDoctor(configFromFlags(values), values.namespace);
  console.log(values.json ? JSON.stringify(checks, null, 2) : formatChecks(checks));
  return checks.some((c) => c.essential && !c.ok) ? 1 : 0;
}

async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv);
  if (values.help) return usage(0);
  const running = await startServe(configFromFlags(values));
  return untilSignal(running);
}

async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv);
  if (values.help) return usage(0);
  const { startDemo } = await import('./demo.ts');
  const running = await startDemo(values, configFromFlags);
  return untilSignal(running);
}

function usage(code: number): number {
  (code === 0 ? console.log : console.error)(USAGE);
  return code;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest);
      case 'demo':
        return await demoCommand(rest);
      case 'analyze':
        return await analyzeCommand(rest);
      case 'doctor':
        return await doctorCommand(rest);
      case '--version':
      case 'version':
        console.log(VERSION);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return usage(command === undefined ? 2 : 0);
      default:
        console.error(`unknown command "${command}"\n`);
        return usage(2);
    }
  } catch (err) {
    const e = err as Error & { code?: string };
    if (
      err instanceof ConfigError ||
      err instanceof PolicyFileError ||
      e.code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`oncall-scout: ${e.message}`);
      return 2;
    }
    console.error(`oncall-scout: ${e.message}`);
    return 1;
  }
}
