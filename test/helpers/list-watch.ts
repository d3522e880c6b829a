import type { Page } from 'playwright-core';

/**
 * Starts watching the open incident list for `text`; the returned function resolves with the
 * Date.now() (the page's clock, the same machine's) at which it appeared, or NaN if it did not within
 * `timeoutMs`.
 */
export async function watchListFor(
  page: Page,
  text: string,
  timeoutMs = 30_000,
): Promise<() => Promise<number>> {
  await page.evaluate(
    ([p, ms]) => {
      const w = window as unknown as { __seen?: Record<string, Promise<number>> };
      w.__seen ??= {};
      w.__seen[p] = new Promise((resolve) => {
        const obs = new MutationObserver(() => {
          if (document.querySelector('.vlist')?.textContent?.includes(p)) {
            obs.disconnect();
            resolve(Date.now());
          }
        });
        obs.observe(document.body, { childList: true, subtree: true, characterData: true });
        // Never seen (pushed out of the visible rows by newer ones in the same render): NaN, not a hang.
        setTimeout(() => {
          obs.disconnect();
          resolve(Number.NaN);
        }, ms);
      });
    },
    [text, timeoutMs] as const,
  );
  return () =>
    page.evaluate((p) => (window as unknown as { __seen: Record<string, Promise<number>> }).__seen[p]!, text);
}
