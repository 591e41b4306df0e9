import { useState } from 'preact/hooks';
import { request } from '../api/client';
import { ReplayStripeEvent, WebhookFailures as WebhookFailuresDoc } from '../api/documents';
import { asApiError, usePaged } from '../api/hooks';
import { OutcomeMessage, type Outcome } from '../components/outcome';
import { PageTitle } from '../components/page-title';
import { PagedTable } from '../components/paged-table';
import { fmtDate } from '../components/status';
import { href } from '../router';

export function WebhookFailures() {
  const [includeResolved, setIncludeResolved] = useState(false);
  const list = usePaged(WebhookFailuresDoc, { includeResolved }, (d) => d.webhookFailures);
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const replay = async (eventId: string) => {
    setBusy(eventId);
    try {
      const { replayStripeEvent: r } = await request(ReplayStripeEvent, { eventId });
      setOutcome({
        ok: !r.error,
        text: r.error ? `Replay of ${eventId} failed: ${r.error}` : `Replayed ${eventId}: ${r.status.toLowerCase()}.`,
      });
      list.reload();
    } catch (error) {
      setOutcome({ ok: false, text: asApiError(error).message });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section>
      <PageTitle>Webhook failures</PageTitle>
      <label class="inline">
        <input
          type="checkbox"
          checked={includeResolved}
          onChange={(e) => setIncludeResolved(e.currentTarget.checked)}
        />{' '}
        Show resolved failures too
      </label>
      <OutcomeMessage outcome={outcome} />
      <PagedTable
        state={list}
        caption="Stripe webhook failures, most recently seen first"
        what="webhook failures"
        head={['Event', 'Type', 'Session / account', 'Error', 'Attempts', 'Last seen', 'Action']}
        row={(f) => (
          <tr key={f.eventId}>
            <td>
              <code>{f.eventId}</code>
            </td>
            <td>{f.type}</td>
            <td>
              {f.checkoutSessionId ? <code>{f.checkoutSessionId}</code> : '—'}
              {f.accountId && (
                <>
                  <br />
                  <a href={href(`accounts/${encodeURIComponent(f.accountId)}`)}>
                    account <code>{f.accountId}</code>
                  </a>
                </>
              )}
            </td>
            <td>{f.error}</td>
            <td class="num">{f.attempts}</td>
            <td>{f.resolvedAt ? `resolved ${fmtDate(f.resolvedAt)}` : fmtDate(f.lastSeenAt)}</td>
            <td>
              <button type="button" class="secondary" disabled={busy !== null} onClick={() => void replay(f.eventId)}>
                Replay <span class="sr-only">{f.eventId}</span>
              </button>
            </td>
          </tr>
        )}
      />
    </section>
  );
}
