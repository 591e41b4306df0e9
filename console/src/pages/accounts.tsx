import { useEffect, useState } from 'preact/hooks';
import { request } from '../api/client';
import { Accounts as AccountsDoc, type AccountOrder, type AccountRow } from '../api/documents';
import { asApiError } from '../api/hooks';
import type { ApiError } from '../api/client';
import { Empty, ErrorBox, Loading, fmtDate } from '../components/status';
import { PageTitle } from '../components/page-title';
import { href } from '../router';

const COLUMNS: Array<{ label: string; order?: AccountOrder; num?: boolean }> = [
  { label: 'Email', order: 'EMAIL' },
  { label: 'Balance', order: 'BALANCE_DESC', num: true },
  { label: 'Reserved', num: true },
  { label: 'Status' },
  { label: 'Last activity', order: 'LAST_ACTIVITY_DESC' },
];

export function Accounts() {
  const [search, setSearch] = useState('');
  const [orderBy, setOrderBy] = useState<AccountOrder>('EMAIL');
  const [rows, setRows] = useState<AccountRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);

  const load = async (after: string | null, live = () => true) => {
    setLoading(true);
    setError(null);
    try {
      const { accounts } = await request(AccountsDoc, { search: search.trim() || null, orderBy, after });
      if (!live()) return;
      setRows((r) => (after ? [...r, ...accounts.nodes] : accounts.nodes));
      setCursor(accounts.pageInfo.endCursor);
      setMore(accounts.pageInfo.hasNextPage);
    } catch (e) {
      if (live()) setError(asApiError(e));
    } finally {
      if (live()) setLoading(false);
    }
  };

  // Live search: wait for a short pause in typing, and drop answers to older keystrokes.
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => void load(null, () => live), 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [search, orderBy, tick]);

  return (
    <section>
      <PageTitle>Accounts</PageTitle>
      <div class="toolbar">
        <label for="account-search">Search by email</label>
        <input
          id="account-search"
          type="search"
          placeholder="email starts with…"
          autoComplete="off"
          value={search}
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
      </div>
      <p class="sr-only" role="status" aria-live="polite">
        {loading ? 'Loading accounts' : `${rows.length} accounts shown`}
      </p>
      {error && <ErrorBox error={error} retry={() => setTick((t) => t + 1)} />}
      {!error && !loading && rows.length === 0 && (
        <Empty>{search ? `No account email starts with “${search}”.` : 'No accounts yet.'}</Empty>
      )}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Accounts, sorted by {orderBy.toLowerCase().replace('_desc', '')}</caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    key={c.label}
                    scope="col"
                    class={c.num ? 'num' : undefined}
                    aria-sort={
                      c.order && c.order === orderBy ? (c.order === 'EMAIL' ? 'ascending' : 'descending') : undefined
                    }
                  >
                    {c.order ? (
                      <button type="button" class="link" onClick={() => setOrderBy(c.order!)}>
                        {c.label}
                        {c.order === orderBy ? (c.order === 'EMAIL' ? ' ▲' : ' ▼') : ''}
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id}>
                  <td>
                    <a href={href(`accounts/${encodeURIComponent(a.id)}`)}>{a.email}</a>
                  </td>
                  <td class="num">{a.balance}</td>
                  <td class="num">{a.reserved}</td>
                  <td>
                    <span class={`badge ${a.status.toLowerCase()}`}>{a.status.toLowerCase()}</span>
                  </td>
                  <td>{fmtDate(a.lastActivityAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && <Loading what="accounts" />}
      {more && !loading && (
        <button type="button" class="secondary" onClick={() => void load(cursor)}>
          Load more accounts
        </button>
      )}
    </section>
  );
}
