import { useState } from 'react';

/**
 * One API call at a time for a row of buttons: which one is running (its name, to disable the row and
 * label the button), and the last failure said with the button's name (`failed` words it). `onDone`
 * runs after each success, typically to reload what the call changed.
 */
export function useRunner(onDone: () => void, failed: (name: string, error: string) => string) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (name: string, fn: () => Promise<unknown>) => {
    setBusy(name);
    setError(null);
    try {
      await fn();
      onDone();
    } catch (err) {
      setError(failed(name, (err as Error).message));
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, run };
}
