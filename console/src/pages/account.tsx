import { useState } from 'preact/hooks';
import { AccountAuditTrail, AccountDetail, AccountLedger, ConsoleSettings, type AccountRow } from '../api/documents';
import { usePaged, useQuery } from '../api/hooks';
import { ErrorBox, Loading, fmtDate, fmtSigned, Empty } from '../components/status';
import { PagedTable } from '../components/paged-table';
import { PageTitle } from '../components/page-title';
import { href } from '../router';
import { AdjustForm } from './account-adjust';
import { StatusForm } from './account-status';
import { DiagnosePanel } from './account-diagnose';

export function AccountPage({ id }: { id: string }) {
  const detail = useQuery(AccountDetail, { id });
  const settings = useQuery(ConsoleSettings);
  const ledger = usePaged(AccountLedger, { id }, (d) => d.accountLedger);
  const audit = usePaged(AccountAuditTrail, { id }, (d) => d.accountAuditTrail);
  const [, setVersion] = useState(0);
  const changed = () => {
    detail.reload();
    ledger.reload();
    audit.reload();
    setVersion((v) => v + 1);
  };

  if (detail.loading && !detail.data) return <Loading what="the account" />;
  if (detail.error) return <ErrorBox error={detail.error} retry={detail.reload} />;
  const account = detail.data?.account;
  if (!account)
    return (
      <section>
        <PageTitle>Account not found</PageTitle>
        <p>
          No account has the id {id}. <a href={href('accounts')}>Back to accounts</a>
        </p>
      </section>
    );
  const purchases = detail.data?.accountPurchases.nodes ?? [];
  return (
    <section>
      <p>
        <a href={href('accounts')}>← Accounts</a>
      </p>
      <PageTitle>{account.email}</PageTitle>
      <Summary account={account} />
      <div class="actions">
        <AdjustForm
          account={account}
          confirmAbove={settings.data?.consoleSettings.supportConfirmAbove ?? null}
          onDone={changed}
        />
        <StatusForm account={account} onDone={changed} />
        <DiagnosePanel account={account} onDone={changed} />
      </div>
      <h2>Purchases</h2>
      {purchases.length === 0 ? (
        <Empty>No purchases.</Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Purchases</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Package</th>
                <th scope="col" class="num">
                  Credits
                </th>
                <th scope="col" class="num">
                  Granted
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {purchases.map((p) => (
                <tr key={p.id}>
                  <td>{fmtDate(p.createdAt)}</td>
                  <td>{p.packageId}</td>
                  <td class="num">{p.credits}</td>
                  <td class="num">{p.creditsGranted}</td>
                  <td>{p.status.toLowerCase()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 id="ledger-heading">Ledger</h2>
      <PagedTable
        state={ledger}
        caption="Ledger entries, newest first"
        what="ledger entries"
        head={['Date', 'Amount', 'Balance after', 'Kind', 'Reason', 'By']}
        row={(e) => (
          <tr key={e.id}>
            <td>{fmtDate(e.createdAt)}</td>
            <td class={`num ${e.amount < 0 ? 'neg' : 'pos'}`}>{fmtSigned(e.amount)}</td>
            <td class="num">{e.balanceAfter}</td>
            <td>{e.kind.toLowerCase()}</td>
            <td>{e.reason ?? '—'}</td>
            <td>{e.actor?.name ?? e.actor?.type.toLowerCase() ?? '—'}</td>
          </tr>
        )}
      />
      <h2>Audit trail</h2>
      <PagedTable
        state={audit}
        caption="Support and admin actions on this account, newest first"
        what="audit entries"
        head={['Date', 'Action', 'By', 'Reason', 'Change']}
        row={(a) => (
          <tr key={a.id}>
            <td>{fmtDate(a.createdAt)}</td>
            <td>{a.action}</td>
            <td>{a.actor.name ?? a.actor.id}</td>
            <td>{a.reason ?? '—'}</td>
            <td>
              {a.amount !== null ? fmtSigned(a.amount) : ''}
              {a.balanceBefore !== null && a.balanceAfter !== null ? ` (${a.balanceBefore} → ${a.balanceAfter})` : ''}
            </td>
          </tr>
        )}
      />
    </section>
  );
}

function Summary({ account }: { account: AccountRow }) {
  const items: Array<[string, string | number]> = [
    ['Balance', account.balance],
    ['Available', account.available],
    ['Reserved', account.reserved],
    ['Status', account.status.toLowerCase()],
  ];
  return (
    <dl class="summary" aria-label="Account summary">
      {items.map(([k, v]) => (
        <div key={k} data-testid={`summary-${k.toLowerCase()}`}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
