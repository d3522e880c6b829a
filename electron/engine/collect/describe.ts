import type { ContainerStateInfo, EventInfo } from '../../../shared/context.ts';

/** One-line forms of container states and events, shared by the prompt, the evidence and the UI. */
export function describeState(s: ContainerStateInfo): string {
  const parts: string[] = [s.kind];
  if (s.reason) parts.push(s.reason);
  if (s.exitCode !== undefined) parts.push(`exit code ${s.exitCode}`);
  if (s.signal) parts.push(`signal ${s.signal}`);
  let text = parts.join(' ');
  if (s.message) text += `: ${s.message.trim().slice(0, 300)}`;
  if (s.finishedAt) text += ` (finished ${s.finishedAt})`;
  return text;
}

export function eventLine(e: EventInfo): string {
  const times = e.count > 1 ? ` (x${e.count})` : '';
  return `${e.type} ${e.reason} ${e.object}${times}: ${e.message}`;
}
