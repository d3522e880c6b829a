import type http from 'node:http';
import { apiEvents } from '../../../shared/api.ts';
import type { EventBus } from '../events.ts';

/** Unread event data a client may leave with the engine before it is disconnected. */
export const EVENT_STREAM_MAX_BUFFERED = 16 * 1024 * 1024;

/**
 * Server-sent events: every API event, as `event: <name>` with JSON data; a comment every 15 s keeps
 * proxies open. A client that stops reading (a hung window, a suspended tab, a stuck proxy) would
 * otherwise have every event of a storm kept for it in the engine's memory: once `maxBuffered` bytes wait
 * for it, it is disconnected. A browser's EventSource reconnects by itself (after the `retry` below), and
 * the UI then reloads what it shows, so nothing is lost to it.
 */
export function openEventStream(
  bus: EventBus,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  maxBuffered = EVENT_STREAM_MAX_BUFFERED,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  // Events arrive in bursts (a batch from the pipeline, a payload's new incidents): one write per burst.
  // What the socket has not taken once a burst is written is what the client has left unread.
  let corked = false;
  const flush = () => {
    corked = false;
    res.uncork();
    if (res.writableLength > maxBuffered) {
      close();
      res.destroy();
    }
  };
  const offs = (Object.keys(apiEvents) as (keyof typeof apiEvents)[]).map((name) =>
    bus.on(name, (payload) => {
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(flush);
      }
      res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
    }),
  );
  const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  const close = () => {
    clearInterval(beat);
    for (const off of offs) off();
  };
  req.on('close', close);
  res.on('error', close);
}
