import { useRef, useState } from 'preact/hooks';
import { request } from '../api/client';
import { AdjustCredits, type AccountRow } from '../api/documents';
import { asApiError, newKey } from '../api/hooks';
import { OutcomeMessage, type Outcome } from '../components/outcome';

/**
 * Adjust credits. One idempotency key per intended change: a double click or a retry of the same
 * amount and reason sends the same key, so the server applies it once.
 */
export function AdjustForm({
  account,
  confirmAbove,
  onDone,
}: {
  account: AccountRow;
  confirmAbove: number | null;
  onDone: () => void;
}) {
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const key = useRef<string | null>(null);
  const inFlight = useRef(false);

  const edit = (fn: () => void) => {
    key.current = null;
    setConfirming(false);
    fn();
  };

  const send = async (n: number) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    key.current ??= newKey();
    try {
      const { adjustCredits } = await request(AdjustCredits, {
        accountId: account.id,
        amount: n,
        reason: reason.trim(),
        key: key.current,
      });
      setOutcome({
        ok: true,
        text: `${n > 0 ? 'Added' : 'Removed'} ${Math.abs(n)} credits. New balance: ${adjustCredits.balanceAfter}.`,
      });
      key.current = null;
      setAmount('');
      setReason('');
      setConfirming(false);
      onDone();
    } catch (error) {
      setOutcome({ ok: false, text: asApiError(error).message });
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const n = Number(amount);
    if (!Number.isInteger(n) || n === 0)
      return setOutcome({ ok: false, text: 'Enter a whole number of credits, not 0 (negative removes).' });
    if (!reason.trim()) return setOutcome({ ok: false, text: 'A reason is required.' });
    if (confirmAbove !== null && Math.abs(n) > confirmAbove && !confirming) {
      setConfirming(true);
      return;
    }
    void send(n);
  };

  return (
    <form class="card" onSubmit={submit} aria-labelledby="adjust-heading">
      <h2 id="adjust-heading">Adjust credits</h2>
      <label for="adjust-amount">Amount (negative removes)</label>
      <input
        id="adjust-amount"
        type="number"
        inputMode="numeric"
        step={1}
        required
        value={amount}
        onInput={(e) => edit(() => setAmount(e.currentTarget.value))}
      />
      <label for="adjust-reason">Reason</label>
      <input
        id="adjust-reason"
        required
        maxLength={500}
        value={reason}
        onInput={(e) => edit(() => setReason(e.currentTarget.value))}
      />
      {confirming ? (
        <div class="confirm" role="alertdialog" aria-labelledby="adjust-confirm-text">
          <p id="adjust-confirm-text">
            {Number(amount) > 0 ? 'Add' : 'Remove'} {Math.abs(Number(amount))} credits — more than {confirmAbove}. Are
            you sure?
          </p>
          <button type="submit" disabled={busy} autoFocus>
            Confirm adjustment
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="submit" disabled={busy}>
          {busy ? 'Applying…' : 'Apply adjustment'}
        </button>
      )}
      <OutcomeMessage outcome={outcome} />
    </form>
  );
}
