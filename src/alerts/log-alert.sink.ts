import type { Alert, AlertSink, Logger } from '../domain/ports/runtime.port.js';

/** Every alert also lands in the log (the record that survives a Discord outage). */
export class LogAlertSink implements AlertSink {
  constructor(private readonly logger: Logger) {}

  async send(alert: Alert): Promise<void> {
    const line = { alert: { severity: alert.severity, key: alert.key, body: alert.body, action: alert.action } };
    if (alert.severity === 'info') this.logger.info(line, `ALERT: ${alert.title}`);
    else if (alert.severity === 'warning') this.logger.warn(line, `ALERT: ${alert.title}`);
    else this.logger.error(line, `ALERT: ${alert.title}`);
  }
}

/** Sends each alert to every sink; one failing sink does not stop the others. */
export class FanOutAlertSink implements AlertSink {
  constructor(private readonly sinks: readonly AlertSink[]) {}

  async send(alert: Alert): Promise<void> {
    const results = await Promise.allSettled(this.sinks.map((s) => s.send(alert)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
