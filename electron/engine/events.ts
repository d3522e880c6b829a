import { EventEmitter } from 'node:events';
import type { ApiEvent, ApiEventName } from '../../shared/api.ts';

/** The engine's outbound events (incident changes, LLM tokens); HTTP SSE and IPC both subscribe here. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open browser tab and the Electron window subscribe; no real limit applies.
    this.emitter.setMaxListeners(0);
  }

  emit<K extends ApiEventName>(name: K, payload: ApiEvent<K>): void {
    this.emitter.emit(name, payload);
  }

  /** Lets producers skip building payloads nobody listens to (e.g. during an alert storm with no UI open). */
  listening(name: ApiEventName): boolean {
    return this.emitter.listenerCount(name) > 0;
  }

  on<K extends ApiEventName>(name: K, fn: (payload: ApiEvent<K>) => void): () => void {
    this.emitter.on(name, fn);
    return () => this.emitter.off(name, fn);
  }
}
