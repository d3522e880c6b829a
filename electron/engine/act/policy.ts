import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { Action, ActionMode } from '../../../shared/action.ts';
import type { Severity } from '../../../shared/alert.ts';
import { Policy, SYSTEM_NAMESPACES } from '../../../shared/policy.ts';
import type { Category } from '../../../shared/report.ts';

/** What a new install runs with: every action suggested, nothing ever executed. Also Settings' template. */
export const DEFAULT_POLICY_TEXT = `# Oncall Scout remediation policy. A fresh install only suggests: nothing runs until you say so here.
# Modes: off (never proposed) | suggest (shown only) | approve (one click in the report or the
# notification) | auto (the app acts alone, within the limits below).
actions:
  restart-pod: suggest       # evict one pod (PodDisruptionBudgets respected); its controller replaces it
  rollout-restart: suggest   # restart every pod of a Deployment/StatefulSet/DaemonSet, as kubectl does
  rollback: suggest          # back to the previous revision of a Deployment, as kubectl rollout undo
  scale-up: suggest          # add replicas to a Deployment, by a bounded step
namespaces:
  allow: []   # empty: every namespace not denied; kube-system, kube-public and kube-node-lease only if named here
  deny: []
# severities: [warning]       # act only on alerts of these severities (default: every severity)
# categories: [OOMKilled]     # act only on these root causes (default: every category)
minConfidence: 90             # the diagnosis must be at least this sure
maxActionsPerWorkloadPerHour: 1
scaleUp:
  maxStep: 2
  maxReplicas: 10
followSeconds: 180            # how long to watch for the new pod to be Ready / the rollout to complete
`;

export class PolicyError extends Error {
  constructor(
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line ? `line ${line}: ${reason}` : reason);
  }
}

export interface LoadedPolicy {
  policy: Policy;
  text: string;
  /** Short sha-256 of the text: how the audit log names the policy that decided. */
  hash: string;
}

export function policyHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** The node a zod issue path points at, or the nearest one above it (its key for an unknown key). */
function nodeAt(root: Node | null | undefined, path: PropertyKey[], unknownKey?: string): Node | null {
  let node: Node | null | undefined = root;
  let best: Node | null = root ?? null;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      best = (pair.key as Node) ?? best;
      node = pair.value as Node | null;
      if (node) best = node;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg] as Node | undefined;
      if (node) best = node;
    } else break;
  }
  if (unknownKey && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === unknownKey);
    if (pair?.key) return pair.key as Node;
  }
  return best;
}

function describePath(path: PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/**
 * Parses a policy file. Anything wrong — YAML syntax, an unknown key, a wrong type, an impossible
 * combination — is a PolicyError with the line it is on and the reason.
 */
export function parsePolicy(text: string): LoadedPolicy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0]?.line ?? (syntax.pos ? lines.linePos(syntax.pos[0]).line : null);
    throw new PolicyError(line, `not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 }) ?? {};
  } catch (err) {
    // An alias to nothing, or an alias bomb: YAML the parser read but cannot turn into values.
    throw new PolicyError(null, `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new PolicyError(1, 'the policy must be a mapping of keys (actions, namespaces, …)');
  const parsed = Policy.safeParse(raw);
  if (parsed.success) return { policy: parsed.data, text, hash: policyHash(text) };
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const unknown = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const node = nodeAt(doc.contents as Node | null, issue.path, unknown);
  const line = node?.range ? lines.linePos(node.range[0]).line : null;
  const where = describePath(unknown ? [...issue.path, unknown] : issue.path);
  const reason = unknown ? `unknown key "${where}"` : `${where ? `${where}: ` : ''}${issue.message}`;
  throw new PolicyError(line, reason);
}

export interface Facts {
  severity: Severity;
  category: Category;
  confidence: number;
}

export interface Verdict {
  /** The mode that applies here: approve/auto only when every condition of the policy holds. */
  mode: ActionMode;
  /** Why the configured mode does not apply (the action is then only suggested, or off). */
  reason: string | null;
}

/**
 * The policy's verdict on one action for one incident. Outside the policy's scope (namespace,
 * severity, category, confidence, step size) an action is still shown, as a suggestion, with why.
 */
export function evaluate(policy: Policy, a: Action, f: Facts): Verdict {
  const configured = policy.actions[a.type] ?? 'suggest';
  if (configured === 'off') return { mode: 'off', reason: `${a.type} is off in the policy` };
  if (configured === 'suggest') return { mode: 'suggest', reason: null };
  const why = outOfScope(policy, a, f);
  return why ? { mode: 'suggest', reason: why } : { mode: configured, reason: null };
}

function outOfScope(policy: Policy, a: Action, f: Facts): string | null {
  const ns = a.namespace;
  const { allow, deny } = policy.namespaces;
  if (deny.includes(ns)) return `namespace ${ns} is denied by the policy`;
  if (allow.length && !allow.includes(ns)) return `namespace ${ns} is not in the policy's namespaces.allow`;
  if ((SYSTEM_NAMESPACES as readonly string[]).includes(ns) && !allow.includes(ns))
    return `namespace ${ns} belongs to the cluster itself: the policy must name it in namespaces.allow`;
  if (policy.severities && !policy.severities.includes(f.severity))
    return `severity ${f.severity} is not in the policy's severities (${policy.severities.join(', ')})`;
  if (policy.categories && !policy.categories.includes(f.category))
    return `category ${f.category} is not in the policy's categories (${policy.categories.join(', ')})`;
  if (f.confidence < policy.minConfidence)
    return `the diagnosis is ${f.confidence}% sure; the policy's minConfidence is ${policy.minConfidence}%`;
  if (a.type === 'scale-up' && a.by > policy.scaleUp.maxStep)
    return `a step of ${a.by} is more than the policy's scaleUp.maxStep of ${policy.scaleUp.maxStep}`;
  return null;
}

/** Whether a mode lets the app run the action (by a click or by itself). */
export const runs = (mode: ActionMode) => mode === 'approve' || mode === 'auto';
