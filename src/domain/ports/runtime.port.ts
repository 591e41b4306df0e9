/** Time, logging and alerting as the domain sees them; adapters live at the edges. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';
export interface Alert {
  severity: AlertSeverity;
  title: string;
  /** What happened, with the event id / account id support needs. */
  body: string;
  /** What support should do next. */
  action?: string;
  /** Alerts with the same key are coalesced by sinks that batch. */
  key?: string;
}
export interface AlertSink {
  send(alert: Alert): Promise<void>;
}
