import { describe, expect, it } from 'vitest';
import type { ReadResult } from '../../../electron/engine/collect/read.ts';
import { ReadCache } from '../../../electron/engine/collect/read-cache.ts';

function counter() {
  let calls = 0;
  return {
    calls: () => calls,
    read:
      (value: string, gap = false) =>
      (): Promise<ReadResult<string>> => {
        calls++;
        return Promise.resolve(gap ? { gap: { what: value, reason: 'timed out' } } : { value });
      },
  };
}

describe('the shared read cache', () => {
  it('a burst reads once; after the window it reads again', async () => {
    let now = 0;
    const cache = new ReadCache(3_000, () => now);
    const c = counter();
    expect((await cache.run('pods', c.read('a'))).value).toBe('a');
    now = 2_999;
    expect((await cache.run('pods', c.read('b'))).value).toBe('a');
    expect(c.calls()).toBe(1);
    now = 3_000;
    expect((await cache.run('pods', c.read('c'))).value).toBe('c');
    expect(c.calls()).toBe(2);
  });

  it('a failed read is not remembered', async () => {
    const cache = new ReadCache(3_000, () => 0);
    const c = counter();
    expect((await cache.run('node', c.read('x', true))).gap).toBeDefined();
    expect((await cache.run('node', c.read('y'))).value).toBe('y');
    expect(c.calls()).toBe(2);
  });

  it('stale entries leave at once, and a storm across many keys holds no more than the bound', async () => {
    let now = 0;
    const cache = new ReadCache(3_000, () => now, 50);
    const c = counter();
    for (let i = 0; i < 500; i++) {
      now = i * 10;
      await cache.run(`pods in namespace ns-${i}`, c.read(String(i)));
      expect(cache.size).toBeLessThanOrEqual(50);
    }
    // The newest keys are still shared; the oldest were dropped to make room.
    await cache.run('pods in namespace ns-499', c.read('again'));
    expect(c.calls()).toBe(500);
    now += 3_000;
    await cache.run('something else', c.read('z'));
    expect(cache.size).toBe(1);
  });
});
