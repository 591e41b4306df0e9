import type { Alert, AlertSink, Logger } from '../domain/ports/runtime.port.js';

/**
 * The alert sink when no Discord channel is configured: alerts land in the log at a level that
 * matches their severity, so they still reach whatever watches the logs.
 */
export class LogAlertSink implements AlertSink {
  constructor(private readonly logger: Logger) {}

  async send(alert: Alert): Promise<void> {
    const entry = { alert: { ...alert } };
    if (alert.severity === 'critical') this.logger.error(entry, `ALERT: ${alert.title}`);
    else if (alert.severity === 'warning') this.logger.warn(entry, `ALERT: ${alert.title}`);
    else this.logger.info(entry, `ALERT: ${alert.title}`);
  }
}
