import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { BackupSummary, BackupVerification, RestoreSummary } from '../../domain/backups/backup.types.js';
import { badInput } from '../../domain/errors.js';
import type { GraphqlContext } from '../context.js';
import {
  BackupRestoreType,
  BackupType,
  BackupVerificationType,
  JobRunType,
  type JobRunOutcome,
} from '../types/backup.graphql.js';

/** Admin: the backups and the runs of the scheduled jobs (README.md "Operations"). */
@Resolver()
export class BackupResolver {
  @Authorized('admin')
  @Query(() => [BackupType], { description: 'Admin: complete backups, newest first.' })
  async backups(@Ctx() ctx: GraphqlContext): Promise<BackupSummary[]> {
    return ctx.services.backups.list();
  }

  @Authorized('admin')
  @Mutation(() => BackupType, { description: 'Admin: write a backup now (a consistent snapshot of every collection).' })
  async createBackup(@Ctx() ctx: GraphqlContext): Promise<BackupSummary> {
    return ctx.services.backups.create();
  }

  @Authorized('admin')
  @Mutation(() => BackupVerificationType, {
    description: 'Admin: check checksums, every line, counts and the ledger invariants inside a backup.',
  })
  async verifyBackup(@Ctx() ctx: GraphqlContext, @Arg('name', () => String) name: string): Promise<BackupVerification> {
    return ctx.services.backups.verify({ name });
  }

  @Authorized('admin')
  @Mutation(() => BackupRestoreType, {
    description:
      'Admin: verify a backup, then replace every collection it holds with its contents, all at once. ' +
      'Writes made since the backup are lost: pass confirm: true.',
  })
  async restoreBackup(
    @Ctx() ctx: GraphqlContext,
    @Arg('name', () => String) name: string,
    @Arg('confirm', () => Boolean) confirm: boolean,
  ): Promise<RestoreSummary> {
    if (confirm !== true) throw badInput('confirm: must be true to replace the live data', { field: 'confirm' });
    return ctx.services.backups.restore({ name, drop: true, actor: ctx.actor() });
  }

  @Authorized('admin')
  @Query(() => [JobRunType], { description: 'Admin: runs of the scheduled jobs, newest first.' })
  async jobRuns(
    @Ctx() ctx: GraphqlContext,
    @Arg('job', () => String, { nullable: true, description: 'Only this job, e.g. backup.' }) job: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'At most 100.' }) first: number | null,
  ): Promise<JobRunType[]> {
    const runs = await ctx.services.jobs.listRuns({ job: job ?? undefined, first: first ?? 20 });
    return runs.map((r) => ({
      ...r,
      outcome: r.outcome as JobRunOutcome,
      summary: r.summary ? JSON.stringify(r.summary) : null,
    }));
  }
}
