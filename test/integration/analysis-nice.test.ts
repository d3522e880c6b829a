import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testEngine } from '../helpers/engine.ts';
import { waitFor } from '../helpers/http.ts';

/** The nice values of this process's threads (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNices(): number[] {
  return fs.readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // The command name may hold spaces: the fields start after its closing parenthesis.
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return []; // a thread that ended meanwhile
    }
  });
}

describe.runIf(process.platform === 'linux')('the analysis worker priority', () => {
  it('runs at the configured nice value, leaving the intake thread at the app’s own', async () => {
    const before = threadNices().filter((n) => n === 7).length;
    const e = testEngine({ analysisNice: 7 });
    try {
      await e.pipeline.start();
      await waitFor(
        () => threadNices().filter((n) => n === 7).length > before || null,
        10_000,
        'a thread at nice 7',
      );
      expect(threadNices().filter((n) => n === 0).length).toBeGreaterThan(0);
    } finally {
      await e.close();
    }
  });
});
