import type * as k8s from '@kubernetes/client-node';
import type { Gap } from '../../../shared/context.ts';
import { k8sLib } from './k8s-lib.ts';

/**
 * client-node 1.x request options that attach an AbortSignal, so a timed-out read stops its socket.
 * The object API hands these straight to the observable layer, so the middleware returns Observables.
 */
export function withSignal(signal: AbortSignal): k8s.ConfigurationOptions {
  const { Observable } = k8sLib();
  return {
    middleware: [
      {
        pre: (ctx: k8s.RequestContext) => {
          ctx.setSignal(signal);
          return new Observable(Promise.resolve(ctx));
        },
        post: (res: k8s.ResponseContext) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

export class ReadTimeout extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

export interface ReadResult<T> {
  value?: T;
  gap?: Gap;
}

/**
 * Runs one API read with a deadline. A failure is returned as a Gap that says what could not be read,
 * why, and what the user can do — it never throws.
 */
export async function read<T>(
  what: string,
  timeoutMs: number,
  fn: (signal: AbortSignal) => Promise<T>,
  parent?: AbortSignal,
  credentialPlugin?: string,
): Promise<ReadResult<T>> {
  // An already-aborted signal never fires 'abort' again: a read started after the deadline would
  // otherwise go out and wait for its own timeout.
  if (parent?.aborted) return { gap: { what, ...explain(parent.reason, parent, credentialPlugin) } };
  const ctrl = new AbortController();
  const onParent = () => ctrl.abort(parent?.reason);
  parent?.addEventListener('abort', onParent, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctrl.abort(new ReadTimeout(timeoutMs));
      reject(new ReadTimeout(timeoutMs));
    }, timeoutMs);
  });
  try {
    return { value: await Promise.race([fn(ctrl.signal), timeout]) };
  } catch (err) {
    return { gap: { what, ...explain(err, parent, credentialPlugin) } };
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParent);
  }
}

interface ApiExceptionLike {
  code: number;
  body?: unknown;
}

function isApiException(err: unknown): err is ApiExceptionLike {
  return typeof err === 'object' && err !== null && typeof (err as ApiExceptionLike).code === 'number';
}

/** The Status message the API server sent; client-node keeps it as a raw JSON string in `.body`. */
export function statusMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      return parsed.message ?? body.slice(0, 300);
    } catch {
      return body.slice(0, 300) || undefined;
    }
  }
  if (body && typeof body === 'object' && 'message' in body)
    return String((body as { message: unknown }).message);
  return undefined;
}

/**
 * Why a read failed, and what the user can do. `credentialPlugin` is the kubeconfig's exec command, if
 * any: client-node reports a failing plugin only with the plugin's stderr, often empty.
 */
export function explain(
  err: unknown,
  parent?: AbortSignal,
  credentialPlugin?: string,
): { reason: string; fix?: string } {
  if (parent?.aborted) {
    const reason = parent.reason as { name?: string; message?: string } | undefined;
    if (reason?.name === 'TimeoutError')
      return {
        reason: 'the collection deadline passed before it was read',
        fix: 'the API server is slow; raise collectDeadlineMs in the config file if this keeps happening',
      };
    return { reason: `stopped: ${String(reason?.message ?? reason ?? 'cancelled')}` };
  }
  if (err instanceof ReadTimeout) {
    return {
      reason: err.message,
      fix: 'the API server is slow or unreachable; check the VPN and the cluster health',
    };
  }
  if (isApiException(err)) {
    const msg = statusMessage(err.body);
    switch (err.code) {
      case 401:
        return {
          reason: 'unauthorized (401): the cluster rejected the kubeconfig credentials',
          fix: 'refresh your credentials (log in again with your cloud CLI) and check `kubectl auth whoami`',
        };
      case 403:
        return {
          reason: `forbidden (403)${msg ? `: ${msg}` : ''}`,
          fix: 'ask for read access (get/list) to this resource, or use a kubeconfig context that has it',
        };
      case 404:
        return { reason: msg ?? 'not found (404)' };
      default:
        return { reason: `the API server answered ${err.code}${msg ? `: ${msg}` : ''}` };
    }
  }
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT') {
    return {
      reason: `the API server is unreachable (${code})`,
      fix: 'check the VPN, the kubeconfig context and `kubectl cluster-info`',
    };
  }
  const message = e.message ?? String(err);
  if (credentialPlugin && !code && !(err instanceof TypeError)) {
    return {
      reason: `the kubeconfig's credential plugin \`${credentialPlugin}\` failed${message.trim() ? `: ${message.trim().slice(0, 300)}` : ' without saying why'}`,
      fix: `run the credential plugin by hand (\`${credentialPlugin}\`, or \`kubectl get ns\`) to log in again`,
    };
  }
  if (/HTTP protocol is not allowed/i.test(message)) {
    return {
      reason: 'the kubeconfig points at a plain http:// API server, which the Kubernetes client refuses',
      fix: 'use the https endpoint, or (for `kubectl proxy`) set `insecure-skip-tls-verify: true` on that cluster in the kubeconfig',
    };
  }
  if (/exec|credential|token/i.test(message)) {
    return {
      reason: `getting credentials failed: ${message.slice(0, 300)}`,
      fix: 'run the kubeconfig credential plugin by hand (e.g. `kubectl get ns`) to log in again',
    };
  }
  return { reason: message.slice(0, 300) };
}
