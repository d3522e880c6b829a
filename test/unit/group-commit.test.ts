import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../electron/engine/intake/group-commit.ts';

/** A store that records how it was called and fails on items named 'bad' (or on everything when full). */
function recorder(opts: { full?: boolean } = {}) {
  const calls: string[][] = [];
  const check = (item: string) => {
    if (opts.full) throw new Error('disk full');
    if (item === 'bad') throw new Error(`cannot store ${item}`);
  };
  const group = new GroupCommit<string, string>(
    (items) => {
      calls.push(items);
      for (const i of items) check(i);
      return items.map((i) => `stored ${i}`);
    },
    (item) => {
      calls.push([item]);
      check(item);
      return `stored ${item}`;
    },
    (err) => /disk full/.test(String(err)),
  );
  return { group, calls };
}

describe('group commit', () => {
  it('commits what arrives in the same turn together, each answered with its own result', async () => {
    const { group, calls } = recorder();
    const results = await Promise.all(['a', 'b', 'c'].map((i) => group.submit(i)));
    expect(results).toEqual(['stored a', 'stored b', 'stored c']);
    expect(calls).toEqual([['a', 'b', 'c']]);
    // A later turn is a new commit; a lone payload is committed on its own.
    expect(await group.submit('d')).toBe('stored d');
    expect(calls).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('a payload the store rejects fails alone: the others are committed one by one', async () => {
    const { group, calls } = recorder();
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((i) => group.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('cannot store bad');
    expect(calls).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('a failure that would fail each alone (the disk is full) fails them all at once', async () => {
    const { group, calls } = recorder({ full: true });
    const results = await Promise.allSettled(['a', 'b'].map((i) => group.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toEqual([['a', 'b']]);
  });
});
