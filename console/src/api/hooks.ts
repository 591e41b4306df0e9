import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, request, type Doc } from './client';

export interface QueryState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/** Runs a query when its variables change; `reload` runs it again (after an action). */
export function useQuery<TData, TVars>(doc: Doc<TData, TVars>, variables?: TVars): QueryState<TData> {
  const [state, setState] = useState<{ data: TData | null; error: ApiError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(variables ?? {});
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    request(doc, variables).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) => live && setState({ data: null, error: asApiError(error), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [doc, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export const asApiError = (error: unknown): ApiError =>
  error instanceof ApiError ? error : new ApiError('INTERNAL_SERVER_ERROR', 'Something went wrong in the console.');

/** A fresh idempotency key: one per intended change, reused while that change is retried. */
export const newKey = (): string => `console-${crypto.randomUUID()}`;

export interface PagedState<T> {
  items: T[];
  error: ApiError | null;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

interface Connection<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A cursor-paged list: "load more" appends the next page; `reload` starts again from the top. */
export function usePaged<TData, TVars extends { after: string | null }, T>(
  doc: Doc<TData, TVars>,
  vars: Omit<TVars, 'after'>,
  pick: (data: TData) => Connection<T>,
): PagedState<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(vars);

  const load = useCallback(
    async (after: string | null, live: () => boolean) => {
      setLoading(true);
      setError(null);
      try {
        const page = pick(await request(doc, { ...vars, after } as TVars));
        if (!live()) return;
        setItems((prev) => (after ? [...prev, ...page.nodes] : page.nodes));
        setCursor(page.pageInfo.endCursor);
        setHasMore(page.pageInfo.hasNextPage);
      } catch (e) {
        if (live()) setError(asApiError(e));
      } finally {
        if (live()) setLoading(false);
      }
    },
    [doc, key],
  );

  useEffect(() => {
    let live = true;
    void load(null, () => live);
    return () => {
      live = false;
    };
  }, [load, tick]);

  return {
    items,
    error,
    loading,
    hasMore,
    loadMore: () => void load(cursor, () => true),
    reload: () => setTick((t) => t + 1),
  };
}
