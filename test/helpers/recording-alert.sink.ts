import type { Alert, AlertSink } from '../../src/domain/ports/runtime.port.js';

/** An AlertSink (a ManagedAlertSink, so services can take it) that keeps what it is sent; `failing` makes every send throw, as a broken webhook would. */
export class RecordingAlertSink implements AlertSink {
  readonly alerts: Alert[] = [];

  constructor(private readonly failing = false) {}

  async send(alert: Alert): Promise<void> {
    this.alerts.push(alert);
    if (this.failing) throw new Error('alert channel unreachable');
  }

  /** Nothing is buffered: every alert is recorded as it is sent. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
