import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces request starts evenly at `rate` per second. TikTok's limit is per developer app and shared by every
 * connection of that app, so the real figure is unknown: on 40100 the rate halves (multiplicative decrease) and
 * each success earns a little back (additive increase) up to the configured ceiling.
 */
export class AdaptiveRateLimiter {
  private rate: number;
  private readonly ceiling: number;
  private readonly floor: number;
  private nextSlot = 0;
  throttles = 0;

  constructor(ceiling: number) {
    this.ceiling = ceiling;
    this.rate = ceiling;
    this.floor = Math.min(ceiling, 0.05);
  }

  get currentRate(): number {
    return this.rate;
  }

  async acquire(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.rate;
    if (slot > now) await sleep(slot - now);
  }

  onThrottle(): void {
    this.throttles++;
    this.rate = Math.max(this.floor, this.rate / 2);
    // Leave a gap of one new interval before anyone else starts.
    this.nextSlot = Math.max(this.nextSlot, performance.now() + 1000 / this.rate);
  }

  onSuccess(): void {
    if (this.rate < this.ceiling) this.rate = Math.min(this.ceiling, this.rate + this.ceiling / 50);
  }
}

const limiters = new Map<string, AdaptiveRateLimiter>();

/** One limiter per app (or token, where the app is unknown) and budget, shared by every client in the process. */
export function sharedLimiter(key: string, ceiling: number): AdaptiveRateLimiter {
  const id = `${key}\u0000${ceiling}`;
  let limiter = limiters.get(id);
  if (!limiter) {
    limiter = new AdaptiveRateLimiter(ceiling);
    limiters.set(id, limiter);
  }
  return limiter;
}
