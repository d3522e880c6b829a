import { useState } from 'react';
import type { Report } from '../../shared/report.ts';

function CopyButton({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="copy"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        });
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

/** The report, rendered as text only: every string in it may come from the cluster or the model. */
export function ReportView({ report }: { report: Report }) {
  const rc = report.rootCause;
  return (
    <article className="report">
      <div className="root-cause">
        <div className="rc-head">
          <span className="category">{rc.category}</span>
          <meter min={0} max={100} value={rc.confidence} aria-label="confidence" />
          <span className="confidence">{rc.confidence}% confidence</span>
          <span className="source">{report.source === 'llm' ? `LLM · ${report.model ?? ''}` : 'rules'}</span>
        </div>
        <p className="explanation">{rc.explanation}</p>
        {report.llmError ? <p className="llm-error">LLM not used: {report.llmError}</p> : null}
        {rc.evidence.length ? (
          <ul className="evidence">
            {rc.evidence.map((e) => (
              <li key={e}>
                <code>{e}</code>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <h3>Impact</h3>
      <p>{report.impact}</p>
      {report.steps.length ? (
        <>
          <h3>Immediate steps</h3>
          <ol className="steps">
            {report.steps.map((s) => (
              <li key={`${s.title}-${s.command ?? ''}`} className={`risk-${s.risk}`}>
                <span className="step-title">{s.title}</span>{' '}
                <span className={`risk risk-${s.risk}`}>{s.risk}</span>
                {s.command ? (
                  <div className="command">
                    <code>{s.command}</code>
                    <CopyButton text={s.command} />
                  </div>
                ) : null}
                {s.warning ? <div className="warning">⚠ {s.warning}</div> : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {report.prevention.length ? (
        <>
          <h3>Prevention</h3>
          <ul>
            {report.prevention.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}
