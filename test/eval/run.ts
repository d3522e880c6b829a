/**
 * `npm run eval [-- --ollama-host URL --model NAME] [--only a,b]`: every scenario through collect and
 * diagnose; prints the table and writes it as Markdown and JSON under eval-results/. Without an LLM it
 * measures the rules; with one, rules and LLM side by side. Exits 1 when the rules miss a scenario.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runEval, toMarkdown } from './eval.ts';

const { values } = parseArgs({
  options: {
    'ollama-host': { type: 'string' },
    model: { type: 'string', default: 'qwen2.5:14b' },
    only: { type: 'string' },
    out: { type: 'string', default: 'eval-results' },
    'num-ctx': { type: 'string', default: '8192' },
  },
});

const llm = values['ollama-host']
  ? {
      host: values['ollama-host'],
      model: values.model!,
      temperature: 0.3,
      numCtx: Number(values['num-ctx']),
      firstTokenTimeoutMs: 120_000,
      totalTimeoutMs: 300_000,
    }
  : undefined;
const result = await runEval({ llm, only: values.only?.split(',') });
const md = toMarkdown(result);
console.log(md);
fs.mkdirSync(values.out!, { recursive: true });
fs.writeFileSync(path.join(values.out!, 'eval.md'), md);
fs.writeFileSync(path.join(values.out!, 'eval.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`written: ${path.join(values.out!, 'eval.md')}, ${path.join(values.out!, 'eval.json')}`);
process.exitCode = result.totals.rulesAccuracy < 1 ? 1 : 0;
