import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoLeak, runAction, type ActionRun } from '@dantaro/testkit';
import { CANARY, imageFor, inputs, jobsIn, leaseHolder, migrationsDir, MIGRATE_SH, setupApp, startWorld, tables, type World } from './helpers';

// The bundle (dist/migrate/index.js) against the cluster simulator, whose Job pods run migrate.sh as a
// real process against a real PostgreSQL. Every run is searched for the DB password (the canary).
let w: World;
beforeAll(async () => {
  w = await startWorld();
}, 60_000);
afterAll(async () => {
  await w?.stop();
});

async function migrate(inp: Record<string, string | undefined>, opts: Parameters<typeof runAction>[1] = {}): Promise<ActionRun> {
  const run = await runAction('migrate', { inputs: inp, timeoutMs: 90_000, ...opts });
  assertNoLeak(run, [CANARY]);
  return run;
}

describe('migrate action', () => {
  it('applies the SQL migrations through a Job, streams the log, and releases the lock', async () => {
    const app = await setupApp(w, 'm-success');
    const run = await migrate(inputs(w, app, 'success'));
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(run.outputs['exit-code']).toBe('0');
    expect(run.outputs['job-name']).toMatch(/^migrate-dantaro-backend-[a-f0-9]{10}$/);
    expect(Number(run.outputs.seconds)).toBeGreaterThan(0);
    expect(await tables(w, app)).toBe('schema_migrations,transactions,wallets');
    // the pod's output, live in the log and in the summary
    expect(run.stdout).toContain('apply 001_wallets');
    expect(run.stdout).toContain('migrations: 2 applied, head is 002_transactions');
    expect(run.summary).toContain('Migration applied');
    expect(run.summary).toContain(`bash ${MIGRATE_SH}`);
    expect(run.summary).toContain('head is 002_transactions');
    // the Job: new image, argv command, the app's env by reference, none of the app's labels
    const job = w.cluster.get('jobs', app.ns, run.outputs['job-name'])!;
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe(imageFor('success'));
    expect(c.command).toEqual(['bash', MIGRATE_SH]);
    expect(c.args).toBeUndefined();
    expect(c.env[0].valueFrom.secretKeyRef).toEqual({ name: 'dantaro-secrets', key: 'database-url' });
    expect(job.spec.template.metadata.labels.app).toBeUndefined();
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 3600 });
    expect(job.metadata.annotations?.['migrate.dantaro.dev/result']).toBe('applied');
    expect(leaseHolder(w, app.ns)).toBeUndefined();

    // 2nd run of the same release: the Job is found, nothing runs again
    const again = await migrate(inputs(w, app, 'success'));
    expect(again.code).toBe(0);
    expect(again.outputs.result).toBe('already-applied');
    expect(again.outputs['job-name']).toBe(run.outputs['job-name']);
    expect(again.stdout).not.toContain('apply 001_wallets');
    expect(jobsIn(w, app.ns)).toHaveLength(1);
  });

  it('fails with the exit code and the full log; keeps the Job; a re-run starts attempt 2', async () => {
    const bad = migrationsDir(w, 'bad', { '001_ok.sql': 'CREATE TABLE ok (id int);\n', '002_bad.sql': 'ALTER TABLE missing_table ADD COLUMN x int;\n' });
    const app = await setupApp(w, 'm-fail', [{ name: 'MIGRATIONS_DIR', value: bad }]);
    const run = await migrate(inputs(w, app, 'fail'));
    expect(run.code).not.toBe(0);
    expect(run.outputs.result).toBe('failed');
    expect(run.outputs['exit-code']).toBe('3'); // psql ON_ERROR_STOP
    expect(run.stdout).toMatch(/::error::migration job migrate-dantaro-backend-\w+ failed: container backend in pod .* exited with code 3/);
    expect(run.stdout).toContain('relation "missing_table" does not exist');
    expect(run.summary).toContain('<details><summary>Migration output');
    expect(run.summary).toContain('relation &quot;missing_table&quot; does not exist'.replace(/&quot;/g, '"'));
    expect(run.summary).toContain('kept failed job');
    const first = run.outputs['job-name'];
    expect(w.cluster.get('jobs', app.ns, first)?.metadata.annotations?.['migrate.dantaro.dev/result']).toBe('failed');
    expect(leaseHolder(w, app.ns)).toBeUndefined();

    const again = await migrate(inputs(w, app, 'fail'));
    expect(again.outputs.result).toBe('failed');
    expect(again.outputs['job-name']).toBe(`${first}-2`);
    expect(again.stdout).toContain(`earlier attempt ${first} failed`);
  });

  it('reports OOMKilled (scripted pod behaviour, from a pod-template file)', async () => {
    const app = await setupApp(w, 'm-oom');
    const file = join(w.dir, 'oom-pod.yaml');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Pod
metadata:
  name: migrator
  labels: { app: dantaro-backend }
  annotations:
    sandbox.dantaro.dev/behaviour: oom,run=1s
spec:
  containers:
    - name: migrate
      image: placeholder
      resources: { limits: { memory: 64Mi } }
`,
    );
    const run = await migrate(inputs(w, app, 'oom', { 'from-deployment': undefined, 'pod-template': file, command: 'alembic upgrade head', 'keep-failed-job': 'false' }));
    expect(run.code).not.toBe(0);
    expect(run.outputs.result).toBe('failed');
    expect(run.outputs['exit-code']).toBe('137');
    expect(run.stdout).toMatch(/OOMKilled/);
    expect(run.stdout).toContain('raise its memory limit');
    expect(run.stdout).toMatch(/deleted job migrate-dantaro-backend-\w+ and its pods/); // keep-failed-job: false
  });

  it('judges the migration container, not a sidecar that keeps the pod running', async () => {
    const app = await setupApp(w, 'm-sidecar');
    const file = join(w.dir, 'sidecar-pod.yaml');
    writeFileSync(
      file,
      `metadata:
  annotations:
    sandbox.dantaro.dev/behaviour.migrate: run=1s,logs=migrated
    sandbox.dantaro.dev/behaviour.istio-proxy: run=10m
spec:
  containers:
    - { name: migrate, image: placeholder }
    - { name: istio-proxy, image: registry.local/istio/proxyv2:1.22 }
`,
    );
    const run = await migrate(inputs(w, app, 'sidecar', { 'from-deployment': undefined, 'pod-template': file, command: 'alembic upgrade head' }));
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('applied');
    expect(run.stdout).toContain('migrated');
    const job = w.cluster.get('jobs', app.ns, run.outputs['job-name'])!;
    expect(job.status?.conditions?.some((c: { type: string }) => c.type === 'Complete')).toBeFalsy(); // the sidecar still runs
    expect(job.metadata.annotations?.['migrate.dantaro.dev/result']).toBe('applied');
    const again = await migrate(inputs(w, app, 'sidecar', { 'from-deployment': undefined, 'pod-template': file, command: 'alembic upgrade head' }));
    expect(again.outputs.result).toBe('already-applied');
  });

  it('streams every run of a container restarted in place, once each', async () => {
    const app = await setupApp(w, 'm-restart');
    const file = join(w.dir, 'restart-pod.yaml');
    writeFileSync(file, 'metadata:\n  annotations: { sandbox.dantaro.dev/run: local }\nspec:\n  restartPolicy: OnFailure\n  containers: [{ name: migrate, image: placeholder }]\n');
    const run = await migrate(inputs(w, app, 'restart', { 'from-deployment': undefined, 'pod-template': file, command: `bash -c 'echo "run $(date +%s%N)"; sleep 1; exit 4'`, 'backoff-limit': '1' }));
    expect(run.outputs.result).toBe('failed');
    expect(run.outputs['exit-code']).toBe('4');
    const runs = run.stdout.split('\n').filter((l) => /^run \d+$/.test(l));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(runs).size).toBe(runs.length);
  });

  it('times out: deletes the Job with its pods and releases the lock', async () => {
    const app = await setupApp(w, 'm-timeout');
    const run = await migrate(inputs(w, app, 'timeout', { command: 'sleep 30', timeout: '3s' }));
    expect(run.code).not.toBe(0);
    expect(run.outputs.result).toBe('timed-out');
    expect(run.stdout).toMatch(/deleted job migrate-dantaro-backend-\w+ and its pods/);
    await w.cluster.waitFor(() => jobsIn(w, app.ns).length === 0 && w.cluster.list('pods', app.ns).length === 0, 15_000, 'job and pods gone');
    expect(leaseHolder(w, app.ns)).toBeUndefined();
  });

  it('runs one migration at a time: the second run waits on the Lease, then finds it applied', async () => {
    const app = await setupApp(w, 'm-concurrent');
    const slow = inputs(w, app, 'concurrent', { command: `bash -c 'sleep 3 && exec bash ${MIGRATE_SH}'` });
    const first = migrate(slow);
    await w.cluster.waitFor(() => !!leaseHolder(w, app.ns), 20_000, 'first run holds the lock');
    const second = await migrate(slow);
    const one = await first;
    expect(one.outputs.result).toBe('applied');
    expect(second.code).toBe(0);
    expect(second.outputs.result).toBe('already-applied');
    expect(second.stdout).toMatch(/migration lock "migrate-dantaro-backend" is held by "dantaro\/wallet run 4242\/1 job deploy/);
    expect(second.summary).toMatch(/waited \d/);
    expect(jobsIn(w, app.ns)).toHaveLength(1);
  });

  it('gives up waiting for the Lease after lock-timeout, naming the holder', async () => {
    const app = await setupApp(w, 'm-locked');
    const long = migrate(inputs(w, app, 'locked-a', { command: 'sleep 6' }));
    await w.cluster.waitFor(() => !!leaseHolder(w, app.ns), 20_000, 'first run holds the lock');
    const blocked = await migrate(inputs(w, app, 'locked-b', { 'lock-timeout': '2s' }));
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout).toMatch(/::error::migration lock "migrate-dantaro-backend" in namespace "m-locked" is still held by "dantaro\/wallet run 4242/);
    expect(blocked.outputs.result).toBe('failed');
    expect(blocked.outputs['job-name']).toBe(''); // nothing ran
    expect(blocked.summary).toContain('still held by');
    expect(jobsIn(w, app.ns).map((j) => j.metadata.name)).toHaveLength(1);
    expect((await long).outputs.result).toBe('applied');
  });

  it('takes over a lease whose holder stopped renewing', async () => {
    const app = await setupApp(w, 'm-stale');
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    w.cluster.apply({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'migrate-dantaro-backend', namespace: app.ns }, spec: { holderIdentity: 'crashed-runner', leaseDurationSeconds: 60, acquireTime: old, renewTime: old } });
    const run = await migrate(inputs(w, app, 'stale'));
    expect(run.outputs.result).toBe('applied');
    expect(run.stdout).toMatch(/took over migration lock "migrate-dantaro-backend" from "crashed-runner"/);
    expect(leaseHolder(w, app.ns)).toBeUndefined();
  });

  it('on SIGTERM deletes the Job with its pods, releases the lock and says so', async () => {
    const app = await setupApp(w, 'm-cancel');
    const run = await migrate(inputs(w, app, 'cancel', { command: 'sleep 60' }), {
      onSpawn: (child) => {
        void w.cluster
          .waitFor(() => w.cluster.list('pods', app.ns).some((p) => p.status?.phase === 'Running'), 30_000, 'migration pod running')
          .then(() => child.kill('SIGTERM'));
      },
    });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/cancelled .*deleted job migrate-dantaro-backend-\w+ and its pods, released lock migrate-dantaro-backend/);
    await w.cluster.waitFor(() => jobsIn(w, app.ns).length === 0 && w.cluster.list('pods', app.ns).length === 0, 15_000, 'job and pods gone');
    expect(leaseHolder(w, app.ns)).toBeUndefined();
  });

  it('fails fast when the image cannot be pulled', async () => {
    const app = await setupApp(w, 'm-pull');
    const run = await migrate(inputs(w, app, 'pull', { image: imageFor('pull', 'registry.local/dantaro/missing'), timeout: '10m' }));
    expect(run.code).not.toBe(0);
    expect(run.outputs.result).toBe('failed');
    expect(run.outputs['exit-code']).toBe('');
    expect(run.stdout).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect(run.stdout).toMatch(/not found/);
  });

  it('dry-run runs only the plan Job and puts its output in the summary', async () => {
    const app = await setupApp(w, 'm-plan');
    const run = await migrate(inputs(w, app, 'plan', { 'plan-command': `bash -c 'echo "PLAN: CREATE TABLE wallets"'`, 'dry-run': 'true' }));
    expect(run.code).toBe(0);
    expect(run.outputs.result).toBe('planned');
    expect(run.summary).toContain('Plan output');
    expect(run.summary).toContain('PLAN: CREATE TABLE wallets');
    expect(await tables(w, app)).toBe(''); // nothing applied
    expect(jobsIn(w, app.ns)).toHaveLength(0); // the plan Job is removed after use
  });

  it('refuses bad input before touching the cluster', async () => {
    const app = await setupApp(w, 'm-bad-input');
    const before = w.cluster.requests.length;
    const run = await migrate(inputs(w, app, 'bad', { command: 'alembic upgrade head | tee log' }));
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/::error::input "command": unquoted `\|` needs a shell/);
    expect(w.cluster.requests.length).toBe(before);
    const tag = await migrate(inputs(w, app, 'bad', { image: 'registry.local/dantaro/backend:latest' }));
    expect(tag.stdout).toMatch(/::error::input "image": .* has no digest/);
  });
});
