/**
 * Drives the stand-in Ollama with the real `ollama` npm client (and raw fetch where the client hides the
 * wire), so the fake is held to what the client actually does with each response.
 */
import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { LlmDiagnosis } from '../../shared/report.ts';
import { defaultRespond, type FakeOllama, type FakeOllamaOptions, startFakeOllama } from '../fakes/ollama.ts';

const MODEL = 'qwen2.5:14b';
const USER = {
  role: 'user',
  content: 'alert: KubePodCrashLooping\nnamespace: prod\nhint-category: CrashLoop',
};

let fake: FakeOllama | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(opts?: FakeOllamaOptions): Promise<{ fake: FakeOllama; ollama: Ollama }> {
  fake = await startFakeOllama(opts);
  return { fake, ollama: new Ollama({ host: fake.url }) };
}

/** What the client throws for HTTP errors; ResponseError itself is not exported. */
interface ResponseErrorLike {
  name: string;
  status_code: number;
  error: string;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

async function streamChat(ollama: Ollama) {
  return ollama.chat({ model: MODEL, messages: [USER], stream: true });
}

describe('fake Ollama: chat via the real client', () => {
  it('answers a non-stream chat with one final object; the client sent stream:false', async () => {
    const { fake, ollama } = await start();
    const res = await ollama.chat({ model: MODEL, messages: [USER] });
    expect(res.done).toBe(true);
    expect(res.done_reason).toBe('stop');
    expect(res.message.role).toBe('assistant');
    const diagnosis = JSON.parse(res.message.content);
    expect(diagnosis.rootCause).toMatchObject({ category: 'CrashLoop', confidence: 80 });
    expect(diagnosis.steps[0]).toEqual({
      title: expect.any(String),
      command: 'kubectl get events -n prod',
      risk: 'read-only',
    });
    expect(res.eval_count).toBeGreaterThan(0);
    expect(res.prompt_eval_count).toBe(Math.ceil(USER.content.length / 4));
    // The client defaults stream to false, the opposite of the server.
    expect(fake.requests[0]?.stream).toBe(false);
  });

  it('streams NDJSON chunks whose last one is done:true with metrics', async () => {
    const { ollama } = await start({ chunkSize: 10 });
    const parts = [];
    for await (const part of await streamChat(ollama)) parts.push(part);
    const last = parts.at(-1)!;
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.slice(0, -1).every((p) => p.done === false)).toBe(true);
    expect(last).toMatchObject({ done: true, done_reason: 'stop', message: { content: '' } });
    for (const k of ['total_duration', 'load_duration', 'prompt_eval_count', 'eval_count', 'eval_duration']) {
      expect(last[k as keyof typeof last]).toBeGreaterThan(0);
    }
    const text = parts.map((p) => p.message.content).join('');
    expect(text).toBe(defaultRespond({ model: MODEL, messages: [USER], receivedAt: 0 }));
  });

  it('records format, options and keep_alive, and returns what respond() gives', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    const { fake, ollama } = await start({ respond: () => '{"a":"b"}' });
    const res = await ollama.chat({
      model: MODEL,
      messages: [USER],
      format: schema,
      options: { temperature: 0, num_ctx: 16384 },
      keep_alive: '10m',
    });
    expect(res.message.content).toBe('{"a":"b"}');
    expect(fake.requests[0]).toMatchObject({
      model: MODEL,
      format: schema,
      options: { num_ctx: 16384 },
      keep_alive: '10m',
    });
    expect(fake.requests[0]?.messages).toEqual([USER]);
  });

  it('applies setOptions to the next request', async () => {
    const { fake, ollama } = await start();
    fake.setOptions({ mode: 'garbage' });
    const res = await ollama.chat({ model: MODEL, messages: [USER] });
    expect(res.message.content).toMatch(/^I think the pod is broken/);
    expect(() => JSON.parse(res.message.content)).toThrow();
  });
});

