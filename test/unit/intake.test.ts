import { describe, expect, it } from 'vitest';
import { labelsFingerprint } from '../../electron/engine/intake/fingerprint.ts';
import { alertsFromPayload, endTime, unquoteMeta } from '../../electron/engine/intake/normalize.ts';
import { parseWebhook } from '../../electron/engine/intake/webhook.ts';
import { isoTimestamp, WebhookPayload } from '../../shared/alert.ts';
import { amPayload, podAlert } from '../helpers/payload.ts';

describe('Alertmanager v4 intake', () => {
  it('computes the same fingerprint Alertmanager 0.25 sent for the same labels', () => {
    // Captured from a real Alertmanager (PROTOCOLS §1.1).
    expect(
      labelsFingerprint({
        alertname: 'KubePodCrashLooping',
        namespace: 'default',
        pod: 'api-7d9f-abcde',
        severity: 'critical',
      }),
    ).toBe('468b7dfadc5ed763');
  });

  it("treats Go's zero endsAt as not ended and unescapes the receiver", () => {
    expect(endTime('0001-01-01T00:00:00Z')).toBeNull();
    expect(endTime('2026-11-26T03:40:00.123456789Z')).toBe('2026-11-26T03:40:00.123Z');
    expect(unquoteMeta('k8s\\.diag')).toBe('k8s.diag');
    const [a] = alertsFromPayload(WebhookPayload.parse(amPayload([podAlert('api-1')])));
    expect(a).toMatchObject({
      receiver: 'k8s.diag',
      endsAt: null,
      startsAt: '2026-11-26T03:25:15.821Z',
      externalURL: 'http://vm:19093',
    });
  });

  it('puts every spelling of a time in one form, remembered or not, and ends only from year 2 on', () => {
    // The same instant as Alertmanager's webhook (nanoseconds), its API (milliseconds) and an offset.
    const forms = [
      '2026-11-26T03:40:00.123456789Z',
      '2026-11-26T03:40:00.123Z',
      '2026-11-26T11:40:00.123+08:00',
    ];
    for (let round = 0; round < 2; round++)
      for (const raw of forms) expect(isoTimestamp(raw)).toBe('2026-11-26T03:40:00.123Z');
    expect(isoTimestamp('yesterday')).toBeNull();
    expect(isoTimestamp('yesterday')).toBeNull();
    // Past the memo's bound every answer is still computed, not taken from a stale entry.
    for (let s = 0; s < 1500; s++) {
      const raw = `2026-11-26T03:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}Z`;
      expect(isoTimestamp(raw)).toBe(new Date(Date.parse(raw)).toISOString());
    }
    expect(endTime('0000-01-01T00:00:00Z')).toBeNull();
    expect(endTime('0001-12-31T23:59:59Z')).toBeNull();
    expect(endTime('0002-01-01T00:00:00Z')).toBe('0002-01-01T00:00:00.000Z');
    expect(endTime('0009-06-01T00:00:00Z')).toBe('0009-06-01T00:00:00.000Z');
    expect(endTime('')).toBeNull();
    // A bad time is refused the second time too (the memo keeps "not a time" as well).
    for (let round = 0; round < 2; round++)
      expect(() => parseWebhook(amPayload([{ ...podAlert('api-1'), startsAt: 'soon' }]))).toThrow(
        'alerts[0].startsAt: must be an RFC 3339 timestamp',
      );
  });

  it('accepts fields from newer Alertmanagers it does not know', () => {
    const body = amPayload([podAlert('api-1')], {
      notification_reason: 'first notification',
      routeLabels: { a: 'b' },
    });
    expect(parseWebhook(body)).toHaveLength(1);
  });

  it('names the first bad field of a payload that is not v4', () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        { ...amPayload([podAlert('a')]), version: '3' },
        /^not an Alertmanager v4 payload: version: must be "4"/,
      ],
      [{ ...amPayload([podAlert('a')]), alerts: [] }, /alerts: must contain at least one alert/],
      [
        amPayload([{ labels: { namespace: 'x' } }]),
        /alerts\[0\]\.labels: must contain a non-empty "alertname"/,
      ],
      [
        {
          ...amPayload([podAlert('a')]),
          alerts: [{ ...amPayload([podAlert('a')]).alerts[0], startsAt: 'yesterday' }],
        },
        /alerts\[0\]\.startsAt/,
      ],
      [
        amPayload([{ labels: { alertname: 'A', 'not a name': 'x' } }]),
        /alerts\[0\]\.labels\.not a name: is not a valid label name/,
      ],
      [
        {
          ...amPayload([podAlert('a')]),
          alerts: [{ ...amPayload([podAlert('a')]).alerts[0], labels: null }],
        },
        /alerts\[0\]\.labels: must be an object of labels, received null/,
      ],
      [
        amPayload([{ labels: { alertname: 'A' }, annotations: { summary: 5 as unknown as string } }]),
        /alerts\[0\]\.annotations\.summary: must be a string, received number/,
      ],
      [
        amPayload([{ labels: { alertname: 'A', pod: 'p'.repeat(4097) } }]),
        /alerts\[0\]\.labels\.pod: is longer than 4096 characters/,
      ],
      [[1, 2], /expected object/],
      ['just text', /expected object/],
    ];
    for (const [body, message] of cases) expect(() => parseWebhook(body)).toThrow(message);
  });
});
