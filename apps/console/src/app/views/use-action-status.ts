import { useState } from 'preact/hooks';

/**
 * The state a view keeps around its actions: the last notice and error (shown by `StatusLines`), and a reload
 * counter its data effect depends on. `act` runs one action: clears the last outcome, then shows `what` (or what it
 * makes of the action's result) and reloads the view, or shows the error.
 */
export function useActionStatus() {
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [reload, setReload] = useState(0);
  const refresh = () => setReload((n) => n + 1);
  const act = async <T>(what: string | ((result: T) => string), run: () => Promise<T>) => {
    setNotice(undefined);
    setError(undefined);
    try {
      const result = await run();
      setNotice(typeof what === 'string' ? what : what(result));
      refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return { error, setError, notice, setNotice, reload, refresh, act };
}
