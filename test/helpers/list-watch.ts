import type { Page } from 'playwright-core';

/**
 * Starts watching the open incident list for `text`; the returned function resolves with the
 * Date.now() (the page's clock, the same machine's) at which it appeared.
 */
export async function watchListFor(page: Page, text: string): Promise<() => Promise<number>> {
  await page.evaluate((p) => {
    const w = window as unknown as { __seen?: Promise<number> };
    w.__seen = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        if (document.querySelector('.vlist')?.textContent?.includes(p)) {
          obs.disconnect();
          resolve(Date.now());
        }
      });
      obs.observe(document.body, { childList: true, subtree: true, characterData: true });
    });
  }, text);
  return () => page.evaluate(() => (window as unknown as { __seen: Promise<number> }).__seen);
}
