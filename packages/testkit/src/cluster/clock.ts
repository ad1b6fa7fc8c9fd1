// Simulated time: `timeScale` simulated ms pass per wall ms. Controllers ask to be woken at a
// simulated instant; one real timer points at the earliest wake-up.

export class SimClock {
  private readonly wallStart = Date.now();
  private readonly simStart = Date.now();
  private offset = 0;
  private wakes: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    readonly timeScale: number,
    private readonly onWake: () => void,
  ) {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
  }

  now(): number {
    return Math.floor(this.simStart + (Date.now() - this.wallStart) * this.timeScale + this.offset);
  }

  iso(ms = this.now()): string {
    // metav1.Time is serialized with second precision
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }

  /** Jump simulated time forward (tests: reach a deadline without waiting). */
  advance(ms: number): void {
    this.offset += ms;
    this.arm();
    this.onWake();
  }

  /** Wall ms for a simulated duration. */
  wallMs(simMs: number): number {
    return simMs / this.timeScale;
  }

  wakeAt(simMs: number): void {
    if (this.stopped) return;
    if (this.wakes.length > 1000) this.wakes = this.wakes.filter((w) => w > this.now());
    this.wakes.push(simMs);
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    const now = this.now();
    this.wakes = this.wakes.filter((w) => w > now - 1).sort((a, b) => a - b);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.wakes[0];
    if (next === undefined) return;
    const wall = Math.max(0, Math.ceil(this.wallMs(next - now)) + 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const t = this.now();
      this.wakes = this.wakes.filter((w) => w > t);
      this.arm();
      this.onWake();
    }, wall);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

export function parseIsoMs(s: string | undefined): number {
  return s ? Date.parse(s) : NaN;
}
