import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchingBus, type EventBatch } from '../../electron/engine/event-batch.ts';
import type { IncidentSummary } from '../../shared/incident.ts';

afterEach(() => vi.useRealTimers());

const summary = (id: number, state: IncidentSummary['state']) => ({ id, state }) as IncidentSummary;

describe('the pipeline thread sends its events in batches', () => {
  it('one message per 25 ms; a run of one incident’s tokens becomes one token; order kept', () => {
    vi.useFakeTimers();
    const sent: EventBatch[] = [];
    const bus = new BatchingBus((e) => sent.push(e));
    bus.emit('incident', summary(1, 'diagnosing'));
    for (const t of ['{"root', 'Cause', '": {']) bus.emit('token', { id: 1, text: t });
    bus.emit('token', { id: 2, text: 'other' });
    bus.emit('token', { id: 1, text: ' more' });
    bus.emit('incident', summary(1, 'ready'));
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(25);
    expect(sent).toEqual([
      [
        { name: 'incident', payload: summary(1, 'diagnosing') },
        { name: 'token', payload: { id: 1, text: '{"rootCause": {' } },
        { name: 'token', payload: { id: 2, text: 'other' } },
        { name: 'token', payload: { id: 1, text: ' more' } },
        { name: 'incident', payload: summary(1, 'ready') },
      ],
    ]);
    bus.emit('token', { id: 1, text: 'x' });
    vi.advanceTimersByTime(25);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(1_000);
    expect(sent).toHaveLength(2); // nothing waiting: nothing sent
  });

  it('flush() sends at once what waits (before the worker reports it has stopped)', () => {
    const sent: EventBatch[] = [];
    const bus = new BatchingBus((e) => sent.push(e), 60_000);
    bus.emit('incident', summary(3, 'ready'));
    bus.flush();
    expect(sent).toEqual([[{ name: 'incident', payload: summary(3, 'ready') }]]);
    bus.flush();
    expect(sent).toHaveLength(1);
  });
});
