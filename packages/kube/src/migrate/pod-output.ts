/**
 * Pod output shown in the runner log and kept for the summary. A line the pod prints is data, not a
 * workflow command: `::set-output`, `::add-mask::`, `::stop-commands::` or `##[...]` from a migration
 * would otherwise be obeyed by the runner, so such lines get an invisible prefix.
 */
export function neutralize(line: string): string {
  return /^\s*(::|##\[)/.test(line) ? `\u200b${line}` : line;
}

/** The last `max` lines, with a count of what was dropped before them. */
export class LineTail {
  readonly lines: string[] = [];
  dropped = 0;
  constructor(private readonly max = 5_000) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) {
      this.lines.shift();
      this.dropped++;
    }
  }

  last(n: number): string[] {
    return this.lines.slice(-n);
  }

  get total(): number {
    return this.lines.length + this.dropped;
  }
}
