import type { Alert, AlertSeverity, AlertSink } from '../domain/ports/runtime.port.js';

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface CoalescingOptions {
  /** How long alerts of one key are folded into a summary after the first went out. */
  windowMs?: number;
  /** Injectable so tests drive windows without sleeping. */
  timers?: Timers;
}

interface Window {
  first: Alert;
  suppressed: number;
  severity: AlertSeverity;
  latest?: Alert;
  timer: unknown;
}

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Keeps a failure storm from becoming hundreds of messages: the first alert of a key (its `key`, or
 * its title) goes out at once; the rest of the window is counted and sent as ONE summary when the
 * window closes (or on `flush`). The next alert after that opens a new window.
 */
export class CoalescingAlertSink implements AlertSink {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly timers: Timers;

  constructor(
    private readonly inner: AlertSink,
    options: CoalescingOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.timers = options.timers ?? realTimers;
  }

  async send(alert: Alert): Promise<void> {
    const key = alert.key ?? alert.title;
    const open = this.windows.get(key);
    if (open) {
      open.suppressed += 1;
      open.latest = alert;
      if (RANK[alert.severity] > RANK[open.severity]) open.severity = alert.severity;
      return;
    }
    const timer = this.timers.set(() => void this.close(key).catch(() => undefined), this.windowMs);
    this.windows.set(key, { first: alert, suppressed: 0, severity: alert.severity, timer });
    await this.inner.send(alert);
  }

  /** Sends the pending summaries now and closes every window. */
  async flush(): Promise<void> {
    await Promise.all([...this.windows.keys()].map((k) => this.close(k)));
  }

  private async close(key: string): Promise<void> {
    const w = this.windows.get(key);
    if (!w) return;
    this.windows.delete(key);
    this.timers.clear(w.timer);
    if (w.suppressed === 0) return;
    const seconds = Math.round(this.windowMs / 1000);
    await this.inner.send({
      severity: w.severity,
      title: `${w.suppressed} more like: ${w.first.title}`,
      body:
        `${w.suppressed} further alert(s) with key "${key}" within ${seconds}s were folded into this summary.` +
        (w.latest ? `\nLatest: ${w.latest.title}\n${w.latest.body}` : ''),
      action: w.latest?.action ?? w.first.action,
      key: `${key}:summary`,
    });
  }
}
