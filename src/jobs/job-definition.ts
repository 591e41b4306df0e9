import type { JobWork } from '../domain/jobs/job.types.js';

/** A scheduled job: when it runs (a node-cron expression) and the one service call it makes. */
export interface JobDefinition {
  name: string;
  cron: string;
  /** The setting the expression comes from, named in start-up errors. */
  cronVariable: string;
  run: JobWork;
  /** Runs while maintenance is on (the backup job finishes an interrupted restore first). */
  duringMaintenance?: boolean;
}
