import type { Step } from '../../../shared/report.ts';

/** kubectl verbs that change the cluster: whatever the model says, these are high risk. */
const MUTATING = new Set([
  'apply',
  'create',
  'delete',
  'edit',
  'patch',
  'replace',
  'scale',
  'autoscale',
  'set',
  'label',
  'annotate',
  'drain',
  'cordon',
  'uncordon',
  'taint',
  'exec',
  'cp',
  'run',
  'expose',
  'debug',
  'attach',
  'port-forward',
]);
const READ_ONLY = new Set([
  'get',
  'describe',
  'logs',
  'top',
  'explain',
  'events',
  'api-resources',
  'api-versions',
  'version',
  'cluster-info',
  'auth',
]);
const ROLLOUT_READ = new Set(['history', 'status']);

/**
 * A proposed command is shown copy-ready only if it is a single, plain kubectl invocation with a known
 * verb. Anything else — pipes, substitutions, other binaries, placeholders — is shown as text with a
 * warning. Nothing here is ever executed.
 */
export function checkStep(step: Step): Step {
  if (!step.command) return step;
  const cmd = step.command.trim();
  const reject = (why: string): Step => {
    const { command: _drop, ...rest } = step;
    return {
      ...rest,
      title: `${step.title} — \`${cmd}\``,
      warning: `not shown as a command: ${why}`,
      risk: 'high',
    };
  };
  if (/[;&|`<>]|\$\(|\n/.test(cmd)) return reject('it chains or redirects shell commands');
  if (/<[^>]*>|\{\{|\bYOUR_|\bPOD_NAME\b|\.\.\./.test(cmd)) return reject('it contains a placeholder');
  const words = cmd.split(/\s+/);
  if (words[0] !== 'kubectl') return reject('only kubectl commands are proposed');
  const verb = words.slice(1).find((w) => !w.startsWith('-'));
  if (!verb) return reject('it has no kubectl verb');
  if (verb === 'rollout') {
    const sub = words[words.indexOf('rollout') + 1] ?? '';
    return { ...step, command: cmd, risk: ROLLOUT_READ.has(sub) ? 'read-only' : 'high' };
  }
  if (MUTATING.has(verb)) return { ...step, command: cmd, risk: 'high' };
  if (READ_ONLY.has(verb)) return { ...step, command: cmd, risk: 'read-only' };
  return reject(`unknown kubectl verb "${verb}"`);
}

/** Read-only steps first, then the rest in the order given. */
export function orderSteps(steps: Step[]): Step[] {
  return [...steps.filter((s) => s.risk === 'read-only'), ...steps.filter((s) => s.risk !== 'read-only')];
}