describe('fake Ollama: errors as the client sees them', () => {
  it('404s an unknown model as a ResponseError, on both the stream and non-stream paths', async () => {
    const { ollama } = await start();
    const err = (await caught(ollama.chat({ model: 'llama3:8b', messages: [USER] }))) as ResponseErrorLike;
    expect(err).toMatchObject({
      name: 'ResponseError',
      status_code: 404,
      error: "model 'llama3:8b' not found",
    });
    // With stream:true the HTTP error is thrown by the chat() call itself, before iteration.
    const streamed = (await caught(
      ollama.chat({ model: 'llama3:8b', messages: [USER], stream: true }),
    )) as ResponseErrorLike;
    expect(streamed.status_code).toBe(404);
    expect(streamed.error).toContain('not found');
  });

  it('rejects think:true with 400 because qwen2.5 cannot think', async () => {
    const { ollama } = await start();
    const err = (await caught(
      ollama.chat({ model: MODEL, messages: [USER], think: true }),
    )) as ResponseErrorLike;
    expect(err).toMatchObject({ name: 'ResponseError', status_code: 400 });
    expect(err.error).toBe(`"${MODEL}" does not support thinking`);
  });

  it('turns a mid-stream error line into a plain Error during iteration', async () => {
    const { ollama } = await start({ mode: 'midstream-error' });
    const seen: string[] = [];
    const err = await caught(
      (async () => {
        for await (const part of await streamChat(ollama)) seen.push(part.message.content);
      })(),
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('Error');
    expect((err as Error).message).toContain('unexpected EOF');
    expect(seen).toHaveLength(2);
  });

  it('makes the client throw when a stream ends without done:true', async () => {
    const { ollama } = await start({ mode: 'truncated-stream' });
    const err = await caught(
      (async () => {
        for await (const _ of await streamChat(ollama)) {
          // drain
        }
      })(),
    );
    expect((err as Error).message).toBe('Did not receive done or success response in stream.');
  });

  it('answers http-500 with the runner-crash error', async () => {
    const { ollama } = await start({ mode: 'http-500' });
    const err = (await caught(ollama.chat({ model: MODEL, messages: [USER] }))) as ResponseErrorLike;
    expect(err).toMatchObject({ name: 'ResponseError', status_code: 500 });
    expect(err.error).toContain('llama runner process has terminated');
  });
});

describe('fake Ollama: hangs and timing', () => {
  it('hang-after-first-token: it.abort() rejects the stalled iteration with AbortError', async () => {
    const { ollama } = await start({ mode: 'hang-after-first-token' });
    const it = await streamChat(ollama);
    const seen: string[] = [];
    setTimeout(() => it.abort(), 100);
    const err = await caught(
      (async () => {
        for await (const part of it) seen.push(part.message.content);
      })(),
    );
    expect((err as Error).name).toBe('AbortError');
    expect(seen).toHaveLength(1);
  });

  it('hang: nothing arrives, so only an abort signal of our own (custom fetch) ends the wait', async () => {
    // With no headers, chat() has not returned an iterator, so neither it.abort() nor ollama.abort() can
    // reach the request: a custom fetch is the only way in.
    const ctl = new AbortController();
    fake = await startFakeOllama({ mode: 'hang' });
    const ollama = new Ollama({
      host: fake.url,
      fetch: (input, init) => fetch(input, { ...init, signal: ctl.signal }),
    });
    setTimeout(() => ctl.abort(), 100);
    const started = Date.now();
    const err = await caught(streamChat(ollama));
    expect((err as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('hang: close() ends the hanging response, and the client sees a failed fetch', async () => {
    const { fake, ollama } = await start({ mode: 'hang' });
    const pending = caught(ollama.chat({ model: MODEL, messages: [USER] }));
    await new Promise((r) => setTimeout(r, 50));
    await fake.close();
    const err = (await pending) as Error;
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('fetch failed');
  });

  it('slow mode: the first token comes quickly and the rest are spread out', async () => {
    const delay = 40;
    const { ollama } = await start({
      tokenDelayMs: delay,
      chunkSize: 4,
      respond: () => 'abcdefghijklmnopqrst',
    });
    const started = performance.now();
    const arrivals: number[] = [];
    for await (const _ of await streamChat(ollama)) arrivals.push(performance.now() - started);
    // 5 content chunks then the done line: 5 gaps of `delay` after the first chunk.
    expect(arrivals).toHaveLength(6);
    const first = arrivals[0]!;
    const total = arrivals.at(-1)!;
    expect(first).toBeLessThan(delay * 2);
    expect(total).toBeGreaterThanOrEqual(5 * delay * 0.8);
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
  });

  it('firstTokenDelayMs holds back the headers, so chat() itself waits', async () => {
    const { ollama } = await start({ firstTokenDelayMs: 150 });
    const started = performance.now();
    await streamChat(ollama);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150 * 0.8);
  });
});

describe('fake Ollama: other endpoints', () => {
  it('lists installed models with gguf details', async () => {
    const { ollama } = await start({ models: ['qwen2.5:14b', 'llama3.1:8b'] });
    const { models } = await ollama.list();
    expect(models.map((m) => m.name)).toEqual(['qwen2.5:14b', 'llama3.1:8b']);
    expect(models[0]).toMatchObject({ model: MODEL, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(models[0]?.details).toMatchObject({
      format: 'gguf',
      family: 'qwen2',
      quantization_level: 'Q4_K_M',
    });
  });

  it('show() reports the trained context length in model_info, and 404s unknown models', async () => {
    const { ollama } = await start({ contextLength: 16384 });
    const res = await ollama.show({ model: MODEL });
    // Typed as a Map by the client, but on the wire it is a plain object.
    const info = res.model_info as unknown as Record<string, unknown>;
    expect(info['general.architecture']).toBe('qwen2');
    expect(info['qwen2.context_length']).toBe(16384);
    expect(res.capabilities).toEqual(['completion', 'tools']);
    const err = (await caught(ollama.show({ model: 'nope:1b' }))) as ResponseErrorLike;
    expect(err).toMatchObject({ name: 'ResponseError', status_code: 404 });
  });

  it('show accepts the older `name` field', async () => {
    const { fake } = await start();
    const res = await fetch(`${fake.url}/api/show`, {
      method: 'POST',
      body: JSON.stringify({ name: MODEL }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { details: { family: string } }).details.family).toBe('qwen2');
  });

  it('ps() lists a chatted model with the num_ctx it was loaded with; version() answers', async () => {
    const { ollama } = await start();
    expect((await ollama.ps()).models).toEqual([]);
    await ollama.chat({ model: MODEL, messages: [USER], options: { num_ctx: 8192 } });
    const { models } = await ollama.ps();
    expect(models[0]).toMatchObject({ name: MODEL, context_length: 8192 });
    expect(await ollama.version()).toEqual({ version: '0.12.6' });
  });

  it('GET / and HEAD / say Ollama is running', async () => {
    const { fake } = await start();
    const get = await fetch(`${fake.url}/`);
    expect(await get.text()).toBe('Ollama is running');
    const head = await fetch(`${fake.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});

describe('fake Ollama: raw HTTP', () => {
  async function rawChat(url: string, body: string): Promise<Response> {
    return fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
  }

  it('streams NDJSON when stream is omitted (server default true)', async () => {
    const { fake } = await start();
    const res = await rawChat(fake.url, JSON.stringify({ model: MODEL, messages: [USER] }));
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text()).trimEnd().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as { done: boolean });
    expect(parsed.length).toBeGreaterThan(2);
    expect(parsed.at(-1)?.done).toBe(true);
    expect(fake.requests[0]?.stream).toBeUndefined();
  });

  it('400s a missing model and invalid JSON', async () => {
    const { fake } = await start();
    const missing = await rawChat(fake.url, JSON.stringify({ messages: [USER] }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'model is required' });
    const bad = await rawChat(fake.url, '{"model":');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBeTruthy();
  });
});

describe('defaultRespond', () => {
  const record = (content: string) => ({
    model: MODEL,
    messages: [{ role: 'user', content }],
    receivedAt: 0,
  });

  it('produces JSON the app schema accepts', () => {
    const d = LlmDiagnosis.parse(
      JSON.parse(defaultRespond(record('hint-category: OOMKilled\nnamespace: prod'))),
    );
    expect(d.rootCause).toMatchObject({ category: 'OOMKilled', confidence: 80 });
    expect(d.steps[0]).toMatchObject({ command: 'kubectl get events -n prod', risk: 'read-only' });
  });

  it('falls back to Unknown at confidence 30 with no hint, and no command without a namespace', () => {
    const d = JSON.parse(defaultRespond(record('hint-category: NotACategory')));
    expect(d.rootCause).toMatchObject({ category: 'Unknown', confidence: 30 });
    expect(d.steps).toHaveLength(2);
    expect(d.steps[0].command).toBeUndefined();
    expect(d.steps[1]).toMatchObject({ risk: 'low' });
    expect(d.prevention).toHaveLength(1);
  });

  it('reads only the last user message', () => {
    const d = JSON.parse(
      defaultRespond({
        model: MODEL,
        messages: [
          { role: 'user', content: 'hint-category: OOMKilled' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: 'hint-category: Evicted' },
        ],
        receivedAt: 0,
      }),
    );
    expect(d.rootCause.category).toBe('Evicted');
  });
});
