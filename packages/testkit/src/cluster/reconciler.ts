// Runs the controllers: a pass after any change that matters (coalesced with setImmediate),
// and when simulated time reaches a wake-up a controller asked for. Controllers only write
// when something changed, so passes converge.

export interface Controller {
  name: string;
  reconcile(): void;
}

export class Reconciler {
  private scheduled = false;
  private stopped = false;
  private pausedFlag = false;
  passes = 0;

  readonly controllers: Controller[] = [];

  kick(): void {
    if (this.scheduled || this.stopped || this.pausedFlag) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  /** Tests: freeze the controllers (e.g. to observe a generation not yet observed). */
  pause(): void {
    this.pausedFlag = true;
  }

  resume(): void {
    this.pausedFlag = false;
    this.kick();
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  private run(): void {
    this.scheduled = false;
    if (this.stopped || this.pausedFlag) return;
    this.passes++;
    for (const c of this.controllers) {
      try {
        c.reconcile();
      } catch (e) {
        console.error(`[cluster] ${c.name} controller failed:`, e);
      }
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
