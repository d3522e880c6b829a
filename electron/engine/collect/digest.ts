import type { Context, NodeInfo, PodInfo } from '../../../shared/context.ts';
import { describeState, eventLine } from './describe.ts';
import { ERROR_LINE, framesAfter } from './logs.ts';
import { describeSeries } from './metrics/summary.ts';

/**
 * The context as the model reads it, fitted to a token budget by priority — the order a senior
 * engineer reads: alert target → status and reasons → events → decisive log lines → what changed →
 * the node → everything else. A section that does not fit is cut, and says so.
 */

/** Rough token count for budgeting: ~3.5 characters per token for code and English, ~1 per CJK character. */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 3.5 + other);
}

interface Section {
  title: string;
  lines: string[];
}

function podLines(pod: PodInfo): string[] {
  const out = [
    `pod ${pod.namespace}/${pod.name}: ${pod.phase}${pod.reason ? ` (${pod.reason}${pod.message ? `: ${pod.message}` : ''})` : ''}`,
  ];
  if (pod.nodeName) out.push(`  node: ${pod.nodeName}`);
  if (pod.owner) out.push(`  owner: ${pod.owner.kind}/${pod.owner.name}`);
  if (pod.qosClass) out.push(`  qos: ${pod.qosClass}`);
  for (const c of pod.conditions) {
    if (c.status !== 'True')
      out.push(
        `  condition ${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`,
      );
  }
  for (const c of pod.containers) {
    out.push(
      `  container ${c.name}${c.init ? ' (init)' : ''}: ${c.image}, ready=${c.ready}, restarts=${c.restartCount}`,
    );
    out.push(`    state: ${describeState(c.state)}`);
    if (c.lastState) out.push(`    last state: ${describeState(c.lastState)}`);
    const res = [
      ...Object.entries(c.requests).map(([k, v]) => `requests.${k}=${v}`),
      ...Object.entries(c.limits).map(([k, v]) => `limits.${k}=${v}`),
    ];
    if (res.length) out.push(`    resources: ${res.join(' ')}`);
    if (c.configRefs.length) out.push(`    config from: ${c.configRefs.join(', ')}`);
    for (const [kind, probe] of Object.entries(c.probes)) out.push(`    ${kind} probe: ${probe}`);
  }
  const claims = pod.volumes.filter(
    (v) => v.source.startsWith('pvc/') || v.source.startsWith('configmap/') || v.source.startsWith('secret/'),
  );
  if (claims.length) out.push(`  volumes: ${claims.map((v) => `${v.name}=${v.source}`).join(', ')}`);
  return out;
}

function statusSection(ctx: Context): Section {
  const lines: string[] = [];
  for (const pod of ctx.pods) lines.push(...podLines(pod));
  const w = ctx.workload;
  if (w) {
    lines.push(
      `${w.kind} ${w.namespace}/${w.name}${w.chain.length > 1 ? ` (owner chain: ${w.chain.join(' → ')})` : ''}`,
    );
    if (w.replicas) {
      const r = w.replicas;
      lines.push(
        `  replicas: desired ${r.desired}, ready ${r.ready}, available ${r.available}, updated ${r.updated}`,
      );
    }
    if (w.job) {
      const j = w.job;
      lines.push(
        `  job: active ${j.active}, succeeded ${j.succeeded}, failed ${j.failed}${j.backoffLimit !== undefined ? `, backoffLimit ${j.backoffLimit}` : ''}${j.activeDeadlineSeconds !== undefined ? `, activeDeadlineSeconds ${j.activeDeadlineSeconds}` : ''}`,
      );
    }
    for (const c of w.conditions)
      lines.push(
        `  condition ${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`,
      );
  }
  if (ctx.service) {
    const s = ctx.service;
    lines.push(
      `service ${s.namespace}/${s.name}: selector ${s.selector ?? '(none)'}, endpoints ready ${s.readyEndpoints}, not ready ${s.notReadyEndpoints}`,
    );
  }
  for (const p of ctx.pvcs) {
    lines.push(
      `pvc ${p.namespace}/${p.name}: ${p.phase}${p.storageClass ? `, storageClass ${p.storageClass}` : ''}${p.capacity ? `, ${p.capacity}` : ''}${p.accessModes.length ? `, ${p.accessModes.join('/')}` : ''}`,
    );
  }
  if (ctx.target.kind === 'node') for (const n of ctx.nodes) lines.push(...nodeLines(n));
  return { title: 'Status', lines };
}

