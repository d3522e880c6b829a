import type { Context, PodInfo } from '../../../shared/context.ts';
import { describeState, eventLine } from './describe.ts';

/**
 * The context as compact text for the prompt, in the order an engineer reads it: pod status and
 * reasons, events, logs. Logs are the bulk and are cut to what fits (ERROR-looking lines are kept).
 */
export function renderContext(ctx: Context, maxChars = 24_000): string {
  const out: string[] = [];
  out.push(
    `target: ${ctx.target.kind}/${ctx.target.name ?? ''}${ctx.target.namespace ? ` in namespace ${ctx.target.namespace}` : ''}`,
  );
  if (ctx.kubeContext) out.push(`kube context: ${ctx.kubeContext}`);
  for (const pod of ctx.pods) out.push(...renderPod(pod));
  if (ctx.events.length) {
    out.push('', '## Events (oldest first)');
    for (const e of ctx.events.slice(-40)) out.push(`- ${e.lastSeen ?? ''} ${eventLine(e)}`);
  }
  if (ctx.gaps.length) {
    out.push('', '## Could not read');
    for (const g of ctx.gaps) out.push(`- ${g.what}: ${g.reason}`);
  }
  const head = out.join('\n');
  const logs = renderLogs(ctx, Math.max(2_000, maxChars - head.length));
  return `${head}${logs}`;
}

function renderPod(pod: PodInfo): string[] {
  const out = ['', `## Pod ${pod.namespace}/${pod.name}`];
  out.push(`phase: ${pod.phase}${pod.reason ? ` (${pod.reason}: ${pod.message ?? ''})` : ''}`);
  if (pod.nodeName) out.push(`node: ${pod.nodeName}`);
  if (pod.owner) out.push(`owner: ${pod.owner.kind}/${pod.owner.name}`);
  if (pod.qosClass) out.push(`qos: ${pod.qosClass}`);
  for (const c of pod.conditions) {
    if (c.status !== 'True' || c.reason)
      out.push(
        `condition ${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`,
      );
  }
  for (const c of pod.containers) {
    out.push(
      `container ${c.name}${c.init ? ' (init)' : ''}: image ${c.image}, ready=${c.ready}, restarts=${c.restartCount}`,
    );
    out.push(`  state: ${describeState(c.state)}`);
    if (c.lastState) out.push(`  last state: ${describeState(c.lastState)}`);
    const res = [
      ...Object.entries(c.requests).map(([k, v]) => `requests.${k}=${v}`),
      ...Object.entries(c.limits).map(([k, v]) => `limits.${k}=${v}`),
    ];
    if (res.length) out.push(`  resources: ${res.join(' ')}`);
    if (c.configRefs.length) out.push(`  config from: ${c.configRefs.join(', ')}`);
  }
  return out;
}

function renderLogs(ctx: Context, budget: number): string {
  if (!ctx.logs.length) return '';
  const per = Math.floor(budget / ctx.logs.length);
  const parts: string[] = [];
  for (const log of ctx.logs) {
    const lines = log.text.split('\n');
    const kept = keepLines(lines, per);
    parts.push(
      `\n## ${log.previous ? 'Previous' : 'Current'} log of ${log.pod}/${log.container} (${log.lineCount} lines${kept.cut ? `, ${kept.cut} not shown` : ''})`,
      kept.text,
    );
  }
  return parts.join('\n');
}

const INTERESTING =
  /\b(panic|fatal|error|exception|traceback|caused by|oom|out of memory|killed|refused|timeout|timed out|denied|not found|failed)\b/i;

function keepLines(lines: string[], maxChars: number): { text: string; cut: number } {
  const all = lines.join('\n');
  if (all.length <= maxChars) return { text: all, cut: 0 };
  const tailBudget = Math.floor(maxChars * 0.6);
  const tail: string[] = [];
  let used = 0;
  let i = lines.length - 1;
  for (; i >= 0 && used + lines[i]!.length + 1 <= tailBudget; i--) {
    tail.unshift(lines[i]!);
    used += lines[i]!.length + 1;
  }
  const errors: string[] = [];
  for (let j = 0; j <= i && used < maxChars; j++) {
    if (INTERESTING.test(lines[j]!)) {
      const line = lines[j]!.slice(0, 400);
      errors.push(line);
      used += line.length + 1;
    }
  }
  const cut = lines.length - tail.length - errors.length;
  return {
    text: [...errors, cut > 0 ? `[… ${cut} lines not shown …]` : '', ...tail]
      .filter((l) => l !== '')
      .join('\n'),
    cut,
  };
}
