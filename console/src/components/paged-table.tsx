import type { ComponentChildren } from 'preact';
import type { PagedState } from '../api/hooks';
import { Empty, ErrorBox, Loading } from './status';

/** A table over a cursor-paged list, with its empty, loading and error states. */
export function PagedTable<T>({
  state,
  caption,
  what,
  head,
  row,
}: {
  state: PagedState<T>;
  caption: string;
  what: string;
  head: string[];
  row: (item: T) => ComponentChildren;
}) {
  return (
    <>
      {state.error && <ErrorBox error={state.error} retry={state.reload} />}
      {!state.error && !state.loading && state.items.length === 0 && <Empty>No {what} yet.</Empty>}
      {state.items.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{caption}</caption>
            <thead>
              <tr>
                {head.map((h) => (
                  <th scope="col" key={h}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{state.items.map(row)}</tbody>
          </table>
        </div>
      )}
      {state.loading && <Loading what={what} />}
      {state.hasMore && !state.loading && (
        <button type="button" class="secondary" onClick={state.loadMore}>
          Load more {what}
        </button>
      )}
    </>
  );
}
