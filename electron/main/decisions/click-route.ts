import { incidentHash, listHash } from '../../../shared/routes.ts';
import type { Batch } from './coalesce.ts';
import type { NotifyItem } from './notify-policy.ts';

/**
 * Where a click on a notification leads: a single incident opens its report; a coalesced one stands for
 * many, so it opens what is firing and not acknowledged, grouped by alert and workload (a storm's
 * replicas are one row).
 */
export function routeForBatch(batch: Batch<NotifyItem>): string {
  if (batch.more === 0) return incidentHash(batch.first.incident.id);
  return listHash({ view: 'groups', status: 'firing', acked: 'false' });
}
