import { actionCommand } from '../../shared/action.ts';
import type { Alert } from '../../shared/alert.ts';
import type { Context } from '../../shared/context.ts';
import type { Report } from '../../shared/report.ts';
import { describeSeries, describeWindow } from './collect/metrics/summary.ts';

/** The report as Markdown, for `analyze` and for pasting into a ticket. */
export function reportMarkdown(alert: Alert, report: Report, ctx?: Context | null): string {
  const rc = report.rootCause;
  const target = ctx?.target;
  const where = [
    target?.name ? `${target.kind}/${target.name}` : undefined,
    alert.labels.namespace ? `namespace ${alert.labels.namespace}` : undefined,
    target?.cluster ? `cluster ${target.cluster}` : undefined,
  ].filter(Boolean);
  const lines = [
    `# ${alert.labels.alertname ?? 'alert'} — ${rc.category} (${rc.confidence}% confidence)`,
    '',
    [
      `Source: ${report.source === 'llm' ? `LLM (${report.model ?? 'unknown model'})` : 'rules'}`,
      ...where,
      `started ${alert.startsAt}`,
    ].join(' · '),
  ];
  if (report.llmError) lines.push('', `> LLM not used: ${report.llmError}`);
  lines.push('', '## Root cause', '', rc.explanation);
  if (rc.evidence.length)
    lines.push('', '**Evidence**', '', ...rc.evidence.map((e) => `- \`${e.replace(/`/g, "'")}\``));
  if (ctx?.metrics?.series.length) {
    // The same lines the LLM's digest and the Feishu card carry: start, peak, now, trend, crossing.
    const m = ctx.metrics;
    lines.push(
      '',
      '## Metrics',
      '',
      `From ${m.source}, ${describeWindow(m)}:`,
      '',
      ...m.series.map(
        (s) =>
          `- ${describeSeries(s)}${s.name === 'alert expression' ? ` — \`${s.query.replace(/`/g, "'")}\`` : ''}`,
      ),
    );
  }
  lines.push('', '## Impact', '', report.impact);
  if (report.steps.length) {
    lines.push('', '## Immediate steps', '');
    report.steps.forEach((s, i) => {
      lines.push(`${i + 1}. ${s.title} _(${s.risk})_`);
      if (s.command) lines.push('', '   ```sh', `   ${s.command}`, '   ```');
      if (s.warning) lines.push(`   ⚠ ${s.warning}`);
    });
  }
  if (report.proposals?.length)
    lines.push(
      '',
      '## Proposed first aid',
      '',
      // `analyze` never acts: whether the app may run one is the policy's call, in `serve` and the app.
      ...report.proposals.map((p) => `- ${p.reason} (${p.source}) — by hand: \`${actionCommand(p.action)}\``),
    );
  if (report.prevention.length)
    lines.push('', '## Prevention', '', ...report.prevention.map((p) => `- ${p}`));
  if (ctx?.gaps.length)
    lines.push(
      '',
      '## Not collected',
      '',
      ...ctx.gaps.map((g) => `- ${g.what}: ${g.reason}${g.fix ? ` — ${g.fix}` : ''}`),
    );
  return `${lines.join('\n')}\n`;
}
