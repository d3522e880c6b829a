import fs from 'node:fs';
import path from 'node:path';
import type { PolicyView } from '../../../shared/policy.ts';
import type { ActionStore } from '../store/actions.ts';
import { DEFAULT_POLICY_TEXT, type LoadedPolicy, PolicyError, parsePolicy } from './policy.ts';

export interface PolicyStoreOptions {
  /** The policy file (`--policy`, the `policy` config key, else `<data dir>/policy.yaml`). */
  file: string;
  store: ActionStore;
  /** Only one thread writes policy events to the audit log (the main thread's store does). */
  audit: boolean;
  log?: (msg: string) => void;
}

export interface PolicyStore {
  /** The policy in force, re-reading the file when it changed on disk. */
  current(): LoadedPolicy;
  view(): PolicyView;
  /** Validates and saves a new text (from Settings); throws PolicyError and keeps the old one when bad. */
  save(text: string, by: string): PolicyView;
}

export function policyFile(config: { policy?: string; dataDir: string }): string {
  return config.policy ?? path.join(config.dataDir, 'policy.yaml');
}

const DEFAULT = parsePolicy(DEFAULT_POLICY_TEXT);

/** A policy file named at start that does not parse (or does not exist) stops the start. */
export class PolicyFileError extends Error {}

/**
 * Checks the policy file before the engine starts (`serve`): a bad file is refused with its line and
 * reason. Returns a one-line description of what is in force, for the start banner.
 */
export function checkPolicyFile(config: { policy?: string; dataDir: string }): string {
  const file = policyFile(config);
  if (!fs.existsSync(file)) {
    if (config.policy) throw new PolicyFileError(`policy file ${file} does not exist`);
    return `none (${file}): every action is only suggested`;
  }
  let loaded: LoadedPolicy;
  try {
    loaded = parsePolicy(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PolicyFileError(`policy file ${file} refused, ${(err as Error).message}`);
  }
  const running = Object.entries(loaded.policy.actions).filter(
    ([, mode]) => mode === 'approve' || mode === 'auto',
  );
  return `${file}: ${running.length ? running.map(([t, m]) => `${t} ${m}`).join(', ') : 'every action is only suggested'}`;
}

/**
 * The policy as both threads see it. The file is re-read when its modification time or size changes;
 * a file that does not parse is refused (line and reason kept for Settings and the audit log) and the
 * policy in force stays: the last good one of this run, else the last one the database remembers,
 * else the built-in default that only suggests.
 */
export function createPolicyStore(o: PolicyStoreOptions): PolicyStore {
  let inForce: LoadedPolicy | null = null;
  let source: 'default' | 'file' = 'default';
  let error: string | null = null;
  let seen = '';

  const fallback = (): LoadedPolicy => {
    if (inForce) return inForce;
    const last = o.store.lastPolicy();
    if (last) {
      try {
        return parsePolicy(last.body);
      } catch {
        // a text remembered by an older build that this one refuses: the default stands
      }
    }
    return DEFAULT;
  };

  const adopt = (loaded: LoadedPolicy, actor: string, how: string) => {
    const previous = o.store.lastPolicy()?.hash;
    o.store.rememberPolicy(loaded.hash, loaded.text);
    if (o.audit && previous !== loaded.hash)
      o.store.audit({ event: 'policy', actor, ok: true, message: how, policy: loaded.hash });
    inForce = loaded;
  };

  const refresh = () => {
    const stat = fs.statSync(o.file, { throwIfNoEntry: false });
    const stamp = stat ? `${stat.mtimeMs}:${stat.size}` : 'none';
    if (stamp === seen && inForce) return;
    seen = stamp;
    if (!stat) {
      // No file (never saved, or deleted on purpose): the default, which only suggests.
      source = 'default';
      error = null;
      inForce = DEFAULT;
      return;
    }
    let text: string;
    try {
      text = fs.readFileSync(o.file, 'utf8');
    } catch (err) {
      error = `cannot read ${o.file}: ${(err as Error).message}`;
      inForce = fallback();
      return;
    }
    try {
      const loaded = parsePolicy(text);
      source = 'file';
      const changed = error !== null || inForce?.hash !== loaded.hash;
      error = null;
      if (changed) adopt(loaded, 'file', `policy ${o.file} in force`);
      inForce = loaded;
    } catch (err) {
      const reason = err instanceof PolicyError ? err.message : (err as Error).message;
      const message = `policy file ${o.file} refused (${reason}); the previous policy stays in force`;
      if (message !== error) {
        o.log?.(message);
        if (o.audit) o.store.audit({ event: 'policy', actor: 'file', ok: false, message });
      }
      error = message;
      inForce = fallback();
    }
  };

  const view = (): PolicyView => {
    const p = api.current();
    return {
      text: p.text,
      policy: p.policy,
      file: o.file,
      source,
      hash: p.hash,
      error,
    };
  };

  const api: PolicyStore = {
    current() {
      refresh();
      return inForce ?? DEFAULT;
    },
    view,
    save(text, by) {
      const loaded = parsePolicy(text);
      fs.mkdirSync(path.dirname(o.file), { recursive: true });
      // Written whole then renamed: the other thread never reads half a policy.
      const tmp = `${o.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text, { mode: 0o600 });
      fs.renameSync(tmp, o.file);
      adopt(loaded, by, `policy changed in Settings by ${by}`);
      source = 'file';
      error = null;
      const stat = fs.statSync(o.file);
      seen = `${stat.mtimeMs}:${stat.size}`;
      return view();
    },
  };
  return api;
}
