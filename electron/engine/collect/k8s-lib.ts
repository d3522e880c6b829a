import { createRequire } from 'node:module';
import type * as K8s from '@kubernetes/client-node';

let lib: typeof K8s | undefined;

/**
 * @kubernetes/client-node, loaded on first use rather than at start: its generated models cost ~65 MB
 * and ~0.7 s in every thread that loads it, and the main thread (intake, API, UI) rarely needs it.
 * (require() of an ES module: Node ≥ 20.19 and Electron's Node both load it synchronously.)
 */
export function k8sLib(): typeof K8s {
  lib ??= createRequire(import.meta.url)('@kubernetes/client-node') as typeof K8s;
  return lib;
}

/** Loads the client ahead of need (the analysis worker, once idle); false if it was loaded already. */
export function preloadK8sLib(): boolean {
  if (lib) return false;
  k8sLib();
  return true;
}
