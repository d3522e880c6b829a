import { incidentHash, listHash } from '../../../shared/routes.ts';
import type { Batch } from './coalesce.ts';
import type { NotifyItem } from './notify-policy.ts';

/**
 * Where a click on a notification leads: a single incident opens its report; a coalesced one opens the
 * list of what is firing and not acknowledged, since it stands for many.
 */
export function routeForBatch(batch: Batch<NotifyItem>): string {
  if (batch.more === 0) return incidentHash(batch.first.incident.id);
  return listHash({ status: 'firing', acked: 'false' });
}
