import { TimestampStyles, time } from 'discord.js';
import type { BackupSummary } from '../domain/backups/backup.types.js';
import type { BackupRunResult, BackupStatus, JobRun } from '../domain/support/backup-support.service.js';
import type { BotMessage } from './bot-interaction.js';
import { COLORS, lines } from './embeds.js';

const size = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

const verified = (b: BackupSummary): string =>
  b.lastVerification ? (b.lastVerification.ok ? 'verified ✅' : 'verify FAILED ❌') : 'not verified';

const backupLine = (b: BackupSummary): string =>
  `\`${b.name}\` · ${b.documents} documents · ${size(b.bytes)} · ${verified(b)} · ${time(b.createdAt, TimestampStyles.RelativeTime)}`;

const runLine = (r: JobRun): string =>
  `${r.outcome} · ${time(r.startedAt, TimestampStyles.ShortDateTime)}${r.durationMs !== null ? ` · ${r.durationMs} ms` : ''}${
    r.error ? ` · ${r.error.slice(0, 150)}` : ''
  }${r.outcome === 'skipped' && typeof r.summary?.reason === 'string' ? ` · ${r.summary.reason}` : ''}`;

export function backupStatusMessage(s: BackupStatus): BotMessage {
  const lastRun = s.runs[0];
  return {
    embeds: [
      {
        title: `${s.total} backup(s) kept (retention ${s.retention})`,
        color: lastRun?.outcome === 'failed' ? COLORS.error : s.total === 0 ? COLORS.warn : COLORS.ok,
        description: `Location: \`${s.location}\``,
        fields: [
          { name: 'Newest backups', value: lines(s.latest.map(backupLine), 'no backup yet: run /backup run') },
          { name: 'Last runs of the backup job', value: lines(s.runs.map(runLine), 'never ran') },
        ],
      },
    ],
  };
}

export function backupRunMessage(r: BackupRunResult): BotMessage {
  const note = r.replayed ? ['This request was already handled; nothing ran again.'] : [];
  if (r.run.outcome === 'succeeded' && r.backup) {
    const deleted = Array.isArray(r.run.summary?.deleted) ? r.run.summary.deleted.length : 0;
    return {
      embeds: [
        {
          title: 'Backup written and verified',
          color: COLORS.ok,
          description: [backupLine(r.backup), `Older backups pruned: ${deleted}`, ...note].join('\n'),
        },
      ],
    };
  }
  const skipped = r.run.outcome === 'skipped';
  const reason = skipped ? String(r.run.summary?.reason ?? '') : (r.run.error ?? 'unknown error');
  return {
    embeds: [
      {
        title: skipped ? 'Backup not started: another run holds the lease' : 'Backup failed',
        color: skipped ? COLORS.warn : COLORS.error,
        description: [reason, ...note, skipped ? 'Check /backup status in a minute.' : 'On-call was alerted.'].join(
          '\n',
        ),
      },
    ],
  };
}
