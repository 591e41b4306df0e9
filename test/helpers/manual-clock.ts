import type { Clock } from '../../src/domain/ports/runtime.port.js';

/** A Clock that moves only when the test says so. */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start: Date | string = '2024-05-01T03:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): Date {
    this.ms += ms;
    return this.now();
  }
}
