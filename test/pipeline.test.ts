import { jest } from '@jest/globals';
// The whole pipeline end to end against the sandbox: the demo's three scenarios, with every output and
// side effect asserted (registry digests, Deployments' images and revisions, the migration, the backup
// object, the Slack messages in order).
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { startWorld, stopAll, type World } from '@dantaro/testkit';
import { Pipeline, DEPLOYMENTS, NAMESPACE, REPOSITORY } from './pipeline/scenarios';

jest.setTimeout(420_000);

let world: World;
let p: Pipeline;
let image0: string;
let r1: Awaited<ReturnType<Pipeline['release']>>;
let r2: Awaited<ReturnType<Pipeline['release']>>;
let nightly: Awaited<ReturnType<Pipeline['nightly']>>;

const images = (name: string) => ((world.cluster.get('deployments', NAMESPACE, name) as any).spec.template.spec.containers as any[]).map((c) => c.image);
const revision = (name: string) => Number((world.cluster.get('deployments', NAMESPACE, name) as any).metadata.annotations['deployment.kubernetes.io/revision']);
const slackText = (m: Record<string, unknown>) => JSON.stringify(m);

beforeAll(async () => {
  world = await startWorld({ timeScale: 20 });
  p = new Pipeline(world);
  image0 = await p.bootstrap();
  r1 = await p.release('release 1', 'r1', 'VERSION=1');
  r2 = await p.release('release 2', 'r2', 'VERSION=2\nBEHAVIOUR=crashloop');
  nightly = await p.nightly();
});

afterAll(async () => {
  await world?.stop();
  await stopAll();
});

describe('release 1: success', () => {
  test('build-push pushed by digest and the registry holds that digest for the tag', async () => {
    expect(r1.build.code).toBe(0);
    expect(r1.build.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r1.image).toBe(`${world.aws.registryHost}/${REPOSITORY}@${r1.build.outputs.digest}`);
    const manifest = await world.registry.client.manifest(REPOSITORY, 'r1');
    expect(manifest?.digest).toBe(r1.build.outputs.digest);
  });

  test('trivy-gate passed with counts', () => {
    expect(r1.scan.outputs.result).toBe('pass');
    expect(JSON.parse(r1.scan.outputs.counts).MEDIUM.total).toBe(2);
  });

  test('the pre-deploy backup exists in S3', async () => {
    expect(r1.backup.code).toBe(0);
    const head = await world.s3.client().send(new HeadObjectCommand({ Bucket: world.bucket, Key: r1.backup.outputs.key }));
    expect(head.ContentLength).toBe(Number(r1.backup.outputs.bytes));
  });

  test('the migration really migrated PostgreSQL', async () => {
    expect(r1.migrate.outputs.result).toBe('applied');
    expect(r1.migrate.outputs['exit-code']).toBe('0');
    const tables = await world.postgres.psql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.trim()).toBe('schema_migrations,transactions,wallets');
  });

  test('eks-rollout moved all three Deployments', () => {
    expect(r1.rollout.code).toBe(0);
    expect(r1.rollout.outputs.result).toBe('success');
    const per = JSON.parse(r1.rollout.outputs.deployments);
    expect(Object.keys(per).length === 3 || per.length === 3).toBe(true);
  });
});

describe('release 2: a crashing build', () => {
  test('fails fast on CrashLoopBackOff and rolls back automatically', () => {
    expect(r2.rollout.code).not.toBe(0);
    expect(r2.rollout.outputs.result).toBe('rolled-back');
    expect(r2.rollout.outputs['failure-reason']).toBe('CrashLoopBackOff');
    expect(r2.rollout.summary).toMatch(/CrashLoopBackOff/);
  });

  test('every Deployment is back on release 1, at a new revision', () => {
    for (const d of DEPLOYMENTS) {
      expect(images(d).every((i) => i === r1.image)).toBe(true);
      expect(revision(d)).toBeGreaterThanOrEqual(4);
    }
    expect(r1.image).not.toBe(image0);
  });

  test('the second migration found nothing new to apply', () => {
    expect(['applied', 'already-applied']).toContain(r2.migrate.outputs.result);
    expect(r2.migrate.all).toMatch(/skip {2}001_wallets/);
  });
});

describe('nightly backup', () => {
  test('backs up PostgreSQL and Redis and verifies by restoring', () => {
    expect(nightly.backup.outputs.key).toMatch(/^database\/db_backup_\d{8}_\d{6}\.sql\.gz\.enc$/);
    expect(nightly.backup.outputs['redis-key']).toMatch(/^redis\/redis_backup_\d{8}_\d{6}\.rdb\.enc$/);
    expect(nightly.verify.outputs.result).toBe('verified');
    expect(Number(nightly.verify.outputs.tables)).toBe(3);
    expect(Number(nightly.verify.outputs['backup-age-seconds'])).toBeLessThan(600);
    expect(nightly.verify.outputs['redis-result']).toMatch(/verified/);
  });
});

describe('Slack', () => {
  test('one message per deploy, updated in place, in order', () => {
    const api = world.slack.messages.filter((m) => !m.thread_ts);
    expect(api).toHaveLength(2);
    expect(api[0].ts).toBe(r1.ts);
    expect(api[1].ts).toBe(r2.ts);
    const states = (i: number) => api[i].history.map(slackText);
    expect(states(0)).toHaveLength(2);
    expect(states(0)[0]).toMatch(/started/i);
    expect(states(0)[1]).toMatch(/success/i);
    expect(states(1)[1]).toMatch(/rolled.back/i);
  });
});
