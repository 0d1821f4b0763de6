/**
 * Per-user cooldown between questions. Entries older than the cooldown are swept as the map is
 * used, so a bot running for weeks does not keep every user it has ever seen.
 */
export class Cooldown {
  private readonly last = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly seconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records a question from `user` and returns 0, or, when it comes too soon after the previous
   * one, returns the seconds (rounded up) still to wait and records nothing.
   */
  take(user: string): number {
    if (this.seconds <= 0) return 0;
    const now = this.now();
    const windowMs = this.seconds * 1000;
    if (now - this.lastSweep >= windowMs) this.sweep(now, windowMs);
    const previous = this.last.get(user);
    if (previous !== undefined && now - previous < windowMs) return Math.max(1, Math.ceil((windowMs - (now - previous)) / 1000));
    this.last.set(user, now);
    return 0;
  }

  /** Users currently remembered (for tests and metrics). */
  get size(): number {
    return this.last.size;
  }

  private sweep(now: number, windowMs: number): void {
    for (const [user, at] of this.last) if (now - at >= windowMs) this.last.delete(user);
    this.lastSweep = now;
  }
}
