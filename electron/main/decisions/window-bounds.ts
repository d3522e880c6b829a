import { z } from 'zod';

export const WindowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The saved window bounds if enough of the window still lands on a connected display (a monitor may
 * have been unplugged since), otherwise null so the window opens centred on the primary one.
 */
export function restoreBounds(saved: unknown, displays: Area[]): WindowState | null {
  const s = WindowState.safeParse(saved);
  if (!s.success) return null;
  const w = s.data;
  const visible = displays.some((d) => {
    const ix = Math.min(w.x + w.width, d.x + d.width) - Math.max(w.x, d.x);
    const iy = Math.min(w.y + w.height, d.y + d.height) - Math.max(w.y, d.y);
    return ix >= 100 && iy >= 50;
  });
  return visible ? w : null;
}
