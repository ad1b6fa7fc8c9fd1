// The Job controller, scripted and with a real local process (the migration path).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, tempDir } from '../process';
import { type Cluster, startCluster } from './index';
import { call } from './test-client';

let c: Cluster;
let dir: string;
beforeAll(async () => {
  c = await startCluster({ timeScale: 100 });
  dir = tempDir('cluster-job');
});
afterAll(async () => {
  await c.stop();
  removeDir(dir);
});

const job = (name: string, spec: any, annotations?: Record<string, string>) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'jobs', ...(annotations ? { annotations } : {}) },
  spec: { ...spec, template: { metadata: spec.podAnnotations ? { annotations: spec.podAnnotations } : {}, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.local/tool:1' }], ...spec.pod } } },
});
const J = '/apis/batch/v1/namespaces/jobs/jobs';
const get = (n: string) => c.get('jobs', 'jobs', n)!;
const conds = (n: string) => (get(n)?.status?.conditions ?? []).map((x: any) => `${x.type}/${x.reason}`);
const podsOf = (n: string) => c.list('pods', 'jobs').filter((p) => p.metadata.labels?.['job-name'] === n);

it('a scripted pod succeeds: SuccessCriteriaMet + Complete, counts and times', async () => {
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jobs' } });
  const r = await call(c, 'POST', J, { body: job('ok', {}) });
  expect(r.json.spec).toMatchObject({ backoffLimit: 6, completions: 1, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': r.json.metadata.uid } } });
  await c.waitFor(() => conds('ok').includes('Complete/CompletionsReached'), 15_000);
  expect(conds('ok')).toEqual(['SuccessCriteriaMet/CompletionsReached', 'Complete/CompletionsReached']);
  expect(get('ok').status).toMatchObject({ succeeded: 1, startTime: expect.any(String), completionTime: expect.any(String) });
  expect(podsOf('ok')[0].status.phase).toBe('Succeeded');
});

it('backoffLimit: failed pods are retried with backoff, then BackoffLimitExceeded', async () => {
  await call(c, 'POST', J, { body: job('fails', { backoffLimit: 2, podAnnotations: { 'sandbox.dantaro.dev/behaviour': 'exit=1,run=1s' } }) });
  await c.waitFor(() => conds('fails').includes('Failed/BackoffLimitExceeded'), 15_000);
  expect(get('fails').status.failed).toBe(3);
  expect(conds('fails')).toEqual(['FailureTarget/BackoffLimitExceeded', 'Failed/BackoffLimitExceeded']);
  expect(c.list('events', 'jobs').find((e) => e.reason === 'BackoffLimitExceeded')?.message).toBe('Job has reached the specified backoff limit');
});

it('activeDeadlineSeconds: DeadlineExceeded and the running pod is deleted', async () => {
  await call(c, 'POST', J, { body: job('slow', { activeDeadlineSeconds: 5, podAnnotations: { 'sandbox.dantaro.dev/behaviour': 'exit=0,run=1h' } }) });
  await c.waitFor(() => conds('slow').includes('Failed/DeadlineExceeded'), 15_000);
  await c.waitFor(() => podsOf('slow').length === 0, 15_000, 'pod gone');
});

it('ttlSecondsAfterFinished deletes the finished Job and its pods', async () => {
  await call(c, 'POST', J, { body: job('ttl', { ttlSecondsAfterFinished: 10 }) });
  await c.waitFor(() => conds('ttl').includes('Complete/CompletionsReached'), 15_000);
  await c.waitFor(() => !get('ttl') && podsOf('ttl').length === 0, 15_000, 'ttl cleanup');
});

describe('local processes', () => {
  it('runs command+args with env from Secrets/ConfigMaps; logs are served; exit code is the container state', async () => {
    c.apply([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'jobs' }, stringData: { password: 's3cret' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'jobs' }, data: { HOSTNAME_X: 'db.local', MODE: 'migrate' } },
    ]);
    const script = join(dir, 'migrate.mjs');
    writeFileSync(script, "console.log(`mode=${process.env.MODE} host=${process.env.HOSTNAME_X} pw=${process.env.PGPASSWORD} arg=${process.argv[2]}`); console.error('to stderr'); process.exit(3);\n");
    const spec = {
      backoffLimit: 0,
      pod: {
        containers: [
          { name: 'migrate', image: 'registry.local/app:v1', command: [process.execPath], args: [script, '$(MODE)-now'], envFrom: [{ configMapRef: { name: 'cfg' } }], env: [{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] },
          { name: 'proxy', image: 'registry.local/proxy:1' },
        ],
      },
    };
    await call(c, 'POST', J, { body: job('migrate', spec, { 'sandbox.dantaro.dev/run': 'local' }) });
    await c.waitFor(() => conds('migrate').includes('Failed/BackoffLimitExceeded'), 15_000);
    const pod = podsOf('migrate')[0];
    expect(pod.status.phase).toBe('Failed');
    expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(pod.status.containerStatuses[1].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const log = await call(c, 'GET', `/api/v1/namespaces/jobs/pods/${pod.metadata.name}/log?container=migrate`);
    expect(log.text.split('\n').sort()).toEqual(['', 'mode=migrate host=db.local pw=s3cret arg=migrate-now', 'to stderr']);
  });

  it('follow streams live output; deleting the Job (background) kills the process', async () => {
    const script = join(dir, 'long.mjs');
    writeFileSync(script, "let i = 0; const t = setInterval(() => console.log(`tick ${i++}`), 50); process.on('SIGTERM', () => { console.log('got SIGTERM'); clearInterval(t); process.exit(143); });\n");
    await call(c, 'POST', J, { body: job('long', { podAnnotations: { 'sandbox.dantaro.dev/run': 'local' }, pod: { containers: [{ name: 'main', image: 'registry.local/app:v1', command: [process.execPath, script] }] } }) });
    await c.waitFor(() => podsOf('long')[0]?.status?.containerStatuses?.[0]?.state?.running !== undefined, 15_000);
    const pod = podsOf('long')[0].metadata.name;
    const followed = call(c, 'GET', `/api/v1/namespaces/jobs/pods/${pod}/log?follow=true`);
    await c.waitFor(async () => (await call(c, 'GET', `/api/v1/namespaces/jobs/pods/${pod}/log`)).text.includes('tick 1\n'), 15_000, 'two ticks');
    expect(c.kubelet.localProcesses).toBe(1);
    await call(c, 'DELETE', `${J}/long`, { body: { propagationPolicy: 'Background' } });
    const text = (await followed).text;
    expect(text).toMatch(/^tick 0\ntick 1\n/);
    expect(text).toMatch(/got SIGTERM\n$/);
    await c.waitFor(() => c.kubelet.localProcesses === 0 && podsOf('long').length === 0, 15_000, 'process and pod gone');
  });

  it('runJobsLocally: a missing executable is a StartError (exit 128); stop() kills what still runs', async () => {
    const local = await startCluster({ timeScale: 100, runJobsLocally: true });
    try {
      local.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jobs' } });
      await call(local, 'POST', J, { body: job('nobin', { backoffLimit: 0, pod: { containers: [{ name: 'main', image: 'x:1', command: ['/nonexistent/tool'] }] } }) });
      await call(local, 'POST', J, { body: job('sleeper', { pod: { containers: [{ name: 'main', image: 'x:1', command: ['sleep', '300'] }] } }) });
      await local.waitFor(() => local.list('pods', 'jobs').some((p) => p.status?.containerStatuses?.[0]?.state?.terminated?.reason === 'StartError'), 15_000);
      await local.waitFor(() => local.kubelet.localProcesses === 1, 15_000);
    } finally {
      await local.stop();
    }
    expect(local.kubelet.localProcesses).toBe(0);
  });
});
