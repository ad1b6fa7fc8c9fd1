// bench/backup: decrypt+gunzip throughput vs `openssl enc -d | gunzip`, peak memory of the streaming
// decode at several sizes, and a full verify (decrypt → gunzip → psql, rolled back) vs the shell pipeline
// `openssl | gunzip | psql`. Sizes: BENCH_MB (default 200) for throughput/verify; memory at 10 and 100 MB
// (and 1 GB with --1g). Goals: throughput ≥ 0.8× openssl, memory ≤ 200 MB flat, verify ≤ 1.3× shell.
import { spawnSync, execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { decode, restoreStream, pgTarget } from '../packages/backup/src/index';
import { startPostgres, stopAll, tempDir } from '../packages/testkit/src/index';

const PW = 'bench-password';
const self = fileURLToPath(import.meta.url);
const devNull = () => new Writable({ write: (_c, _e, cb) => cb() });

/** A plain-dump-shaped file of about `mb` MB: one table, COPY rows, the footer. */
async function makeDump(dir: string, mb: number): Promise<string> {
  const file = join(dir, `dump-${mb}.sql`);
  const out = createWriteStream(file);
  out.write('--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = \'UTF8\';\nCREATE TABLE public.events (id bigint, user_id int, kind text, payload text, at timestamptz);\nCOPY public.events (id, user_id, kind, payload, at) FROM stdin;\n');
  const target = mb * 1024 * 1024;
  let written = 0;
  let id = 0;
  while (written < target) {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++, id++) {
      lines.push(`${id}\t${id % 9973}\t${['login', 'deposit', 'withdraw', 'transfer'][id % 4]}\t{"amount": ${(id * 7919) % 100000}, "ref": "${(id * 2654435761 >>> 0).toString(16)}"}\t2026-0${1 + (id % 9)}-1${id % 10} 12:${String(id % 60).padStart(2, '0')}:00+00\n`);
    }
    const chunk = lines.join('');
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end('\\.\n\n--\n-- PostgreSQL database dump complete\n--\n\n');
  await new Promise<void>((r) => out.on('finish', () => r()));
  return file;
}

function encrypt(dump: string): string {
  const enc = `${dump}.gz.enc`;
  execFileSync('bash', ['-o', 'pipefail', '-c', `gzip -6 -c '${dump}' | openssl enc -aes-256-cbc -salt -pbkdf2 -pass env:PW -out '${enc}'`], { env: { ...process.env, PW } });
  return enc;
}

function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  return fn().then((v) => [Number(process.hrtime.bigint() - t) / 1e9, v]);
}

async function oursDecode(enc: string): Promise<void> {
  const d = await decode(createReadStream(enc, { highWaterMark: 1 << 20 }), { password: PW, kdf: 'auto' });
  await pipeline(d.plain, devNull());
}

function shell(script: string, env: Record<string, string> = {}): number {
  const t = process.hrtime.bigint();
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', script], { env: { ...process.env, PW, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`shell failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** Peak RSS of a fresh process that only stream-decodes `enc` (and of one that does nothing). */
function peakRss(enc?: string): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', enc ?? ''], { encoding: 'utf8' });
  return Number(/RSS (\d+)/.exec(r.stdout)?.[1] ?? NaN) / 1024;
}

const mbOf = (f: string) => (statSync(f).size / 1024 / 1024).toFixed(0);
const row = (a: string, b: string, c: string, d: string) => console.log(`${a.padEnd(44)}${b.padStart(10)}${c.padStart(12)}   ${d}`);

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    if (process.argv[3]) await oursDecode(process.argv[3]);
    console.log(`RSS ${process.resourceUsage().maxRSS}`);
    return;
  }
  const size = Number(process.env.BENCH_MB ?? 200);
  const dir = tempDir('bench-backup');
  console.log(`bench/backup: dump ${size} MB (BENCH_MB), node ${process.version}, ${new Date().toISOString()}`);
  const dump = await makeDump(dir, size);
  const enc = encrypt(dump);
  console.log(`object: ${mbOf(dump)} MB SQL → ${mbOf(enc)} MB gzip+aes-256-cbc (pbkdf2)\n`);

  row('', 'ours', 'shell', 'ratio');
  await oursDecode(enc); // warm caches
  const [ours] = await time(() => oursDecode(enc));
  const sh = shell(`openssl enc -d -aes-256-cbc -pbkdf2 -pass env:PW -in '${enc}' | gunzip > /dev/null`);
  row(`decrypt+gunzip ${size} MB (MB/s of SQL)`, (size / ours).toFixed(0), (size / sh).toFixed(0), `${(sh / ours).toFixed(2)}×  goal ≥ 0.8×`);

  const baseline = peakRss();
  const sizes = [10, 100, ...(process.argv.includes('--1g') ? [1024] : [])];
  for (const mb of sizes) {
    const e = mb === size ? enc : encrypt(await makeDump(dir, mb));
    row(`peak RSS, decode ${mb} MB (MB)`, peakRss(e).toFixed(0), `idle ${baseline.toFixed(0)}`, 'goal ≤ 200');
  }

  const pg = await startPostgres();
  try {
    await pg.createDatabase('ours');
    await pg.createDatabase('shell');
    const target = pgTarget(pg.urlFor('ours'));
    const [full, r] = await time(async () => {
      const d = await decode(createReadStream(enc, { highWaterMark: 1 << 20 }), { password: PW, kdf: 'auto' });
      return restoreStream(d.plain, 'sql', { target, mode: 'verify', checks: [] });
    });
    const url = pg.urlFor('shell').replace(/:[^:@/]*@/, '@');
    const shFull = shell(`openssl enc -d -aes-256-cbc -pbkdf2 -pass env:PW -in '${enc}' | gunzip | psql -X -q -v ON_ERROR_STOP=1 --single-transaction '${url}'`, { PGPASSWORD: pg.password });
    row(`full verify ${size} MB into PostgreSQL (s)`, full.toFixed(1), shFull.toFixed(1), `${(full / shFull).toFixed(2)}×  goal ≤ 1.3×`);
    console.log(`  (ours also counted ${Object.values(r.session?.rows ?? {}).reduce((a, b) => a + b, 0)} rows and rolled back; shell committed)`);
  } finally {
    await stopAll();
  }
}

await main();
