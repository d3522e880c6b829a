import type { ApiEvent, ApiEventName } from '../../shared/api.ts';
import { EventBus } from './events.ts';

export type EventBatch = Array<{ name: ApiEventName; payload: unknown }>;

/**
 * An event bus whose events leave in batches, every `flushMs` (the pipeline worker's, to the main
 * thread): a streaming answer is hundreds of tokens a second, and each message costs the thread that
 * answers the webhook. A run of one incident's tokens travels as one event; the order of events is kept.
 */
export class BatchingBus extends EventBus {
  private batch: EventBatch = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (events: EventBatch) => void,
    private readonly flushMs = 25,
  ) {
    super();
  }

  override emit<K extends ApiEventName>(name: K, payload: ApiEvent<K>): void {
    const last = this.batch.at(-1);
    if (name === 'token' && last?.name === 'token') {
      const prev = last.payload as ApiEvent<'token'>;
      const next = payload as ApiEvent<'token'>;
      if (prev.id === next.id) {
        last.payload = { id: prev.id, text: prev.text + next.text };
        return;
      }
    }
    this.batch.push({ name, payload });
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Sends what is waiting now (before the worker says it has stopped). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.batch.length) return;
    const events = this.batch;
    this.batch = [];
    this.send(events);
  }

  /** Producers build every event: whether anyone listens is known on the other side. */
  override listening(): boolean {
    return true;
  }
}
