/**
 * The LLM streams JSON (its `format` is the report schema). While it writes, show the explanation as
 * prose: pull the "explanation" string out of the partial JSON, unescaping what has arrived so far.
 */
export function partialExplanation(raw: string): string | null {
  const m = /"explanation"\s*:\s*"((?:[^"\\]|\\.)*)(")?/.exec(raw);
  if (!m) return null;
  const body = m[1]!.replace(/\\$/, '');
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
}
