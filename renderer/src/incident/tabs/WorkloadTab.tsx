import type { Context } from '../../../../shared/context.ts';
import { useT } from '../../i18n/index.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { exact } from '../../ui/format.ts';

type Rev = { name: string; revision?: string; createdAt?: string; images: string[] };

function Revision({ title, rev }: { title: string; rev: Rev }) {
  return (
    <div className="revision">
      <h5>{title}</h5>
      <div>
        <strong>{rev.name}</strong>
        {rev.revision ? <span className="muted"> · rev {rev.revision}</span> : null}
      </div>
      {rev.createdAt ? <div className="muted small">{exact(rev.createdAt)}</div> : null}
      <ul className="plain small">
        {rev.images.map((i) => (
          <li key={i}>
            <code>{i}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The owning workload, its replicas and last rollout (what changed), its Service and volumes. */
export function WorkloadTab({ ctx }: { ctx: Context }) {
  const t = useT();
  const w = ctx.workload;
  const pvcs = ctx.pvcs ?? [];
  if (!w && !ctx.service && !pvcs.length) return <EmptyState title={t('workload.none')} />;
  return (
    <div className="tab-body">
      {w ? (
        <div className="workload" data-ref={`workload/${w.kind}/${w.name}`}>
          <h4>
            {w.kind} {w.namespace}/{w.name}
          </h4>
          {w.chain?.length ? (
            <p className="muted">
              {t('workload.chain')}: {w.chain.join(' → ')}
            </p>
          ) : null}
          {w.replicas ? <p>{t('workload.replicas', w.replicas)}</p> : null}
          {w.job ? <p>{t('workload.job', w.job)}</p> : null}
          {w.conditions?.length ? (
            <ul className="conditions">
              {w.conditions.map((c) => (
                <li key={c.type} className={c.status === 'True' ? 'ok' : 'bad'}>
                  {c.type}={c.status}
                  {c.reason ? ` · ${c.reason}` : ''}
                  {c.message ? <span className="muted"> — {c.message}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          {w.rollout ? (
            <div className="rollout" data-ref="rollout">
              <h4>{t('workload.rollout')}</h4>
              <div className="revisions">
                <Revision title={t('workload.current')} rev={w.rollout.current} />
                {w.rollout.previous ? (
                  <Revision title={t('workload.previous')} rev={w.rollout.previous} />
                ) : null}
              </div>
              <h5>{t('workload.changes')}</h5>
              {w.rollout.changes?.length ? (
                <ul className="changes">
                  {w.rollout.changes.map((c) => (
                    <li key={c}>
                      <code>{c}</code>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">{t('workload.noChanges')}</p>
              )}
            </div>
          ) : null}
        </div>
      ) : null}
      {ctx.service ? (
        <p data-ref={`service/${ctx.service.name}`}>
          {t('workload.service', {
            name: ctx.service.name,
            ready: ctx.service.readyEndpoints,
            notReady: ctx.service.notReadyEndpoints,
          })}
        </p>
      ) : null}
      {pvcs.length ? (
        <>
          <h4>{t('workload.pvcs')}</h4>
          <ul className="plain">
            {pvcs.map((p) => (
              <li key={p.name} data-ref={`pvc/${p.name}`}>
                {p.name}{' '}
                <span className={p.phase === 'Bound' ? 'muted' : 'warn-text'}>
                  {p.phase}
                  {p.storageClass ? ` · ${p.storageClass}` : ''}
                  {p.capacity ? ` · ${p.capacity}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
