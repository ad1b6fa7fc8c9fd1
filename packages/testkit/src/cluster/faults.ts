// Scriptable faults per route and verb: 5xx/429 with Retry-After, connection reset, delay, and
// watch faults (drop after n events, go silent, 410 Gone).

export interface FaultSpec {
  method?: string;
  /** A RegExp tested against the path, or a string the path must equal. */
  path: RegExp | string;
  status?: number;
  message?: string;
  retryAfter?: number;
  reset?: true;
  delayMs?: number;
  /** The fault fires this many times, then removes itself. */
  times?: number;
  watchDropAfter?: number;
  watchSilent?: true;
  watchGone?: true;
}

export interface Fault extends FaultSpec {
  id: number;
  hits: number;
  remove(): void;
}

export class Faults {
  private list: Fault[] = [];
  private seq = 0;

  add(spec: FaultSpec): Fault {
    const f: Fault = { ...spec, id: ++this.seq, hits: 0, remove: () => (this.list = this.list.filter((x) => x !== f)) as unknown as void };
    this.list.push(f);
    return f;
  }

  clear(): void {
    this.list = [];
  }

  get active(): readonly Fault[] {
    return this.list;
  }

  /** The first fault that applies; consumes one of its `times`. Watch-only faults match watches only. */
  match(method: string, path: string, isWatch: boolean): Fault | undefined {
    const f = this.list.find((x) => {
      if (x.method && x.method.toUpperCase() !== method) return false;
      if (!(typeof x.path === 'string' ? x.path === path : x.path.test(path))) return false;
      const watchOnly = x.watchDropAfter !== undefined || x.watchSilent || x.watchGone;
      return !watchOnly || isWatch;
    });
    if (!f) return undefined;
    f.hits++;
    if (f.times !== undefined && f.hits >= f.times) f.remove();
    return f;
  }
}
