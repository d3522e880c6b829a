import { describe, expect, it } from 'vitest';
import { redact, redactDeep } from '../../electron/engine/collect/redact.ts';
import { SAFE_LINES, SECRET_LINES } from '../fixtures/secrets/corpus.ts';

describe('redaction', () => {
  it.each(SECRET_LINES.map((c) => [c.line.slice(0, 60), c] as const))(
    'removes the secret from: %s',
    (_l, c) => {
      const out = redact(c.line);
      expect(out).not.toContain(c.secret);
      // No tail of it either: a partly redacted secret is still a leak.
      expect(out).not.toContain(c.secret.slice(-6));
      expect(out).toContain('[REDACTED]');
    },
  );

  it.each(SAFE_LINES.map((l) => [l] as const))('leaves evidence alone: %s', (line) => {
    expect(redact(line)).toBe(line);
  });

  it('keeps what surrounds a secret, so the line still explains the failure', () => {
    expect(redact('dial postgres://app:S3cr3tP4ss@db.shop.svc:5432/shop: connection refused')).toBe(
      'dial postgres://app:[REDACTED]@db.shop.svc:5432/shop: connection refused',
    );
  });

  it('walks nested values without changing their shape', () => {
    const v = { a: ['password=abc123x', { b: 'fine', n: 3 }], c: null };
    expect(redactDeep(v)).toEqual({ a: ['password=[REDACTED]', { b: 'fine', n: 3 }], c: null });
  });
});
