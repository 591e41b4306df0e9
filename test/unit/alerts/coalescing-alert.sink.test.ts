import { describe, expect, it } from 'vitest';
import { CoalescingAlertSink, type Timers } from '../../../src/alerts/coalescing-alert.sink.js';
import type { Alert, AlertSink } from '../../../src/domain/ports/runtime.port.js';

/** The AlertSink port played by a list (a port double, not a mock of our code). */
class RecordingSink implements AlertSink {
  readonly sent: Alert[] = [];
  async send(alert: Alert): Promise<void> {
    this.sent.push(alert);
  }
}

/** Timers the test fires by hand: windows close when the test says so, no sleeping. */
class ManualTimers implements Timers {
  private next = 0;
  readonly pending = new Map<number, () => void>();
  set(fn: () => void, _ms: number): unknown {
    this.next += 1;
    this.pending.set(this.next, fn);
    return this.next;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const fn of due) fn();
  }
}

const failure = (n: number): Alert => ({
  severity: n % 10 === 0 ? 'critical' : 'warning',
  title: `webhook failed #${n}`,
  body: `event evt_${n}`,
  key: 'stripe-webhook-failure',
});

describe(CoalescingAlertSink.name, () => {
  describe('send', () => {
    it('posts the first alert of a storm at once and folds the rest into one summary', async () => {
      const inner = new RecordingSink();
      const timers = new ManualTimers();
      const sink = new CoalescingAlertSink(inner, { windowMs: 60_000, timers });

      for (let i = 1; i <= 300; i += 1) await sink.send(failure(i));
      expect(inner.sent.map((a) => a.title)).toEqual(['webhook failed #1']);

      timers.fireAll();
      await Promise.resolve();

      expect(inner.sent).toHaveLength(2);
      expect(inner.sent[1]).toMatchObject({ severity: 'critical', title: '299 more like: webhook failed #1' });
      expect(inner.sent[1]?.body).toContain('webhook failed #300');
    });

    it('keeps different keys apart', async () => {
      const inner = new RecordingSink();
      const sink = new CoalescingAlertSink(inner, { timers: new ManualTimers() });

      await sink.send({ severity: 'warning', title: 'a', body: '', key: 'one' });
      await sink.send({ severity: 'warning', title: 'b', body: '', key: 'two' });
      await sink.send({ severity: 'warning', title: 'c', body: '' });

      expect(inner.sent.map((a) => a.title)).toEqual(['a', 'b', 'c']);
    });

    it('sends no summary for a lone alert, and opens a new window after one closes', async () => {
      const inner = new RecordingSink();
      const timers = new ManualTimers();
      const sink = new CoalescingAlertSink(inner, { timers });

      await sink.send(failure(1));
      timers.fireAll();
      await sink.send(failure(2));

      expect(inner.sent.map((a) => a.title)).toEqual(['webhook failed #1', 'webhook failed #2']);
      expect(timers.pending.size).toBe(1);
    });
  });

  describe('flush', () => {
    it('sends pending summaries now and clears the windows', async () => {
      const inner = new RecordingSink();
      const timers = new ManualTimers();
      const sink = new CoalescingAlertSink(inner, { timers });
      for (let i = 1; i <= 5; i += 1) await sink.send(failure(i));

      await sink.flush();

      expect(inner.sent.map((a) => a.title)).toEqual(['webhook failed #1', '4 more like: webhook failed #1']);
      expect(timers.pending.size).toBe(0);
    });
  });
});
