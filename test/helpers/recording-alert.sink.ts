import type { Alert, AlertSink } from '../../src/domain/ports/runtime.port.js';

/** An AlertSink that keeps what it is sent; `failing` makes every send throw, as a broken webhook would. */
export class RecordingAlertSink implements AlertSink {
  readonly alerts: Alert[] = [];

  constructor(private readonly failing = false) {}

  async send(alert: Alert): Promise<void> {
    this.alerts.push(alert);
    if (this.failing) throw new Error('alert channel unreachable');
  }
}
