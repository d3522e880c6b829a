import type { Alert } from '../../../shared/alert.ts';
import { type AlertmanagerSource, type SourceStatus, sourceName } from '../../../shared/alertmanager.ts';
import { type AmConnection, sourceConnection } from '../alertmanager/connection.ts';
import type { KubeProvider } from '../collect/kube.ts';
import type { AlertKey, IngestResult } from '../store/ingest.ts';
import { Poller } from './pull.ts';

export interface SourcesDeps {
  ingest(alerts: Alert[], source: string, released?: AlertKey[]): IngestResult;
  /** Firing incidents a source (`pull:<name>`) had reported, from the store. */
  reported(source: string): Alert[];
  /** The current kube provider (swapped when Settings change). */
  kube(): KubeProvider;
  now?: () => Date;
  log?: (msg: string) => void;
}

/**
 * The Alertmanagers polled in pull mode. Pollers run on the main thread (they only wait on the network)
 * and write through the engine's intake. They know of each other: an alert gone from one Alertmanager
 * but still listed by another (an HA pair, say) stays firing.
 */
export function createSources(d: SourcesDeps) {
  let pollers = new Map<string, { json: string; poller: Poller }>();
  const now = d.now ?? (() => new Date());
  const log = d.log ?? (() => {});
  const all = () => [...pollers.values()].map((p) => p.poller);

  const deps = {
    ingest: d.ingest,
    reported: d.reported,
    now,
    log,
    listedElsewhere: (key: string, self: Poller) => all().find((p) => p !== self && p.lists(key)) ?? null,
    settled: () => all().every((p) => p.attempts > 0),
  };

  return {
    /** Starts, keeps or stops pollers to match the list; an unchanged source keeps its state. */
    async configure(list: AlertmanagerSource[]): Promise<void> {
      const next = new Map<string, { json: string; poller: Poller }>();
      const stopping: Promise<void>[] = [];
      for (const source of list) {
        const name = sourceName(source);
        const json = JSON.stringify(source);
        const old = pollers.get(name);
        if (old && old.json === json) {
          next.set(name, old);
          continue;
        }
        if (old) stopping.push(old.poller.stop());
        next.set(name, { json, poller: new Poller(source, sourceConnection(source, d.kube), deps) });
      }
      for (const [name, old] of pollers) if (!next.has(name)) stopping.push(old.poller.stop());
      await Promise.all(stopping);
      const fresh = [...next.values()].filter(
        (p) => !pollers.has(p.poller.name) || pollers.get(p.poller.name) !== p,
      );
      pollers = next;
      for (const p of fresh) p.poller.start();
    },

    status(): SourceStatus[] {
      return all().map((p) => p.status());
    },

    /** The connection of a configured source, by name. */
    connection(name: string): AmConnection | undefined {
      return pollers.get(name)?.poller.conn;
    },

    /** Every configured source's connection, those whose last poll listed the alert first. */
    connectionsFor(key: string): AmConnection[] {
      const ps = all();
      return [...ps.filter((p) => p.lists(key)), ...ps.filter((p) => !p.lists(key))].map((p) => p.conn);
    },

    /** Polls a source now (after fixing its settings, say). */
    pollNow(name?: string): void {
      for (const p of all()) if (!name || p.name === name) p.pollSoon();
    },

    async stop(): Promise<void> {
      await Promise.all(all().map((p) => p.stop()));
      pollers = new Map();
    },
  };
}

export type Sources = ReturnType<typeof createSources>;
