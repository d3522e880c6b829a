import type http from 'node:http';
import { apiEvents } from '../../../shared/api.ts';
import type { EventBus } from '../events.ts';

/** Server-sent events: every API event, as `event: <name>` with JSON data; a comment every 15 s keeps proxies open. */
export function openEventStream(bus: EventBus, req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  // Events arrive in bursts (a batch from the pipeline, a payload's new incidents): one write per burst.
  let corked = false;
  const offs = (Object.keys(apiEvents) as (keyof typeof apiEvents)[]).map((name) =>
    bus.on(name, (payload) => {
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(() => {
          corked = false;
          res.uncork();
        });
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
