const OFFSET = 14695981039346656037n;
const PRIME = 1099511628211n;
const MASK = (1n << 64n) - 1n;
const SEPARATOR = 0xff;

/**
 * Alertmanager's fingerprint of a label set (prometheus/common model.LabelSet.Fingerprint: FNV-1a 64
 * over sorted name/value pairs, each followed by 0xff), so an alert posted without one dedupes with the
 * same alert delivered by Alertmanager itself.
 */
export function labelsFingerprint(labels: Record<string, string>): string {
  let h = OFFSET;
  const add = (byte: number) => {
    h ^= BigInt(byte);
    h = (h * PRIME) & MASK;
  };
  const encoder = new TextEncoder();
  for (const name of Object.keys(labels).sort()) {
    for (const b of encoder.encode(name)) add(b);
    add(SEPARATOR);
    for (const b of encoder.encode(labels[name]!)) add(b);
    add(SEPARATOR);
  }
  return h.toString(16).padStart(16, '0');
}
