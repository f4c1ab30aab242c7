import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import type { FieldProblem } from '../../api/types';

/** Loads a list once (and again on reload()), with the error to show. */
export function useLoaded<T>(load: () => Promise<T>): { data: T | null; error: string; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const reload = useCallback(() => {
    load().then(
      (d) => {
        setData(d);
        setError('');
      },
      (err: unknown) => setError(messageOf(err)),
    );
  }, []);
  useEffect(reload, [reload]);
  return { data, error, reload };
}

export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The bad fields of a refused request (400), for FieldError beside each input. */
export const problemsOf = (err: unknown): FieldProblem[] => (err instanceof ApiError ? err.fields : []);
