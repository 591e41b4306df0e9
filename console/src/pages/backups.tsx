import { useState } from 'preact/hooks';
import { request } from '../api/client';
import { BackupsAndJobs as BackupsDoc, CreateBackup, VerifyBackup } from '../api/documents';
import { asApiError, useQuery } from '../api/hooks';
import { OutcomeMessage, type Outcome } from '../components/outcome';
import { PageTitle } from '../components/page-title';
import { Empty, ErrorBox, Loading, fmtDate } from '../components/status';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} kB`;

export function BackupsAndJobs() {
  const q = useQuery(BackupsDoc);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const act = async (fn: () => Promise<Outcome>) => {
    setBusy(true);
    try {
      setOutcome(await fn());
      q.reload();
    } catch (error) {
      setOutcome({ ok: false, text: asApiError(error).message });
    } finally {
      setBusy(false);
    }
  };
  const run = () =>
    act(async () => ({ ok: true, text: `Backup ${(await request(CreateBackup)).createBackup.name} written.` }));
  const verify = (name: string) =>
    act(async () => {
      const { verifyBackup: v } = await request(VerifyBackup, { name });
      if (v.ok) return { ok: true, text: `Backup ${name} verified: checksums, counts and ledger invariants all pass.` };
      const problems = v.problems.map((p) => `${p.file}: ${p.problem}`).join('; ');
      return { ok: false, text: `Backup ${name} failed verification: ${problems}` };
    });

  const backups = q.data?.backups ?? [];
  const runs = q.data?.jobRuns ?? [];
  return (
    <section>
      <PageTitle>Backups and jobs</PageTitle>
      <button type="button" disabled={busy} onClick={() => void run()}>
        {busy ? 'Working…' : 'Run a backup now'}
      </button>
      <OutcomeMessage outcome={outcome} />
      {q.loading && <Loading what="backups" />}
      {q.error && <ErrorBox error={q.error} retry={q.reload} />}
      <h2>Backups</h2>
      {!q.loading && !q.error && backups.length === 0 && <Empty>No backups yet.</Empty>}
      {backups.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Backups, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Backup</th>
                <th scope="col" class="num">
                  Documents
                </th>
                <th scope="col" class="num">
                  Size
                </th>
                <th scope="col">Verification</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {backups.map((b) => (
                <tr key={b.name}>
                  <td>
                    <code>{b.name}</code>
                  </td>
                  <td class="num">{b.documents}</td>
                  <td class="num">{kb(b.bytes)}</td>
                  <td>
                    {b.lastVerification
                      ? `${b.lastVerification.ok ? 'verified' : 'FAILED'} ${fmtDate(b.lastVerification.at)}`
                      : 'not verified'}
                  </td>
                  <td>
                    <button type="button" class="secondary" disabled={busy} onClick={() => void verify(b.name)}>
                      Verify <span class="sr-only">{b.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Job runs</h2>
      {!q.loading && !q.error && runs.length === 0 && <Empty>No job has run yet.</Empty>}
      {runs.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Scheduled job runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Started</th>
                <th scope="col" class="num">
                  Duration
                </th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>{r.job}</td>
                  <td>{fmtDate(r.startedAt)}</td>
                  <td class="num">{r.durationMs === null ? '—' : `${r.durationMs} ms`}</td>
                  <td>
                    {r.outcome.toLowerCase()}
                    {r.error ? `: ${r.error}` : ''}
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
