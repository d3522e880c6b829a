import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n/index.tsx';
import { partialExplanation } from './streaming.ts';

/** The LLM's answer as it streams in: the explanation as prose, the raw JSON on demand. */
export function Streaming({ text }: { text: string }) {
  const t = useT();
  const [raw, setRaw] = useState(false);
  const pre = useRef<HTMLPreElement>(null);
  const prose = partialExplanation(text);
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  });
  return (
    <div className="streaming" aria-live="polite">
      <div className="streaming-head">
        <span className="spinner" aria-hidden="true" /> {t('diag.streaming')}
        <label className="inline">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} />{' '}
          {t('diag.streamingRaw')}
        </label>
      </div>
      {prose && !raw ? <p className="streaming-prose">{prose}</p> : null}
      {raw || !prose ? (
        <pre ref={pre} className="streaming-raw">
          {text}
        </pre>
      ) : null}
    </div>
  );
}
