import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approve, reject } from '../../../electron/engine/act/approval.ts';
import { ActionExecutor } from '../../../electron/engine/act/executor.ts';
import { createPolicyStore } from '../../../electron/engine/act/policy-store.ts';
import { parseWebhook } from '../../../electron/engine/intake/webhook.ts';
import { createActionStore } from '../../../electron/engine/store/actions.ts';
import { openDatabase } from '../../../electron/engine/store/db.ts';
import { createIngest } from '../../../electron/engine/store/ingest.ts';
import { createQueries } from '../../../electron/engine/store/queries.ts';
import type { Proposal } from '../../../shared/action.ts';
import { tempDir } from '../../helpers/engine.ts';
import { amPayload, podAlert } from '../../helpers/payload.ts';

const proposal: Proposal = {
  action: { type: 'restart-pod', namespace: 'shop', pod: 'api-1' },
  reason: 'restart pod api-1 (OOMKilled 3 times; 2 other replicas ready)',
  source: 'rules',
  confidence: 95,
};

function setup() {
  const dir = tempDir('actions-store-');
  const db = openDatabase(path.join(dir, 'db.sqlite'));
  const id = createIngest(db, { source: 'webhook', clusterLabel: 'cluster' })(
    parseWebhook(amPayload([podAlert('api-1', 'shop', 'KubePodCrashLooping', 'warning')])),
  ).created[0]!;
  const store = createActionStore(db);
  const queries = createQueries(db);
  const policy = createPolicyStore({ file: path.join(dir, 'policy.yaml'), store, audit: true });
  const insert = (state: 'pending' | 'approved') =>
    store.insert(
      {
        incidentId: id,
        proposal,
        key: 'restart-pod shop/api-1',
        workload: 'shop/Deployment/api',
        mode: state === 'pending' ? 'approve' : 'auto',
        state,
        stateReason: null,
        decidedBy: state === 'approved' ? 'policy' : null,
      },
      [{ event: 'proposed', actor: 'rules', message: 'proposed' }],
    ).id;
  return { db, id, store, queries, policy, insert };
}

describe('the actions store, decisions and recovery', () => {
  it('one row per incident and action, whatever reports repeat it', () => {
    const { store, insert, id } = setup();
    const a = insert('pending');
    expect(insert('pending')).toBe(a);
    expect(store.forIncident(id)).toHaveLength(1);
    expect(store.auditLog({ incidentId: id, limit: 10 })).toHaveLength(1);
  });

  it('approve and reject: only what waits; the policy in force must still allow it', () => {
    const { store, queries, policy, insert } = setup();
    const id = insert('pending');
    // The default policy (no file) only suggests: approving is refused with how to change that.
    expect(() => approve({ store, queries, policy }, id, 'alice')).toThrow(
      /the policy in force no longer lets restart-pod shop\/api-1 run \(.*\); change the policy in Settings/,
    );
    policy.save('actions:\n  restart-pod: approve\n', 'alice');
    expect(approve({ store, queries, policy }, id, 'alice')).toMatchObject({
      state: 'approved',
      decidedBy: 'alice',
    });
    expect(() => approve({ store, queries, policy }, id, 'bob')).toThrow(
      /is approved, not waiting for approval/,
    );
    expect(reject({ store, queries, policy }, id, 'bob', 'not during the sale')).toMatchObject({
      state: 'rejected',
      stateReason: 'rejected by bob: not during the sale',
    });
    expect(() => reject({ store, queries, policy }, 999, 'bob')).toThrow(/action 999 not found/);
  });

  it('an action left running by a crash is marked failed, never carried out again', () => {
    const { store, queries, policy, insert } = setup();
    const id = insert('approved');
    expect(store.transition(id, ['approved'], 'running', {})).toBe(true);
    const changed: number[] = [];
    const executor = new ActionExecutor({
      store,
      queries,
      policy,
      kube: {
        forCluster: () => {
          throw new Error('no cluster in this test');
        },
      } as never,
      onChange: (i) => changed.push(i),
    });
    executor.start();
    void executor.stop();
    expect(store.get(id)).toMatchObject({ state: 'failed' });
    expect(store.get(id)!.state_reason).toMatch(/it is not retried: check the target by hand/);
    expect(store.auditLog({ limit: 1 })[0]).toMatchObject({ event: 'outcome', ok: false, actor: 'engine' });
    expect(changed).toHaveLength(1);
  });
});
