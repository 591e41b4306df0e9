import { useState } from 'preact/hooks';
import { request } from '../api/client';
import { FreezeAccount, UnfreezeAccount, type AccountRow } from '../api/documents';
import { asApiError } from '../api/hooks';
import { OutcomeMessage, type Outcome } from '../components/outcome';

/** Freeze or unfreeze, with a reason that lands in the audit trail. */
export function StatusForm({ account, onDone }: { account: AccountRow; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const frozen = account.status === 'FROZEN';
  const verb = frozen ? 'Unfreeze' : 'Freeze';

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!reason.trim()) return setOutcome({ ok: false, text: 'A reason is required.' });
    setBusy(true);
    try {
      const vars = { id: account.id, reason: reason.trim() };
      if (frozen) await request(UnfreezeAccount, vars);
      else await request(FreezeAccount, vars);
      setOutcome({
        ok: true,
        text: frozen ? 'The account is active again.' : 'The account is frozen: it cannot spend credits.',
      });
      setReason('');
      onDone();
    } catch (error) {
      setOutcome({ ok: false, text: asApiError(error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="status-heading">
      <h2 id="status-heading">{verb} account</h2>
      <label for="status-reason">Reason</label>
      <input
        id="status-reason"
        required
        maxLength={500}
        value={reason}
        onInput={(e) => setReason(e.currentTarget.value)}
      />
      <button type="submit" class={frozen ? undefined : 'danger'} disabled={busy}>
        {verb} account
      </button>
      <OutcomeMessage outcome={outcome} />
    </form>
  );
}
