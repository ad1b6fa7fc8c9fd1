import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../process';
import type { PostgresHandle } from './postgres';
import { postgresBinDir } from './pg-bin';

const run = promisify(execFile);

/**
 * Backups made the way the spec's scripts make them — the real `pg_dump | gzip | openssl enc` — so the
 * actions are proven against the tools, not against themselves. The password reaches openssl through
 * `-pass env:`, never argv.
 */
export type OpensslKdf = 'md5' | 'sha256' | 'pbkdf2';

export function opensslArgs(kdf: OpensslKdf, decrypt = false): string[] {
  const base = ['enc', '-aes-256-cbc', ...(decrypt ? ['-d'] : ['-salt']), '-pass', 'env:BACKUP_PASSWORD'];
  return kdf === 'pbkdf2' ? [...base, '-pbkdf2'] : [...base, '-md', kdf];
}

/** Run a bash pipeline (pipefail) with the given env; returns stdout as a Buffer. */
export async function sh(script: string, env: Record<string, string> = {}): Promise<Buffer> {
  const { stdout } = await run('bash', ['-o', 'pipefail', '-c', script], { env: { ...process.env, ...env }, encoding: 'buffer', maxBuffer: 1 << 30 });
  return stdout;
}

/** `pg_dump` (plain → gzip, or custom -Fc) piped through `openssl enc`; returns the encrypted bytes. */
export async function pgDumpEncrypted(pg: PostgresHandle, opts: { password: string; kdf: OpensslKdf; format?: 'plain' | 'custom'; db?: string }): Promise<Buffer> {
  const url = pg.urlFor(opts.db ?? pg.database).replace(/:[^:@/]*@/, '@');
  const dump = opts.format === 'custom' ? `pg_dump -Fc '${url}'` : `pg_dump '${url}' | gzip`;
  return sh(`${dump} | openssl ${opensslArgs(opts.kdf).join(' ')}`, { PGPASSWORD: pg.password, BACKUP_PASSWORD: opts.password });
}

/** Encrypt arbitrary bytes with the openssl CLI. */
export async function opensslEncrypt(data: Buffer, password: string, kdf: OpensslKdf): Promise<Buffer> {
  const dir = tempDir('enc');
  writeFileSync(join(dir, 'in'), data);
  return sh(`openssl ${opensslArgs(kdf).join(' ')} -in '${join(dir, 'in')}'`, { BACKUP_PASSWORD: password });
}

export async function opensslDecrypt(data: Buffer, password: string, kdf: OpensslKdf): Promise<Buffer> {
  const dir = tempDir('dec');
  writeFileSync(join(dir, 'in'), data);
  return sh(`openssl ${opensslArgs(kdf, true).join(' ')} -in '${join(dir, 'in')}'`, { BACKUP_PASSWORD: password });
}

export async function putObject(client: S3Client, bucket: string, key: string, body: Buffer | string): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** A small but real schema: two schemas, a FK, a sequence, a view, enough rows to need COPY. */
export async function seedShop(pg: PostgresHandle, db?: string, users = 500): Promise<void> {
  await pg.psql(
    `CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
     CREATE TABLE orders (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), amount numeric(12,2) NOT NULL, note text);
     CREATE SCHEMA audit; CREATE TABLE audit.events (id int, what text);
     CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
     INSERT INTO alembic_version VALUES ('0042_head');
     INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, ${users}) g;
     INSERT INTO orders (user_id, amount, note) SELECT 1 + (g % ${users}), g * 1.25, 'line|with|pipes and a tab\t' || g FROM generate_series(1, ${users * 3}) g;
     INSERT INTO audit.events SELECT g, 'event ' || g FROM generate_series(1, 10) g;
     CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 100;`,
    db,
  );
}

/** An RDB written by a real redis-server (`redis-cli --rdb`). */
export async function realRdb(cli: (args: string[]) => Promise<string>, port: number, keys = 50): Promise<Buffer> {
  for (let i = 0; i < keys; i++) await cli(['SET', `key:${i}`, `value ${i}`]);
  await cli(['HSET', 'h', 'a', '1', 'b', '2']);
  const dir = tempDir('rdb');
  await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--rdb', join(dir, 'dump.rdb')]);
  return readFileSync(join(dir, 'dump.rdb'));
}

/**
 * A directory to put first on PATH: wrappers for every tool the actions spawn that append their argv
 * to `log` and exec the real tool. `pg_config --bindir` answers with this directory, so tools found
 * through it are wrapped too.
 */
export function argvRecorder(): { dir: string; log: string; read(): string } {
  const dir = tempDir('argv');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'argv.log');
  // 0666: tools that run as `nobody` (initdb, postgres) log here too
  writeFileSync(log, '', { mode: 0o666 });
  chmodSync(log, 0o666);
  const pgBin = postgresBinDir();
  const tools: Record<string, string> = {
    psql: join(pgBin, 'psql'),
    pg_dump: join(pgBin, 'pg_dump'),
    pg_restore: join(pgBin, 'pg_restore'),
    initdb: join(pgBin, 'initdb'),
    postgres: join(pgBin, 'postgres'),
    pg_isready: join(pgBin, 'pg_isready'),
    'redis-server': '/usr/bin/redis-server',
    'redis-cli': '/usr/bin/redis-cli',
    openssl: '/usr/bin/openssl',
    gzip: '/usr/bin/gzip',
  };
  for (const [name, real] of Object.entries(tools)) {
    writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s' "${name}" >> '${log}'\nfor a in "$@"; do printf ' %s' "$a" >> '${log}'; done\necho >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(bin, 'pg_config'), `#!/bin/sh\necho "pg_config $*" >> '${log}'\nif [ "$1" = "--bindir" ]; then echo '${bin}'; else exec /usr/bin/pg_config "$@"; fi\n`);
  chmodSync(join(bin, 'pg_config'), 0o755);
  chmodSync(dir, 0o755);
  return { dir: bin, log, read: () => readFileSync(log, 'utf8') };
}
