import type { Context } from '../../../../shared/context.ts';
import { useT } from '../../i18n/index.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';

const pairs = (r: Record<string, string> | undefined) =>
  Object.entries(r ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ') || '–';

export function NodeTab({ ctx }: { ctx: Context }) {
  const t = useT();
  const nodes = ctx.nodes ?? [];
  if (!nodes.length) return <EmptyState title={t('node.none')} />;
  return (
    <div className="tab-body">
      {nodes.map((n) => (
        <div key={n.name} className="node" data-ref={`node/${n.name}`}>
          <h4>
            {n.name}
            {n.kubeletVersion ? <span className="muted"> · kubelet {n.kubeletVersion}</span> : null}
            {n.unschedulable ? <span className="tag tag-warn">{t('node.unschedulable')}</span> : null}
          </h4>
          <ul className="conditions">
            {n.conditions.map((c) => {
              const healthy = c.type === 'Ready' ? c.status === 'True' : c.status === 'False';
              return (
                <li
                  key={c.type}
                  className={healthy ? 'ok' : 'bad'}
                  data-ref={`node/${n.name}/condition/${c.type}`}
                >
                  {c.type}={c.status}
                  {c.reason ? ` · ${c.reason}` : ''}
                  {c.message ? <span className="muted"> — {c.message}</span> : null}
                </li>
              );
            })}
          </ul>
          <table className="kv-table">
            <tbody>
              <tr>
                <th>{t('node.allocatable')}</th>
                <td>{pairs(n.allocatable)}</td>
              </tr>
              <tr>
                <th>{t('node.requested')}</th>
                <td>{pairs(n.requested)}</td>
              </tr>
              <tr>
                <th>{t('node.taints')}</th>
                <td>{n.taints?.length ? n.taints.join(', ') : '–'}</td>
              </tr>
            </tbody>
          </table>
          {n.failingPods?.length ? (
            <>
              <h5>{t('node.failingPods')}</h5>
              <ul className="plain small">
                {n.failingPods.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ))}
    </div>
  );
}
