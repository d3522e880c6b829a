import type { Context } from '../../../../shared/context.ts';
import type { Finding } from '../../../../shared/report.ts';

/** A rule is a pure function of the collected context: same context, same findings, no I/O. */
export interface Rule {
  name: string;
  run(ctx: Context): Finding[];
}
