import type { Context } from '../../../shared/context.ts';
import type { Report, Step } from '../../../shared/report.ts';
import { useT } from '../i18n/index.tsx';
import { CopyButton } from '../ui/CopyButton.tsx';
import { Prose } from '../ui/Prose.tsx';
import { locateEvidence, parseRef, type TabId } from './refs.ts';

function ConfidenceMeter({ value }: { value: number }) {
  const t = useT();
  const level = value >= 80 ? 'high' : value >= 50 ? 'mid' : 'low';
  return (
    <div className={`meter meter-${level}`}>
      <div className="meter-track" aria-hidden="true">
        <div className="meter-fill" style={{ width: `${Math.max(0, Math.min(100, value))}%` }} />
      </div>
      <span className="meter-label">{t('diag.confidence', { n: value })}</span>
    </div>
  );
}

function EvidenceLine({
  text,
  evRef,
  onOpen,
}: {
  text: string;
  evRef: string | null;
  onOpen(ref: string): void;
}) {
  const t = useT();
  const target = evRef ? parseRef(evRef) : null;
  return (
    <li className="evidence-line">
      <code>{text}</code>
      {target ? (
        <button
          type="button"
          className="link evidence-link"
          data-ref-link={evRef!}
          onClick={() => onOpen(evRef!)}
        >
          {t('diag.evidenceOpen', { where: t(`tab.${target.tab}` as `tab.${TabId}`) })} →
        </button>
      ) : null}
    </li>
  );
}

function StepItem({ step }: { step: Step }) {
  const t = useT();
  return (
    <li className={`step risk-${step.risk}`}>
      <div className="step-head">
        <span className="step-title">
          <Prose text={step.title} />
        </span>
        <span className={`risk risk-${step.risk}`}>{t(`step.risk.${step.risk}`)}</span>
      </div>
      {step.command && !step.warning ? (
        <div className="command">
          <code>{step.command}</code>
          <CopyButton text={step.command} label={step.title} />
        </div>
      ) : null}
      {step.command && step.warning ? (
        <div className="command unsafe">
          <span className="unsafe-text">{step.command}</span>
        </div>
      ) : null}
      {step.warning ? <div className="warning">⚠ {t('step.warning', { warning: step.warning })}</div> : null}
    </li>
  );
}

/** The report: root cause with its confidence, evidence linked into the context, steps, prevention. */
export function Diagnosis({
  report,
  context,
  onOpenRef,
}: {
  report: Report;
  context: Context | null;
  onOpenRef(ref: string): void;
}) {
  const t = useT();
  const rc = report.rootCause;
  return (
    <article className="report" aria-label={t('diag.title')}>
      <div className="root-cause">
        <div className="rc-head">
          <span className="category">{rc.category}</span>
          <ConfidenceMeter value={rc.confidence} />
          <span className="source">
            {report.source === 'llm'
              ? t('diag.source.llm', { model: report.model ?? '' })
              : t('diag.source.rules')}
          </span>
        </div>
        <p className="explanation">
          <Prose text={rc.explanation} />
        </p>
        {report.llmError ? (
          <p className="llm-error" role="note">
            {t('diag.llmError', { error: report.llmError })}
          </p>
        ) : null}
        {rc.evidence.length ? (
          <>
            <h4>{t('diag.evidence')}</h4>
            <ul className="evidence">
              {rc.evidence.map((e) => (
                <EvidenceLine
                  key={e}
                  text={e}
                  evRef={locateEvidence(e, context, report.findings)}
                  onOpen={onOpenRef}
                />
              ))}
            </ul>
          </>
        ) : null}
      </div>
      {report.impact ? (
        <section>
          <h3>{t('diag.impact')}</h3>
          <p>
            <Prose text={report.impact} />
          </p>
        </section>
      ) : null}
      {report.steps.length ? (
        <section>
          <h3>{t('diag.steps')}</h3>
          <ol className="steps">
            {report.steps.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: steps are an ordered, immutable list
              <StepItem key={i} step={s} />
            ))}
          </ol>
        </section>
      ) : null}
      {report.prevention.length ? (
        <section>
          <h3>{t('diag.prevention')}</h3>
          <ul className="prevention">
            {report.prevention.map((p) => (
              <li key={p}>
                <Prose text={p} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {report.findings.length ? (
        <details className="findings" open>
          <summary>
            {t('diag.findings')} ({report.findings.length})
          </summary>
          {report.findings.map((f) => (
            <div key={f.rule} className="finding">
              <div className="finding-head">
                <strong>{f.category}</strong> <span className="muted">{f.rule}</span>{' '}
                <span className="muted">{t('diag.confidence', { n: f.confidence })}</span>
              </div>
              <p>{f.summary}</p>
              <ul className="evidence">
                {f.evidence.map((e) => (
                  <EvidenceLine key={`${e.ref}-${e.text}`} text={e.text} evRef={e.ref} onOpen={onOpenRef} />
                ))}
              </ul>
            </div>
          ))}
        </details>
      ) : null}
    </article>
  );
}