function eventsSection(ctx: Context, type: 'Warning' | 'Normal'): Section {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const e of ctx.events) {
    if ((type === 'Warning') !== (e.type === 'Warning')) continue;
    const key = `${e.object}|${e.reason}|${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`${e.lastSeen ?? ''} ${eventLine(e)}`.trim());
  }
  return { title: type === 'Warning' ? 'Warning events (oldest first)' : 'Other events', lines };
}

/**
 * Per log: its first lines (startup: version, config — "debug sink enabled" is often the cause), then
 * the error-looking lines with the frames of their stack traces. Folding already counted repeats.
 */
function decisiveLogLines(ctx: Context): Section {
  const lines: string[] = [];
  for (const log of ctx.logs) {
    const all = log.text.split('\n');
    const picked = new Set<number>();
    for (let i = 0; i < Math.min(3, all.length); i++) if (!all[i]!.startsWith('[… ')) picked.add(i);
    const errors: number[] = [];
    for (let i = 0; i < all.length; i++) if (ERROR_LINE.test(all[i]!)) errors.push(i);
    const shown = errors.length > 30 ? [...errors.slice(0, 15), ...errors.slice(-15)] : errors;
    for (const i of shown) {
      picked.add(i);
      for (const j of framesAfter(all, i, 10)) picked.add(j);
    }
    if (picked.size === 0) continue;
    lines.push(
      `${log.previous ? 'previous' : 'current'} log of ${log.pod}/${log.container} (${log.lineCount} lines):`,
    );
    let last = -1;
    for (const i of [...picked].sort((a, b) => a - b)) {
      if (i > last + 1) lines.push('  …');
      lines.push(`  ${all[i]!.slice(0, 500)}`);
      last = i;
    }
  }
  return { title: 'Decisive log lines', lines };
}

function changeSection(ctx: Context): Section {
  const r = ctx.workload?.rollout;
  if (!r) return { title: 'Last rollout', lines: [] };
  const lines = [
    `current ReplicaSet ${r.current.name}${r.current.revision ? ` (revision ${r.current.revision})` : ''}${r.current.createdAt ? ` created ${r.current.createdAt}` : ''}: ${r.current.images.join(', ')}`,
  ];
  if (r.previous)
    lines.push(
      `previous ReplicaSet ${r.previous.name}${r.previous.revision ? ` (revision ${r.previous.revision})` : ''}: ${r.previous.images.join(', ')}`,
    );
  lines.push(
    ...(r.changes.length
      ? r.changes.map((c) => `changed: ${c}`)
      : r.previous
        ? ['no template change found (a rollout restart)']
        : []),
  );
  return { title: 'Last rollout (what changed)', lines };
}

/** The alert's expression and the resource series as a few lines of numbers, never raw samples. */
function metricsSection(ctx: Context): Section {
  const m = ctx.metrics;
  if (!m) return { title: 'Metrics', lines: [] };
  const window = `${new Date(m.from * 1000).toISOString().slice(11, 16)}–${new Date(m.to * 1000).toISOString().slice(11, 16)} UTC`;
  return {
    title: `Metrics (${window}, from ${m.source})`,
    lines: m.series.map(
      (s) =>
        `${describeSeries(s)}${s.name === 'alert expression' ? ` — query: ${s.query.slice(0, 200)}` : ''}`,
    ),
  };
}

function nodeLines(n: NodeInfo): string[] {
  const out = [
    `node ${n.name}${n.unschedulable ? ' (cordoned)' : ''}${n.kubeletVersion ? `, kubelet ${n.kubeletVersion}` : ''}`,
  ];
  for (const c of n.conditions) {
    const bad = c.type === 'Ready' ? c.status !== 'True' : c.status !== 'False';
    out.push(
      `  ${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${bad && c.message ? `: ${c.message}` : ''}${c.lastHeartbeat && bad ? ` (last heartbeat ${c.lastHeartbeat})` : ''}`,
    );
  }
  if (n.taints.length) out.push(`  taints: ${n.taints.join(', ')}`);
  const res = Object.keys(n.allocatable).filter(
    (k) => k === 'cpu' || k === 'memory' || k === 'ephemeral-storage' || k === 'pods',
  );
  if (res.length)
    out.push(
      `  allocatable: ${res.map((k) => `${k}=${n.allocatable[k]}${n.requested[k] ? ` (requested ${n.requested[k]})` : ''}`).join(', ')}`,
    );
  if (n.failingPods.length)
    out.push(
      `  failing pods on the node: ${n.failingPods.slice(0, 10).join(', ')}${n.failingPods.length > 10 ? ` and ${n.failingPods.length - 10} more` : ''}`,
    );
  return out;
}

function nodeSection(ctx: Context): Section {
  if (ctx.target.kind === 'node') return { title: 'Node', lines: [] };
  return { title: 'Node', lines: ctx.nodes.flatMap(nodeLines) };
}

function restSection(ctx: Context): Section {
  const lines: string[] = [];
  if (ctx.siblings.length) {
    lines.push(
      `other pods: ${ctx.siblings
        .slice(0, 15)
        .map(
          (s) =>
            `${s.name} ${s.phase}${s.ready ? ' ready' : ' not-ready'}${s.restarts ? ` ${s.restarts} restarts` : ''}`,
        )
        .join('; ')}`,
    );
  }
  for (const u of ctx.usage)
    lines.push(
      `usage ${u.pod}: ${u.containers.map((c) => `${c.name} cpu=${c.cpu} memory=${c.memory}`).join(', ')}`,
    );
  for (const g of ctx.gaps) lines.push(`could not read ${g.what}: ${g.reason}`);
  return { title: 'More', lines };
}

function logsSection(ctx: Context): Section {
  const lines: string[] = [];
  for (const log of ctx.logs) {
    lines.push(
      `${log.previous ? 'previous' : 'current'} log of ${log.pod}/${log.container} (${log.lineCount} lines, folded):`,
    );
    lines.push(...log.text.split('\n').map((l) => `  ${l.slice(0, 400)}`));
  }
  return { title: 'Logs (folded)', lines };
}

/**
 * Builds the digest within `budgetTokens`. Sections come in priority order; the first that does not
 * fit is cut to what fits, and lower ones are dropped — each with a note the model can see.
 */
export function buildDigest(ctx: Context, budgetTokens: number): { text: string; tokens: number } {
  const header = `target: ${ctx.target.kind}/${ctx.target.name ?? ''}${ctx.target.namespace ? ` in namespace ${ctx.target.namespace}` : ''}${ctx.kubeContext ? ` (kube context ${ctx.kubeContext})` : ''}`;
  const sections = [
    statusSection(ctx),
    eventsSection(ctx, 'Warning'),
    decisiveLogLines(ctx),
    changeSection(ctx),
    metricsSection(ctx),
    nodeSection(ctx),
    restSection(ctx),
    eventsSection(ctx, 'Normal'),
    logsSection(ctx),
  ].filter((s) => s.lines.length);
  const out = [header];
  let used = estimateTokens(header);
  const dropped: string[] = [];
  for (const s of sections) {
    const title = `\n## ${s.title}`;
    const cost = estimateTokens(title);
    if (used + cost + 20 > budgetTokens) {
      dropped.push(s.title);
      continue;
    }
    out.push(title);
    used += cost;
    let i = 0;
    for (; i < s.lines.length; i++) {
      const t = estimateTokens(s.lines[i]!) + 1;
      if (used + t > budgetTokens - 15) break;
      out.push(s.lines[i]!);
      used += t;
    }
    if (i < s.lines.length) {
      const note = `[… ${s.lines.length - i} more lines cut to fit the model's context]`;
      out.push(note);
      used += estimateTokens(note);
    }
  }
  if (dropped.length) out.push(`\n[left out to fit the model's context: ${dropped.join(', ')}]`);
  const text = out.join('\n');
  return { text, tokens: estimateTokens(text) };
}
