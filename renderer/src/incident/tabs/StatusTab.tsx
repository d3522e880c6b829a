import type { ContainerStateInfo, Context, PodInfo } from '../../../../shared/context.ts';
import { useT } from '../../i18n/index.tsx';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { exact } from '../../ui/format.ts';

export function stateText(s: ContainerStateInfo | undefined): string {
  if (!s) return '–';
  const parts: string[] = [s.kind];
  if (s.reason) parts.push(s.reason);
  if (s.exitCode !== undefined) parts.push(`exit ${s.exitCode}`);
  if (s.signal !== undefined) parts.push(`signal ${s.signal}`);
  if (s.finishedAt) parts.push(`at ${exact(s.finishedAt)}`);
  else if (s.startedAt) parts.push(`since ${exact(s.startedAt)}`);
  return parts.join(' · ');
}

const resources = (r: Record<string, string>) =>
  Object.entries(r ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '–';

function Pod({ pod }: { pod: PodInfo }) {
  const t = useT();
  return (
    <div className="pod" data-ref={`pod/${pod.name}/status`}>
      <h4>
        {pod.namespace}/{pod.name} <span className="muted">{t('status.phase', { phase: pod.phase })}</span>
        {pod.nodeName ? <span className="muted"> · {t('status.node', { node: pod.nodeName })}</span> : null}
      </h4>
      {pod.reason || pod.message ? (
        <p className="muted">
          {pod.reason} {pod.message}
        </p>
      ) : null}
      <table className="kv-table">
        <thead>
          <tr>
            <th>{t('status.container')}</th>
            <th>{t('status.state')}</th>
            <th>{t('status.lastState')}</th>
            <th>{t('status.restarts')}</th>
            <th>{t('status.resources')}</th>
          </tr>
        </thead>
        <tbody>
          {pod.containers.map((c) => (
            <tr key={c.name}>
              <td>
                <strong>{c.name}</strong>
                {c.init ? <span className="tag">init</span> : null}
                <div className="muted small">{c.image}</div>
              </td>
              <td data-ref={`pod/${pod.name}/container/${c.name}/state`}>
                {stateText(c.state)}
                {c.state.message ? <div className="small muted">{c.state.message}</div> : null}
              </td>
              <td data-ref={`pod/${pod.name}/container/${c.name}/lastState`}>
                {stateText(c.lastState)}
                {c.lastState?.message ? <div className="small muted">{c.lastState.message}</div> : null}
              </td>
              <td className={c.restartCount > 0 ? 'warn-text' : ''}>{c.restartCount}</td>
              <td className="small">
                {resources(c.requests)} / {resources(c.limits)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pod.conditions.length ? (
        <>
          <h5>{t('status.conditions')}</h5>
          <ul className="conditions">
            {pod.conditions.map((c) => (
              <li
                key={c.type}
                data-ref={`pod/${pod.name}/condition/${c.type}`}
                className={c.status === 'True' ? 'ok' : 'bad'}
              >
                {c.type}={c.status}
                {c.reason ? ` · ${c.reason}` : ''}
                {c.message ? <span className="muted"> — {c.message}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

export function StatusTab({ ctx }: { ctx: Context }) {
  const t = useT();
  const siblings = ctx.siblings ?? [];
  const usage = ctx.usage ?? [];
  return (
    <div className="tab-body">
      {ctx.gaps.length ? (
        <div className="gaps" role="note">
          <h4>{t('ctx.gaps')}</h4>
          <ul>
            {ctx.gaps.map((g) => (
              <li key={`${g.what}-${g.reason}`}>
                <strong>{g.what}</strong>: {g.reason}
                {g.fix ? <div className="fix">→ {g.fix}</div> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {ctx.pods.length ? (
        ctx.pods.map((p) => <Pod key={p.uid || p.name} pod={p} />)
      ) : (
        <EmptyState title={t('status.noPods')} />
      )}
      {siblings.length ? (
        <>
          <h4>{t('status.siblings')}</h4>
          <ul className="plain">
            {siblings.map((s) => (
              <li key={s.name}>
                {s.name}{' '}
                <span className="muted">
                  {s.phase} · ready {String(s.ready)} · restarts {s.restarts}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {usage.length ? (
        <>
          <h4>{t('status.usage')}</h4>
          <ul className="plain">
            {usage.flatMap((u) =>
              u.containers.map((c) => (
                <li key={`${u.pod}/${c.name}`}>
                  {u.pod}/{c.name}:{' '}
                  <span className="muted">
                    cpu {c.cpu} · memory {c.memory}
                  </span>
                </li>
              )),
            )}
          </ul>
        </>
      ) : null}
    </div>
  );
}
