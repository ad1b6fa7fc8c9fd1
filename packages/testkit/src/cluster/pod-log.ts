// pods/log: container, previous, follow (streams until the container ends), tailLines,
// sinceSeconds, timestamps, limitBytes — served as text/plain like the kubelet's proxy.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimClock } from './clock';
import type { LogLine } from './controllers/logs';
import type { LogProvider } from './rest';
import type { KObject } from './types';

function fmt(l: LogLine, timestamps: boolean): string {
  if (!timestamps) return l.text + '\n';
  const iso = new Date(l.time).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
  return `${iso} ${l.text}\n`;
}

export function serveLog(logs: LogProvider, pod: KObject, req: IncomingMessage, res: ServerResponse, q: URLSearchParams, clock: SimClock): void {
  const buf = logs.buffer(pod, q.get('container') ?? undefined, q.get('previous') === 'true');
  const timestamps = q.get('timestamps') === 'true';
  let lines = buf.lines;
  const since = q.get('sinceSeconds');
  if (since) lines = lines.filter((l) => l.time >= clock.now() - Number(since) * 1000);
  const tail = q.get('tailLines');
  if (tail !== null && Number(tail) >= 0) lines = lines.slice(Math.max(0, lines.length - Number(tail)));
  let budget = q.get('limitBytes') ? Number(q.get('limitBytes')) : Infinity;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  const out = (s: string): boolean => {
    if (budget <= 0) return false;
    const b = Buffer.from(s);
    res.write(b.length > budget ? b.subarray(0, budget) : b);
    budget -= b.length;
    return budget > 0;
  };
  for (const l of lines) if (!out(fmt(l, timestamps))) return void res.end();
  if (q.get('follow') !== 'true' || buf.ended) return void res.end();
  const stop = buf.follow(
    (l) => {
      if (!out(fmt(l, timestamps))) finish();
    },
    () => finish(),
  );
  function finish() {
    stop();
    res.end();
  }
  req.on('close', () => stop());
}
