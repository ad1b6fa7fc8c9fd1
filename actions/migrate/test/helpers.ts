import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startCluster, startPostgres, type Cluster, type KObject, type PostgresHandle } from '@dantaro/testkit';

/** The sandbox for the migrate action: a cluster simulator and a real PostgreSQL, one app per namespace. */
export interface World {
  cluster: Cluster;
  pg: PostgresHandle;
  kubeconfig: string;
  dir: string;
  stop(): Promise<void>;
}

export const MIGRATE_SH = join(repoRoot, 'examples', 'app', 'migrate.sh');
/** The DB password doubles as the canary: it lives only in a Kubernetes Secret the action must never read. */
export const CANARY = `canary-pw-${randomBytes(6).toString('hex')}`;

export async function startWorld(): Promise<World> {
  const pg = await startPostgres({ password: CANARY });
  // images whose name says "missing" are absent from the registry (image pull failures)
  const cluster = await startCluster({ imageExists: async (image) => !image.includes('missing') });
  const dir = mkdtempSync(join(tmpdir(), 'migrate-e2e-'));
  const kubeconfig = join(dir, 'kubeconfig');
  cluster.writeKubeconfig(kubeconfig);
  return {
    cluster,
    pg,
    kubeconfig,
    dir,
    async stop() {
      await cluster.stop();
      await pg.stop();
    },
  };
}

/** A digest unique to a test (so Job names differ), stable for a given seed. */
export const digestOf = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
export const imageFor = (seed: string, repo = 'registry.local/dantaro/backend') => `${repo}@${digestOf(seed)}`;

export interface App {
  ns: string;
  db: string;
  deployment: string;
}

/**
 * A namespace with the example app: Secret `dantaro-secrets` (database-url → its own database) and a
 * Deployment whose container reads DATABASE_URL from it. Zero replicas: only its template matters,
 * and its template says "run Job pods as real local processes".
 */
export async function setupApp(w: World, ns: string, extraEnv: Array<{ name: string; value: string }> = []): Promise<App> {
  const db = ns.replace(/-/g, '_');
  const url = await w.pg.createDatabase(db);
  w.cluster.apply([
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'dantaro-secrets', namespace: ns }, type: 'Opaque', data: { 'database-url': Buffer.from(url).toString('base64') } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'dantaro-backend', namespace: ns, labels: { app: 'dantaro-backend' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'dantaro-backend' } },
        template: {
          metadata: { labels: { app: 'dantaro-backend' }, annotations: { 'sandbox.dantaro.dev/run': 'local' } },
          spec: {
            containers: [
              {
                name: 'backend',
                image: 'registry.local/dantaro/backend:bootstrap',
                args: ['serve'],
                env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'dantaro-secrets', key: 'database-url' } } }, ...extraEnv],
              },
            ],
          },
        },
      },
    },
  ] as KObject[]);
  return { ns, db, deployment: 'dantaro-backend' };
}

/** A migrations directory for migrate.sh (MIGRATIONS_DIR). */
export function migrationsDir(w: World, name: string, files: Record<string, string>): string {
  const d = join(w.dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, sql] of Object.entries(files)) writeFileSync(join(d, f), sql);
  return d;
}

export function inputs(w: World, app: App, seed: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    kubeconfig: w.kubeconfig,
    namespace: app.ns,
    image: imageFor(seed),
    'from-deployment': app.deployment,
    command: `bash ${MIGRATE_SH}`,
    timeout: '60s',
    'lock-timeout': '30s',
    ...extra,
  };
}

export const tables = (w: World, app: App) => w.pg.psql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'", app.db);

export const jobsIn = (w: World, ns: string) => w.cluster.list('jobs', ns).filter((j) => !j.metadata.deletionTimestamp);

export const leaseHolder = (w: World, ns: string) => w.cluster.get('leases', ns, 'migrate-dantaro-backend')?.spec?.holderIdentity;
