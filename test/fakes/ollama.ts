/**
 * A stand-in Ollama server that speaks the real HTTP API (PROTOCOLS.md §3), so the real `ollama` npm
 * client and raw `fetch` callers work against it unchanged. It answers instantly unless told to be slow,
 * and can misbehave in the ways a real local model server does (hangs, runner crashes, cut-off streams).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { CATEGORIES } from '../../shared/report.ts';

export interface ChatRequestRecord {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  format?: unknown;
  options?: Record<string, unknown>;
  keep_alive?: unknown;
  think?: unknown;
  receivedAt: number;
}

export type FakeOllamaMode =
  | 'ok'
  | 'hang'
  | 'hang-after-first-token'
  | 'midstream-error'
  | 'garbage'
  | 'http-500'
  | 'truncated-stream';

export interface FakeOllamaOptions {
  /** Installed models, default ['qwen2.5:14b']. */
  models?: string[];
  /** Reported as model_info["qwen2.context_length"], default 32768. */
  contextLength?: number;
  /** The assistant message content. */
  respond?: (req: ChatRequestRecord) => string | Promise<string>;
  /** Delay before the first streamed chunk (default 0). */
  firstTokenDelayMs?: number;
  /** Delay between streamed chunks (default 0): "slow mode". */
  tokenDelayMs?: number;
  /** Characters per streamed chunk (default 6). */
  chunkSize?: number;
  /** Default 'ok'. */
  mode?: FakeOllamaMode;
  port?: number;
}

export interface FakeOllama {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Every /api/chat request whose body parsed as JSON, in arrival order. */
  requests: ChatRequestRecord[];
  setOptions(opts: Partial<FakeOllamaOptions>): void;
  /** Stops the server; also ends hanging responses. */
  close(): Promise<void>;
}

const VERSION = '0.12.6';
const ARCH = 'qwen2';
/** What a small model says when it ignores the requested format. */
const GARBAGE =
  'I think the pod is broken. It looks like the container keeps restarting, so you should probably check the logs and maybe restart the deployment. Let me know if that helps!';
const MIDSTREAM_ERROR = 'an error was encountered while running the model: unexpected EOF';
const RUNNER_CRASH = 'llama runner process has terminated: exit status 2';
/** Chunks sent before a 'midstream-error' or 'truncated-stream' cuts the stream. */
const CHUNKS_BEFORE_ERROR = 2;
const CHUNKS_BEFORE_TRUNCATION = 3;
/** Ollama's num_ctx when a request sets none (v0.7–v0.15.4, and v0.15.5+ under 23 GiB VRAM). */
const DEFAULT_NUM_CTX = 4096;
const LOAD_DURATION_NS = 1_334_875;
const MODIFIED_AT = '2025-06-01T10:00:00.000000000Z';
const JSON_TYPE = 'application/json; charset=utf-8';

// ---------------------------------------------------------------------------------------------------------
// The default responder

/** The value after `<key>:` on the first line of `text` that starts with it (after indentation). */
function lineValue(text: string, key: string): string | undefined {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith(`${key}:`)) return trimmed.slice(key.length + 1).trim();
  }
  return undefined;
}

function lastUserContent(req: ChatRequestRecord): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i];
    if (m?.role === 'user') return m.content;
  }
  return '';
}

/** A JSON object valid for the app's diagnosis schema; tests steer it with `hint-category:`/`namespace:` lines. */
export function defaultRespond(req: ChatRequestRecord): string {
  const text = lastUserContent(req);
  const hint = lineValue(text, 'hint-category');
  const hinted = CATEGORIES.find((c) => c === hint);
  const category = hinted ?? 'Unknown';
  const namespace = lineValue(text, 'namespace');
  const inspect = namespace
    ? { title: `Inspect recent events in ${namespace}`, command: `kubectl get events -n ${namespace}` }
    : { title: 'Inspect recent events for the workload' };
  return JSON.stringify({
    rootCause: {
      category,
      explanation: `The evidence points to ${category}. This is the fake model's canned diagnosis.`,
      confidence: hinted ? 80 : 30,
      evidence: [`hint-category: ${hint ?? '(none)'}`],
    },
    impact: `The workload is degraded because of ${category}.`,
    steps: [
      { ...inspect, risk: 'read-only' },
      { title: `Apply the usual remediation for ${category}`, risk: 'low' },
    ],
    prevention: [`Add an alert that catches ${category} earlier.`],
  });
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers

/** Resolves after `ms`, or early (without throwing) when `signal` aborts; returns whether it slept fully. */
async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Resolves when `signal` aborts: how a hanging handler waits for the client or close(). */
function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': JSON_TYPE });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, error: string): void {
  sendJson(res, status, { error });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** Parses a request body the way gin's ShouldBindJSON fails: empty → "missing request body". */
function parseObject(text: string): Parsed {
  if (text.trim() === '') return { ok: false, error: 'missing request body' };
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return { ok: true, value: value as Record<string, unknown> };
    }
    return { ok: false, error: 'json: cannot unmarshal into Go value of type api.Request' };
  } catch (err) {
    return { ok: false, error: `invalid character in JSON body: ${(err as Error).message}` };
  }
}

