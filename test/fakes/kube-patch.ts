/**
 * The three PATCH formats the apiserver accepts for built-in types, applied the way it applies them:
 * JSON Patch (RFC 6902, evanphx/json-patch's error texts), JSON Merge Patch (RFC 7386) and strategic
 * merge patch (lists merged on their patch merge key, `$patch` directives, `$`-prefixed bookkeeping
 * keys such as `$setElementOrder` dropped).
 */

export type Json = Record<string, unknown>;

export class PatchError extends Error {
  constructor(
    readonly code: 400 | 422,
    message: string,
  ) {
    super(message);
  }
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(400, `JSON pointer must start with "/": ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

export { deepEqual };

function parentOf(doc: unknown, parts: string[], op: string, path: string): { parent: unknown; key: string } {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObj(cur)) cur = cur[p];
    else cur = undefined;
    if (cur === undefined || cur === null)
      throw new PatchError(
        422,
        `${op} operation does not apply: doc is missing path: "${path}": missing value`,
      );
  }
  return { parent: cur, key: parts.at(-1) ?? '' };
}

function getAt(doc: unknown, path: string, op: string): unknown {
  let cur = doc;
  for (const p of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObj(cur)) cur = Object.hasOwn(cur, p) ? cur[p] : undefined;
    else cur = undefined;
    if (cur === undefined)
      throw new PatchError(
        422,
        `${op} operation does not apply: doc is missing path: "${path}": missing value`,
      );
  }
  return cur;
}

function addAt(doc: Json, path: string, value: unknown, op: string): void {
  const parts = pointer(path);
  const { parent, key } = parentOf(doc, parts, op, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length)
      throw new PatchError(422, `${op} operation does not apply: index ${key} out of bounds`);
    parent.splice(i, 0, structuredClone(value));
  } else if (isObj(parent)) parent[key] = structuredClone(value);
  else throw new PatchError(422, `${op} operation does not apply: doc is missing path: "${path}"`);
}

function removeAt(doc: Json, path: string, op: string): unknown {
  const parts = pointer(path);
  const { parent, key } = parentOf(doc, parts, op, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length)
      throw new PatchError(422, `${op} operation does not apply: index ${key} out of bounds`);
    return parent.splice(i, 1)[0];
  }
  if (isObj(parent) && Object.hasOwn(parent, key)) {
    const v = parent[key];
    delete parent[key];
    return v;
  }
  throw new PatchError(422, `${op} operation does not apply: doc is missing key: ${path}: missing value`);
}

/** RFC 6902. A failed `test` is a 422, as the apiserver reports it. */
export function applyJsonPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops))
    throw new PatchError(400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const out = structuredClone(doc);
  for (const raw of ops) {
    if (!isObj(raw)) throw new PatchError(400, 'invalid JSON Patch');
    const op = String(raw.op);
    const path = String(raw.path ?? '');
    switch (op) {
      case 'add':
        addAt(out, path, raw.value, op);
        break;
      case 'remove':
        removeAt(out, path, op);
        break;
      case 'replace':
        removeAt(out, path, op);
        addAt(out, path, raw.value, op);
        break;
      case 'move': {
        const v = removeAt(out, String(raw.from), op);
        addAt(out, path, v, op);
        break;
      }
      case 'copy':
        addAt(out, path, getAt(out, String(raw.from), op), op);
        break;
      case 'test': {
        let actual: unknown;
        try {
          actual = getAt(out, path, op);
        } catch {
          actual = undefined;
        }
        if (!deepEqual(actual, raw.value))
          throw new PatchError(422, `testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw new PatchError(400, `Unexpected kind: ${op}`);
    }
  }
  return out;
}

/** RFC 7386: objects merge, null deletes, everything else (lists included) replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Json = isObj(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/** Patch merge keys of the pod template's lists (k8s.io/api core/v1 `patchMergeKey` tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
};

/** Strategic merge patch for the fields a workload has; unknown lists are replaced, as for CRDs. */
export function applyStrategicPatch(target: unknown, patch: unknown, field = ''): unknown {
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(target)) return structuredClone(patch.filter((p) => !(isObj(p) && p.$patch)));
    const out = structuredClone(target) as unknown[];
    for (const item of patch) {
      if (!isObj(item)) continue;
      const i = out.findIndex((o) => isObj(o) && o[key] === item[key]);
      if (item.$patch === 'delete') {
        if (i >= 0) out.splice(i, 1);
      } else if (i >= 0) out[i] = applyStrategicPatch(out[i], item);
      else out.push(applyStrategicPatch(undefined, item));
    }
    return out;
  }
  if (!isObj(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return structuredClone(rest);
  }
  const out: Json = isObj(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = applyStrategicPatch(out[k], v, k);
  }
  return out;
}

/** What this fake accepts; server-side apply (application/apply-patch+yaml) is not served here. */
export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

/** Applies a PATCH body by its Content-Type. */
export function applyPatch(doc: Json, contentType: string, body: unknown): Json {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(doc, body);
    case 'application/merge-patch+json':
      if (!isObj(body)) throw new PatchError(400, 'the body of a merge patch must be a JSON object');
      return applyMergePatch(doc, body) as Json;
    case 'application/strategic-merge-patch+json':
      if (!isObj(body))
        throw new PatchError(400, 'the body of a strategic merge patch must be a JSON object');
      return applyStrategicPatch(doc, body) as Json;
    default:
      throw new UnsupportedPatch();
  }
}

export class UnsupportedPatch extends Error {
  constructor() {
    super(
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
    );
  }
}
