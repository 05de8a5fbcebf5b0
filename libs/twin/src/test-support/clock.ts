import type { TwinClock } from '../contracts';

/** A clock tests move by hand: every part of the twin reads it. */
export class TestClock implements TwinClock {
  constructor(public ms = Date.now()) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
}
