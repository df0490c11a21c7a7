/**
 * `useLoad`: runs an async loader when its key changes and keeps {data, error, loading}.
 * Data of another key is never returned (a hit detail must not show the previous hit while the
 * next one loads); a reload of the same key keeps showing the current data until the new arrives.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

interface State<T> {
  key: string;
  data?: T;
  error?: Error;
  loading: boolean;
}

export function useLoad<T>(loader: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<State<T>>({ key, loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => (s.key === key ? { ...s, loading: true } : { key, loading: true }));
    loader().then(
      (data) => mine === seq.current && setState({ key, data, loading: false }),
      (error: Error) => mine === seq.current && setState((s) => ({ key, data: s.key === key ? s.data : undefined, error, loading: false })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current = state.key === key;
  return { data: current ? state.data : undefined, error: current ? state.error : undefined, loading: current ? state.loading : true, reload };
}