/** Ollama treats a name without a tag as `:latest`. */
function normalizeName(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

function nowIso(): string {
  return new Date().toISOString();
}

function digestOf(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/** chars/4: the rough token estimate the brief asks for; real counts come from the tokenizer. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function chunksOf(text: string, size: number): string[] {
  const step = Math.max(1, Math.floor(size));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += step) out.push(text.slice(i, i + step));
  return out.length > 0 ? out : [''];
}

/** True for any `think` value that asks for thinking: true or a level (api.ThinkValue.Bool). */
function wantsThinking(think: unknown): boolean {
  return think === true || think === 'high' || think === 'medium' || think === 'low';
}

// ---------------------------------------------------------------------------------------------------------
// Model metadata

const DETAILS = {
  parent_model: '',
  format: 'gguf',
  family: ARCH,
  families: [ARCH],
  parameter_size: '14.8B',
  quantization_level: 'Q4_K_M',
};
const MODEL_SIZE = 8_988_124_069;
const TEMPLATE =
  '{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n';

function tagEntry(name: string) {
  return {
    name,
    model: name,
    modified_at: MODIFIED_AT,
    size: MODEL_SIZE,
    digest: digestOf(name),
    details: DETAILS,
  };
}

function showBody(name: string, contextLength: number) {
  return {
    license: 'Apache License\nVersion 2.0, January 2004',
    modelfile: `# Modelfile generated by "ollama show"\nFROM /models/blobs/sha256-${digestOf(name)}\nTEMPLATE """${TEMPLATE}"""\n`,
    // No num_ctx here, like the library qwen2.5 Modelfile: the server default applies.
    parameters: 'stop                           "<|im_start|>"\nstop                           "<|im_end|>"',
    template: TEMPLATE,
    details: DETAILS,
    model_info: {
      'general.architecture': ARCH,
      'general.parameter_count': 14_770_033_664,
      'general.quantization_version': 2,
      [`${ARCH}.context_length`]: contextLength,
      [`${ARCH}.embedding_length`]: 5120,
      [`${ARCH}.block_count`]: 48,
    },
    capabilities: ['completion', 'tools'],
    modified_at: MODIFIED_AT,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The server

interface State {
  opts: FakeOllamaOptions;
  requests: ChatRequestRecord[];
  /** Models a chat has "loaded", with the num_ctx they were loaded with (what /api/ps reports). */
  loaded: Map<string, number>;
  /** Aborted by close(): ends every sleep and hang. */
  closing: AbortController;
}

/** Settings with defaults applied; read per request so setOptions() affects the next request. */
function settings(state: State) {
  const o = state.opts;
  return {
    models: (o.models ?? ['qwen2.5:14b']).map(normalizeName),
    contextLength: o.contextLength ?? 32768,
    respond: o.respond ?? defaultRespond,
    firstTokenDelayMs: o.firstTokenDelayMs ?? 0,
    tokenDelayMs: o.tokenDelayMs ?? 0,
    chunkSize: o.chunkSize ?? 6,
    mode: o.mode ?? 'ok',
  };
}
type Settings = ReturnType<typeof settings>;

function isInstalled(s: Settings, name: string): boolean {
  return s.models.includes(normalizeName(name));
}

function toRecord(body: Record<string, unknown>): ChatRequestRecord {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return {
    model: typeof body.model === 'string' ? body.model : '',
    messages: messages.map((m: { role?: unknown; content?: unknown }) => ({
      role: String(m?.role ?? ''),
      content: typeof m?.content === 'string' ? m.content : String(m?.content ?? ''),
    })),
    stream: body.stream as boolean | undefined,
    format: body.format,
    options: body.options as Record<string, unknown> | undefined,
    keep_alive: body.keep_alive,
    think: body.think,
    receivedAt: Date.now(),
  };
}

/** A signal that fires when the client goes away or the server is closing. */
function requestSignal(state: State, res: ServerResponse): AbortSignal {
  const client = new AbortController();
  res.on('close', () => client.abort());
  return AbortSignal.any([client.signal, state.closing.signal]);
}

/** Answers that make hanging visible: on close() the socket is dropped, as when the server dies. */
async function hang(res: ServerResponse, signal: AbortSignal): Promise<void> {
  await untilAborted(signal);
  res.destroy();
}

interface Generation {
  record: ChatRequestRecord;
  content: string;
  startedAt: bigint;
  signal: AbortSignal;
}

function chunkLine(model: string, content: string): string {
  return `${JSON.stringify({ model, created_at: nowIso(), message: { role: 'assistant', content }, done: false })}\n`;
}

/** The final object: durations in nanoseconds, counts as rough token estimates. */
function finalObject(gen: Generation, content: string, evalStartedAt: bigint) {
  const now = process.hrtime.bigint();
  const promptText = gen.record.messages.map((m) => m.content).join('\n');
  // Nothing is really loaded, so the fixed load time is added to the measured time.
  const total = Number(now - gen.startedAt) + LOAD_DURATION_NS;
  const evalDuration = Math.max(1, Number(now - evalStartedAt));
  return {
    model: gen.record.model,
    created_at: nowIso(),
    message: { role: 'assistant', content },
    done: true,
    done_reason: 'stop',
    total_duration: total,
    load_duration: LOAD_DURATION_NS,
    prompt_eval_count: estimateTokens(promptText),
    prompt_eval_duration: Math.max(1, Math.floor(total / 10)),
    eval_count: estimateTokens(gen.content),
    eval_duration: evalDuration,
  };
}

/** How many content chunks a mode lets through before it misbehaves (Infinity = all). */
function chunkLimit(mode: FakeOllamaMode): number {
  if (mode === 'hang-after-first-token') return 1;
  if (mode === 'midstream-error') return CHUNKS_BEFORE_ERROR;
  if (mode === 'truncated-stream') return CHUNKS_BEFORE_TRUNCATION;
  return Number.POSITIVE_INFINITY;
}

/** What a stream does once its chunk limit is reached (or it ran out of content). */
async function finishStream(res: ServerResponse, gen: Generation, mode: FakeOllamaMode, evalStart: bigint) {
  if (mode === 'hang-after-first-token') return hang(res, gen.signal);
  // Once streaming has started the status is already 200, so errors arrive as an NDJSON line.
  if (mode === 'midstream-error') res.write(`${JSON.stringify({ error: MIDSTREAM_ERROR })}\n`);
  else if (mode !== 'truncated-stream') res.write(`${JSON.stringify(finalObject(gen, '', evalStart))}\n`);
  res.end();
}

/**
 * Streams NDJSON. Headers go out with the first chunk, as gin's c.Stream does, so a slow first token
 * (model load, prompt eval) keeps `await ollama.chat({stream:true})` itself waiting.
 */
async function streamChat(res: ServerResponse, gen: Generation, s: Settings): Promise<void> {
  const chunks = chunksOf(gen.content, s.chunkSize);
  const limit = Math.min(chunks.length, chunkLimit(s.mode));
  if (!(await sleep(s.firstTokenDelayMs, gen.signal))) return void res.destroy();
  const evalStart = process.hrtime.bigint();
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  for (let i = 0; i < limit; i++) {
    if (i > 0 && !(await sleep(s.tokenDelayMs, gen.signal))) return void res.destroy();
    res.write(chunkLine(gen.record.model, chunks[i] ?? ''));
  }
  // The done line costs one more token's time, so n chunks take about n * tokenDelayMs after the first.
  if (limit === chunks.length && !(await sleep(s.tokenDelayMs, gen.signal))) return void res.destroy();
  await finishStream(res, gen, s.mode, evalStart);
}

/** Non-streaming: the whole generation time passes before the one JSON object (or error) is sent. */
async function wholeChat(res: ServerResponse, gen: Generation, s: Settings): Promise<void> {
  if (s.mode === 'hang-after-first-token') return hang(res, gen.signal);
  const chunks = chunksOf(gen.content, s.chunkSize).length;
  const evalStart = process.hrtime.bigint();
  if (!(await sleep(s.firstTokenDelayMs + s.tokenDelayMs * chunks, gen.signal))) return void res.destroy();
  // A runner failure mid-generation surfaces as a 500 on the non-stream path (routes.go ChatHandler).
  if (s.mode === 'midstream-error') return sendError(res, 500, MIDSTREAM_ERROR);
  const body = JSON.stringify(finalObject(gen, gen.content, evalStart));
  if (s.mode === 'truncated-stream') {
    // The connection drops part-way through the body: the client's response.json() fails.
    res.writeHead(200, { 'Content-Type': JSON_TYPE });
    return void res.end(body.slice(0, Math.floor(body.length / 2)));
  }
  res.writeHead(200, { 'Content-Type': JSON_TYPE });
  res.end(body);
}

/** Checks done before any generation, in ChatHandler's order; returns true when it answered. */
function rejectChat(res: ServerResponse, record: ChatRequestRecord, s: Settings): boolean {
  if (record.model === '') sendError(res, 400, 'model is required');
  else if (!isInstalled(s, record.model)) sendError(res, 404, `model '${record.model}' not found`);
  else if (wantsThinking(record.think)) sendError(res, 400, `"${record.model}" does not support thinking`);
  else if (s.mode === 'http-500') sendError(res, 500, RUNNER_CRASH);
  else return false;
  return true;
}

function markLoaded(state: State, record: ChatRequestRecord, s: Settings): void {
  const requested = Number(record.options?.num_ctx);
  const numCtx = Number.isFinite(requested) && requested > 0 ? requested : DEFAULT_NUM_CTX;
  // Ollama clamps num_ctx to the model's trained context.
  state.loaded.set(normalizeName(record.model), Math.min(numCtx, s.contextLength));
}

async function handleChat(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = parseObject(await readBody(req));
  if (!parsed.ok) return sendError(res, 400, parsed.error);
  const record = toRecord(parsed.value);
  state.requests.push(record);
  const s = settings(state);
  if (rejectChat(res, record, s)) return;
  const signal = requestSignal(state, res);
  markLoaded(state, record, s);
  if (s.mode === 'hang') return hang(res, signal);
  let content: string;
  try {
    content = s.mode === 'garbage' ? GARBAGE : await s.respond(record);
  } catch (err) {
    return sendError(res, 500, `respond failed: ${(err as Error).message}`);
  }
  const gen: Generation = { record, content, startedAt: process.hrtime.bigint(), signal };
  // The server default is to stream; only an explicit false turns it off.
  if (parsed.value.stream === false) return wholeChat(res, gen, s);
  return streamChat(res, gen, s);
}

async function handleShow(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = parseObject(await readBody(req));
  if (!parsed.ok) return sendError(res, 400, parsed.error);
  // `name` is the older alias of `model`.
  const raw = parsed.value.model ?? parsed.value.name;
  const name = typeof raw === 'string' ? raw : '';
  const s = settings(state);
  if (name === '') return sendError(res, 400, 'model is required');
  if (!isInstalled(s, name)) return sendError(res, 404, `model '${name}' not found`);
  sendJson(res, 200, showBody(normalizeName(name), s.contextLength));
}

function handlePs(state: State, res: ServerResponse): void {
  const expiresAt = new Date(Date.now() + 5 * 60_000).toISOString();
  const models = [...state.loaded].map(([name, contextLength]) => ({
    ...tagEntry(name),
    expires_at: expiresAt,
    size_vram: MODEL_SIZE,
    context_length: contextLength,
  }));
  sendJson(res, 200, { models });
}

function handleRoot(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(req.method === 'HEAD' ? undefined : 'Ollama is running');
}

async function route(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://fake').pathname;
  const key = `${req.method} ${path}`;
  if (key === 'GET /' || key === 'HEAD /') return handleRoot(req, res);
  if (key === 'POST /api/chat') return handleChat(state, req, res);
  if (key === 'POST /api/show') return handleShow(state, req, res);
  if (key === 'GET /api/tags') return sendJson(res, 200, { models: settings(state).models.map(tagEntry) });
  if (key === 'GET /api/ps') return handlePs(state, res);
  if (key === 'GET /api/version') return sendJson(res, 200, { version: VERSION });
  // gin's default for unknown routes (and wrong methods) is a plain-text 404.
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('404 page not found');
}

function onRequest(state: State, req: IncomingMessage, res: ServerResponse): void {
  route(state, req, res).catch((err: unknown) => {
    if (res.headersSent) res.destroy();
    else sendError(res, 500, (err as Error).message);
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const state: State = { opts: { ...opts }, requests: [], loaded: new Map(), closing: new AbortController() };
  const server = createServer((req, res) => onRequest(state, req, res));
  const port = await listen(server, opts.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}`,
    requests: state.requests,
    setOptions(next) {
      state.opts = { ...state.opts, ...next };
    },
    close() {
      state.closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would otherwise hold close() open for seconds.
      server.closeAllConnections();
      return closed;
    },
  };
}
