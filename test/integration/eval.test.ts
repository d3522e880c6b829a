import { describe, expect, it } from 'vitest';
import { runEval } from '../eval/eval.ts';

describe('diagnosis eval, rules only (what CI holds the rules to)', () => {
  it('gets the category of every scenario right, and every proposed step passes the command check', async () => {
    const r = await runEval();
    const wrong = r.rows
      .filter((x) => !x.rules.correct)
      .map((x) => `${x.scenario}: expected ${x.expected}, got ${x.rules.category}`);
    expect(wrong).toEqual([]);
    expect(r.totals.rulesAccuracy).toBe(1);
    const unchecked = r.rows.filter((x) => {
      const [ok, all] = x.rules.stepsChecked.split('/').map(Number);
      return ok !== all;
    });
    expect(unchecked.map((x) => `${x.scenario} ${x.rules.stepsChecked}`)).toEqual([]);
    // The rules report follows collection within milliseconds.
    expect(r.totals.rulesP99Ms).toBeLessThan(50);
  }, 180_000);
});
