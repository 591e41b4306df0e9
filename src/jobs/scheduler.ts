import type { Counter } from 'prom-client';
import cron, { type Logger as CronLogger, type ScheduledTask, type TaskContext } from 'node-cron';
import type { JobService } from '../domain/jobs/job.service.js';
import type { JobRun } from '../domain/jobs/job.types.js';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { JobDefinition } from './job-definition.js';

export interface SchedulerOptions {
  jobs: readonly JobDefinition[];
  runner: JobService;
  /** IANA time zone the cron expressions are read in (JOBS_TIMEZONE, UTC by default). */
  timezone: string;
  logger: Logger;
  /** Runs by job and outcome, for /metrics. */
  runs?: Counter<'job' | 'outcome'>;
}

const cronLogger = (logger: Logger): CronLogger => ({
  info: (message) => logger.info({ component: 'node-cron' }, message),
  warn: (message) => logger.warn({ component: 'node-cron' }, message),
  error: (message, err) => logger.error({ component: 'node-cron', err: err ?? message }, String(message)),
  debug: (message) => logger.debug({ component: 'node-cron' }, String(message)),
});

/**
 * The `jobs` role: one node-cron task per job. node-cron decides when; the JobService decides
 * whether this instance runs it (lease, overlap) and records the run. A tick that arrives while the
 * previous run is still going is dropped by node-cron (`noOverlap`) and, for runs on demand, by the
 * JobService's own guard.
 */
export class Scheduler {
  private readonly tasks = new Map<string, ScheduledTask>();

  constructor(private readonly options: SchedulerOptions) {
    for (const job of options.jobs)
      if (!cron.validate(job.cron))
        throw new Error(`${job.cronVariable}: "${job.cron}" is not a valid cron expression`);
  }

  start(): this {
    const { timezone, logger } = this.options;
    for (const job of this.options.jobs) {
      if (this.tasks.has(job.name)) continue;
      const task = cron.createTask(job.cron, (ctx) => this.fire(job, ctx), {
        name: job.name,
        timezone,
        noOverlap: true,
        logger: cronLogger(logger),
      });
      task.start();
      this.tasks.set(job.name, task);
      logger.info({ job: job.name, cron: job.cron, timezone, next: task.getNextRun() }, `job ${job.name} scheduled`);
    }
    return this;
  }

  /** Runs a job now through its node-cron task (execute on demand), under the same lease and records. */
  async runNow(name: string): Promise<JobRun> {
    const task = this.tasks.get(name);
    if (!task) throw new Error(`no scheduled job ${name}`);
    return (await task.execute()) as JobRun;
  }

  /** The node-cron task of a job, for its events. */
  task(name: string): ScheduledTask | undefined {
    return this.tasks.get(name);
  }

  async stop(): Promise<void> {
    for (const task of this.tasks.values()) await task.destroy();
    this.tasks.clear();
  }

  private async fire(job: JobDefinition, ctx: TaskContext): Promise<JobRun> {
    const slot = ctx.execution?.reason === 'scheduled' ? ctx.date : undefined;
    const run = await this.options.runner.run(job.name, job.run, { slot, duringMaintenance: job.duringMaintenance });
    this.options.runs?.inc({ job: run.job, outcome: run.outcome });
    return run;
  }
}
