import type { OllamaCheck } from '../../../shared/settings.ts';

interface TagsResponse {
  models?: Array<{ name?: string; size?: number; details?: { parameter_size?: string } }>;
}

/**
 * The Settings screen's "Test" button: is Ollama there, which version, which models are pulled, and is
 * the chosen one among them. Every failure comes back as a sentence that says what to do.
 */
export async function checkOllama(host: string, model: string, timeoutMs = 3_000): Promise<OllamaCheck> {
  const base = host.replace(/\/+$/, '');
  const result: OllamaCheck = {
    ok: false,
    host: base,
    version: null,
    models: [],
    modelPresent: false,
    error: null,
  };
  if (!/^https?:\/\//i.test(base) || !URL.canParse(base)) {
    return { ...result, error: `"${host}" is not an http:// or https:// URL` };
  }
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    const [version, tags] = await Promise.all([
      fetch(`${base}/api/version`, { signal }).then((r) => {
        if (!r.ok) throw new Error(`GET /api/version answered ${r.status}`);
        return r.json() as Promise<{ version?: string }>;
      }),
      fetch(`${base}/api/tags`, { signal }).then((r) => {
        if (!r.ok) throw new Error(`GET /api/tags answered ${r.status}`);
        return r.json() as Promise<TagsResponse>;
      }),
    ]);
    result.version = typeof version.version === 'string' ? version.version : null;
    result.models = (tags.models ?? [])
      .filter((m) => typeof m.name === 'string')
      .map((m) => ({
        name: m.name!,
        size: typeof m.size === 'number' ? m.size : null,
        parameterSize: m.details?.parameter_size ?? null,
      }));
  } catch (err) {
    const e = err as Error;
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : e.message;
    return {
      ...result,
      error: `Ollama is not reachable at ${base} (${why}): start it with \`ollama serve\` or correct the host`,
    };
  }
  result.ok = true;
  result.modelPresent = result.models.some((m) => m.name === model || m.name === `${model}:latest`);
  if (!result.modelPresent)
    result.error = `model ${model} is not pulled: run \`ollama pull ${model}\` or pick one of the list`;
  return result;
}
