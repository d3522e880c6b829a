import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../electron/engine/collect/digest.ts';
import { compressLog, lineShape } from '../../electron/engine/collect/logs.ts';

function noisyLog(lines: number, inject: Record<number, string>): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(
      inject[i] ??
        `2026-11-26T03:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.123Z INFO GET /api/items/${i} 200 ${i % 97}ms`,
    );
  }
  return `${out.join('\n')}\n`;
}

describe('log compression', () => {
  it('folds lines that differ only in numbers, ids and timestamps, with a count', () => {
    expect(lineShape('2026-11-26T03:00:01Z GET /api/items/17 200 12ms')).toBe(
      lineShape('2026-11-26T03:59:09Z GET /api/items/993 200 7ms'),
    );
    const c = compressLog(noisyLog(5_000, {}));
    expect(c.lines).toBe(5_000);
    expect(c.kept).toBeLessThan(100);
    expect(c.text).toMatch(/GET \/api\/items\/0 200 0ms {2}\[×\d+\]/);
  });

  it('keeps an error buried thousands of lines before the tail, with its stack frames', () => {
    const log = noisyLog(50_000, {
      200: '2026-11-26T03:03:20.000Z ERROR pool: dial tcp 10.0.3.7:5432: connect: connection refused',
      201: 'java.net.ConnectException: Connection refused',
      202: '\tat java.base/sun.nio.ch.Net.connect0(Native Method)',
      203: '\tat org.postgresql.core.PGStream.<init>(PGStream.java:98)',
      40000: '2026-11-26T14:06:40.000Z WARN retry budget exhausted for upstream payments',
    });
    const c = compressLog(log);
    expect(c.text).toContain('connect: connection refused');
    expect(c.text).toContain('at org.postgresql.core.PGStream.<init>(PGStream.java:98)');
    expect(c.text).toContain('retry budget exhausted');
    expect(c.kept).toBeLessThanOrEqual(400);
    expect(estimateTokens(c.text)).toBeLessThan(6_000);
    // Original line numbers are kept for every kept line, 0 for the "[… n lines …]" markers.
    const idx = c.text.split('\n').findIndex((l) => l.includes('connection refused'));
    expect(c.lineNumbers[idx]).toBe(201);
  });

  it('keeps a Go panic with its goroutine frames across the blank lines', () => {
    const panic = [
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x20 pc=0x9f3b2e]',
      '',
      'goroutine 87 [running]:',
      'github.com/acme/router.(*Router).pick(0xc0001a6000)',
      '\t/src/internal/routing/router.go:142 +0x2e',
    ];
    const inject = Object.fromEntries(panic.map((l, i) => [3_000 + i, l]));
    const c = compressLog(noisyLog(6_000, inject));
    for (const l of panic.filter(Boolean)) expect(c.text).toContain(l);
  });

  it('shows the tail as it happened and marks every gap', () => {
    const c = compressLog(noisyLog(2_000, { 1999: 'last words: shutting down' }));
    expect(c.text.split('\n').at(-1)).toBe('last words: shutting down');
    expect(c.text).toMatch(/\[… [\d,]+ lines …\]/);
  });

  it('returns a short log unchanged', () => {
    const log = 'starting\nlistening on :8080\nready';
    expect(compressLog(log).text).toBe(log);
  });
});
