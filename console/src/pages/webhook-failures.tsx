import { useState } from 'preact/hooks';
import { request } from '../api/client';
import { ReplayStripeEvent, WebhookFailures as WebhookFailuresDoc } from '../api/documents';
import { asApiError, useQuery } from '../api/hooks';
import { OutcomeMessage, type Outcome } from '../components/outcome';
import { PageTitle } from '../components/page-title';
import { Empty, ErrorBox, Loading, fmtDate } from '../components/status';

export function WebhookFailures() {
  const [includeResolved, setIncludeResolved] = useState(false);
  const list = useQuery(WebhookFailuresDoc, { includeResolved });
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

  const rows = list.data?.webhookFailures ?? [];
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
      {list.loading && <Loading what="webhook failures" />}
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {!list.loading && !list.error && rows.length === 0 && (
        <Empty>No webhook failures. Stripe events are being applied.</Empty>
      )}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Stripe webhook failures, most recent first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Type</th>
                <th scope="col">Error</th>
                <th scope="col" class="num">
                  Attempts
                </th>
                <th scope="col">Last seen</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((f) => (
                <tr key={f.eventId}>
                  <td>
                    <code>{f.eventId}</code>
                  </td>
                  <td>{f.type}</td>
                  <td>{f.error}</td>
                  <td class="num">{f.attempts}</td>
                  <td>{f.resolvedAt ? `resolved ${fmtDate(f.resolvedAt)}` : fmtDate(f.lastSeenAt)}</td>
                  <td>
                    <button
                      type="button"
                      class="secondary"
                      disabled={busy !== null}
                      onClick={() => void replay(f.eventId)}
                    >
                      Replay <span class="sr-only">{f.eventId}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
