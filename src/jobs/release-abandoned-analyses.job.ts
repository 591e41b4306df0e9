import type { Config } from '../config.js';
import type { AnalysisService } from '../domain/noi/analysis.service.js';
import type { Clock } from '../domain/ports/runtime.port.js';
import type { JobDefinition } from './job-definition.js';

/**
 * An analysis reservation still held this long after it was made belongs to a run that died:
 * far beyond OPENAI_TIMEOUT_MS × the SDK's retries for extraction plus narrative.
 */
export const abandonedAfterMs = (config: Pick<Config, 'OPENAI_TIMEOUT_MS'>): number =>
  Math.max(15 * 60 * 1000, config.OPENAI_TIMEOUT_MS * 10);

/** Every 10 minutes (RELEASE_ABANDONED_CRON): give back credits held by analyses that never finished. */
export function releaseAbandonedAnalysesJob(
  config: Pick<Config, 'RELEASE_ABANDONED_CRON' | 'OPENAI_TIMEOUT_MS'>,
  analyses: AnalysisService,
  clock: Clock,
): JobDefinition {
  return {
    name: 'release-abandoned-analyses',
    cron: config.RELEASE_ABANDONED_CRON,
    cronVariable: 'RELEASE_ABANDONED_CRON',
    run: async () => {
      const cutoff = new Date(clock.now().getTime() - abandonedAfterMs(config));
      const { released, analysisIds } = await analyses.releaseAbandoned(cutoff);
      return { summary: { released, analyses: analysisIds.slice(0, 20) } };
    },
  };
}
