import { useState } from 'preact/hooks';
import { request } from '../api/client';
import { DiagnoseMissingCredits, GrantMissingCredits, type AccountRow, type Diagnosis } from '../api/documents';
import { asApiError, newKey } from '../api/hooks';
import { OutcomeMessage, type Outcome } from '../components/outcome';

const STRIPE_VIEW: Record<string, string> = {
  CHECKED: 'Checked against Stripe.',
  NOT_CONFIGURED: 'Stripe is not configured: only our own records were checked.',
  NO_CUSTOMER: 'The account has no Stripe customer yet.',
};

/** "Credits not added after payment": the same diagnosis and one-click grant as the Discord command. */
export function DiagnosePanel({ account, onDone }: { account: AccountRow; onDone: () => void }) {
  const [diagnosis, setDiagnosis] = useState<Diagnosis | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const diagnose = async () => {
    setBusy(true);
    try {
      const d = await request(DiagnoseMissingCredits, { id: account.id, key: newKey() });
      setDiagnosis(d.diagnoseMissingCredits);
      const missing = d.diagnoseMissingCredits.grantPrompt;
      setOutcome({
        ok: true,
        text: missing
          ? `${missing.credits} credits of paid purchases were never granted.`
          : 'Nothing is missing: every paid purchase was granted.',
      });
    } catch (error) {
      setOutcome({ ok: false, text: asApiError(error).message });
    } finally {
      setBusy(false);
    }
  };

  const grant = async (confirmationId: string) => {
    setBusy(true);
    try {
      const { grantMissingCredits: r } = await request(GrantMissingCredits, { confirmationId });
      setOutcome({
        ok: true,
        text: r.granted > 0 ? `Granted ${r.granted} credits.` : 'Already granted: nothing changed.',
      });
      setDiagnosis(null);
      onDone();
    } catch (error) {
      setOutcome({ ok: false, text: asApiError(error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="diagnose-heading">
      <h2 id="diagnose-heading">Missing credits</h2>
      <button type="button" class="secondary" disabled={busy} onClick={() => void diagnose()}>
        Diagnose missing credits
      </button>
      <OutcomeMessage outcome={outcome} />
      {diagnosis && (
        <>
          <p class="muted">{STRIPE_VIEW[diagnosis.stripe] ?? diagnosis.stripe}</p>
          {diagnosis.sessions.length > 0 && (
            <ul>
              {diagnosis.sessions.map((s) => (
                <li key={s.checkoutSessionId}>
                  <code>{s.checkoutSessionId}</code>: {s.credits ?? '?'} credits, {s.creditsGranted} granted
                  {s.missingGrant ? ' — missing' : ''}
                </li>
              ))}
            </ul>
          )}
          {diagnosis.grantPrompt && (
            <button type="button" disabled={busy} onClick={() => void grant(diagnosis.grantPrompt!.id)}>
              Grant {diagnosis.grantPrompt.credits} missing credits
            </button>
          )}
        </>
      )}
    </section>
  );
}
