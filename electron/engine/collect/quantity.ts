/**
 * Kubernetes resource quantities ("250m", "1.5Gi", "123456Ki", "1234567n") as numbers and back, enough
 * to add up requests and compare usage with limits.
 */
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export function parseQuantity(q: string | number | undefined): number | null {
  if (q === undefined) return null;
  if (typeof q === 'number') return q;
  const m = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkKMGTPE])?$/.exec(q.trim());
  if (!m) return null;
  return Number(m[1]) * (SUFFIX[m[2] ?? ''] ?? 1);
}

export function addQuantity(acc: Record<string, number>, resource: string, q: string): void {
  const v = parseQuantity(q);
  if (v !== null) acc[resource] = (acc[resource] ?? 0) + v;
}

/** CPU in millicores, memory and storage in binary units: the way kubectl describe shows them. */
export function formatQuantity(resource: string, v: number): string {
  if (resource === 'cpu') return `${Math.round(v * 1000)}m`;
  if (/memory|storage/.test(resource)) {
    for (const [unit, size] of [
      ['Gi', 2 ** 30],
      ['Mi', 2 ** 20],
      ['Ki', 2 ** 10],
    ] as const) {
      if (v >= size) return `${Number((v / size).toFixed(1))}${unit}`;
    }
  }
  return String(Math.round(v * 100) / 100);
}
