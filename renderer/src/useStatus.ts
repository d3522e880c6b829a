import { useEffect, useState } from 'react';
import type { ApiOutput } from '../../shared/api.ts';
import type { Client } from './client.ts';

/**
 * Engine status (counts for the top bar), refreshed after incident changes, at most twice a second, and
 * every 10 s for what changes without an incident (a pull source failing or recovering).
 */
export function useStatus(client: Client) {
  const [status, setStatus] = useState<ApiOutput<'getStatus'> | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      timer = undefined;
      client.api.getStatus({}).then(setStatus, () => {});
    };
    refresh();
    const every = setInterval(() => {
      timer ??= setTimeout(refresh, 0);
    }, 10_000);
    const off = client.on('incident', () => {
      timer ??= setTimeout(refresh, 500);
    });
    return () => {
      off();
      clearInterval(every);
      clearTimeout(timer);
    };
  }, [client]);
  return status;
}
