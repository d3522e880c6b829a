import { configFromFlags } from '../../electron/cli.ts';

/** configFromFlags with a clean environment, so the developer's KUBECONFIG or OLLAMA_HOST do not leak in. */
export function configFromFlagsForTest(flags: Record<string, string>) {
  return configFromFlags(flags as never, {});
}
