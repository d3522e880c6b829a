import { Ollama } from 'ollama';
import type { ChatMessage } from './prompt.ts';

export interface OllamaOptions {
  host: string;
  model: string;
  temperature: number;
  numCtx: number;
  firstTokenTimeoutMs: number;
  totalTimeoutMs: number;
  /** When the time limit started earlier (a repair after a first answer): stop at this performance.now(). */
  deadline?: number;
}

export interface ChatResult {
  content: string;
  promptTokens?: number;
  outputTokens?: number;
  doneReason?: string;
}

/** An Ollama failure, said the way the user can act on it. */
export class LlmError extends Error {}

/**
 * One streamed chat with hard deadlines. A non-streamed call cannot be aborted, and a streamed one has
 * no iterator to abort until the first byte arrives, so the abort goes through our own fetch.
 */
export async function chat(
  opts: OllamaOptions,
  messages: ChatMessage[],
  format: object,
  onToken: (text: string) => void,
  signal?: AbortSignal,
): Promise<ChatResult> {
  const ctrl = new AbortController();
  const stop = (reason: string) => ctrl.abort(new LlmError(reason));
  const onParent = () => stop(String(signal?.reason?.message ?? signal?.reason ?? 'cancelled'));
  signal?.addEventListener('abort', onParent, { once: true });
  let firstToken = setTimeout(
    () =>
      stop(
        `Ollama at ${opts.host} sent nothing for ${opts.firstTokenTimeoutMs / 1000} s (model ${opts.model} loading, or the machine is busy)`,
      ),
    opts.firstTokenTimeoutMs,
  );
  const total = setTimeout(
    () =>
      stop(
        `Ollama did not finish within ${opts.totalTimeoutMs / 1000} s; the rules report stands (raise llmTimeoutMs in the config file, or pick a smaller model for this machine)`,
      ),
    opts.deadline === undefined
      ? opts.totalTimeoutMs
      : Math.max(0, Math.min(opts.totalTimeoutMs, opts.deadline - performance.now())),
  );
  const client = new Ollama({
    host: opts.host,
    fetch: (input: string | URL | Request, init?: RequestInit) =>
      fetch(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, ctrl.signal]) : ctrl.signal,
      }),
  });
  try {
    const stream = await client.chat({
      model: opts.model,
      messages,
      stream: true,
      format,
      options: { temperature: opts.temperature, num_ctx: opts.numCtx },
      keep_alive: '15m',
    });
    let content = '';
    let last: { prompt_eval_count?: number; eval_count?: number; done_reason?: string } = {};
    for await (const part of stream) {
      if (firstToken) {
        clearTimeout(firstToken);
        firstToken = undefined as unknown as NodeJS.Timeout;
      }
      if (ctrl.signal.aborted) {
        stream.abort();
        break;
      }
      content += part.message.content;
      if (part.message.content) onToken(part.message.content);
      if (part.done) last = part;
    }
    if (ctrl.signal.aborted) throw ctrl.signal.reason;
    return {
      content,
      promptTokens: last.prompt_eval_count,
      outputTokens: last.eval_count,
      doneReason: last.done_reason,
    };
  } catch (err) {
    throw toLlmError(err, opts, ctrl.signal);
  } finally {
    clearTimeout(firstToken);
    clearTimeout(total);
    signal?.removeEventListener('abort', onParent);
  }
}

export function toLlmError(
  err: unknown,
  opts: Pick<OllamaOptions, 'host' | 'model'>,
  signal?: AbortSignal,
): LlmError {
  if (signal?.aborted && signal.reason instanceof LlmError) return signal.reason;
  if (err instanceof LlmError) return err;
  const e = err as {
    name?: string;
    status_code?: number;
    error?: string;
    message?: string;
    cause?: { code?: string };
  };
  if (e.name === 'ResponseError') {
    if (e.status_code === 404)
      return new LlmError(`model ${opts.model} is not pulled: run \`ollama pull ${opts.model}\``);
    return new LlmError(`Ollama answered ${e.status_code}: ${e.error ?? e.message}`);
  }
  const code = e.cause?.code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    /fetch failed/.test(e.message ?? '')
  ) {
    return new LlmError(
      `Ollama is not reachable at ${opts.host}: start it with \`ollama serve\` (or set --ollama-host)`,
    );
  }
  return new LlmError(`Ollama failed: ${e.message ?? String(err)}`);
}

/** Installed models and the context length of one, for settings and for sizing num_ctx. */
export async function modelInfo(
  host: string,
  model: string,
): Promise<{ models: string[]; contextLength?: number }> {
  const client = new Ollama({ host });
  const list = await client.list();
  const models = list.models.map((m) => m.name);
  try {
    const show = await client.show({ model });
    const info = show.model_info as unknown as Record<string, unknown>;
    const key = Object.keys(info ?? {}).find((k) => k.endsWith('.context_length'));
    return { models, contextLength: key ? Number(info[key]) : undefined };
  } catch {
    return { models };
  }
}
