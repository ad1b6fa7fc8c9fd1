// Container log buffers: lines with the simulated time they were written; live followers.

export interface LogLine {
  time: number;
  text: string;
}

export class LogBuffer {
  readonly lines: LogLine[] = [];
  ended = false;
  private partial = '';
  private readonly followers = new Set<{ line: (l: LogLine) => void; end: () => void }>();

  constructor(private readonly now: () => number) {}

  /** Append raw output; complete lines are published, a trailing fragment waits for its newline. */
  write(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.push(p);
  }

  line(text: string): void {
    this.push(text);
  }

  private push(text: string): void {
    const l = { time: this.now(), text };
    this.lines.push(l);
    if (this.lines.length > 50_000) this.lines.splice(0, 10_000);
    for (const f of this.followers) f.line(l);
  }

  end(): void {
    if (this.ended) return;
    if (this.partial) this.push(this.partial);
    this.partial = '';
    this.ended = true;
    for (const f of this.followers) f.end();
    this.followers.clear();
  }

  follow(line: (l: LogLine) => void, end: () => void): () => void {
    if (this.ended) {
      end();
      return () => {};
    }
    const f = { line, end };
    this.followers.add(f);
    return () => this.followers.delete(f);
  }
}
