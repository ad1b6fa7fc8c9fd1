// The simulated kubelet and scheduler: scripted behaviours and the statuses/events they produce.
import { type Cluster, startCluster } from './index';
import { call } from './test-client';

let c: Cluster;
beforeAll(async () => {
  c = await startCluster({
    timeScale: 100,
    nodeCapacity: { cpu: '2', memory: '4Gi', labels: { pool: 'general' } },
    imageExists: async (image) => !image.includes('absent'),
    imageLabels: async (image) => (image.endsWith(':labelled-crash') ? { 'sandbox.dantaro.dev/behaviour': 'exit=3,run=1s' } : undefined),
  });
});
afterAll(() => c.stop());

let seq = 0;
function pod(spec: any, meta: any = {}): string {
  const name = `p${++seq}`;
  c.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'k', ...meta }, spec: { containers: [{ name: 'app', image: 'registry.local/app:v1' }], ...spec } });
  return name;
}
const get = (name: string) => c.get('pods', 'k', name)!;
const cs = (name: string) => get(name)?.status?.containerStatuses?.[0];
const events = (name: string) => c.list('events', 'k').filter((e) => e.involvedObject.name === name);
const reasons = (name: string) => events(name).map((e) => e.reason);

it('a plain pod is scheduled, pulled, started and Ready, with the real event sequence', async () => {
  const n = pod({});
  await c.waitFor(() => get(n).status?.conditions?.find((x: any) => x.type === 'Ready')?.status === 'True', 15_000, 'ready');
  expect(get(n).status).toMatchObject({ phase: 'Running', podIP: expect.stringMatching(/^10\.244\./), containerStatuses: [{ name: 'app', ready: true, restartCount: 0, started: true, state: { running: {} } }] });
  expect(reasons(n)).toEqual(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']);
  expect(events(n).find((e) => e.reason === 'Started')).toMatchObject({ type: 'Normal', message: 'Started container app', source: { component: 'kubelet', host: 'sandbox-node' }, involvedObject: { kind: 'Pod', fieldPath: 'spec.containers{app}' } });
});

it('readinessProbe initialDelaySeconds delays Ready; never-ready stays unready', async () => {
  const n = pod({ containers: [{ name: 'app', image: 'registry.local/app:v1', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 20 } }] });
  await c.waitFor(() => cs(n)?.started === true, 15_000);
  const started = c.clock.now();
  expect(cs(n).ready).toBe(false);
  await c.waitFor(() => cs(n).ready === true, 15_000);
  expect(c.clock.now() - started).toBeGreaterThan(15_000);
  const m = pod({}, { annotations: { 'sandbox.dantaro.dev/behaviour': 'never-ready' } });
  await c.waitFor(() => reasons(m).includes('Unhealthy'), 15_000);
  expect(get(m).status.conditions.find((x: any) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
});

it('crashloop: restarts with kubelet backoff 10s, 20s, 40s (simulated) and BackOff events', async () => {
  const n = pod({}, { annotations: { 'sandbox.dantaro.dev/behaviour': 'crashloop,run=1s' } });
  await c.waitFor(() => cs(n)?.restartCount === 3 && cs(n).state.waiting?.reason === 'CrashLoopBackOff', 15_000, 'three restarts');
  const s = cs(n);
  expect(s.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  expect(s.state.waiting.message).toMatch(new RegExp(`^back-off 40s restarting failed container=app pod=${n}_k\\(`));
  const starts = events(n).find((e) => e.reason === 'Started')!;
  expect(starts.count).toBe(4);
  const backoff = events(n).find((e) => e.reason === 'BackOff')!;
  expect(backoff).toMatchObject({ type: 'Warning', message: expect.stringMatching(/^Back-off restarting failed container app in pod p\d+_k\(/) });
  expect(get(n).status.phase).toBe('Running');
});

it('oom: lastState OOMKilled with exit code 137', async () => {
  const n = pod({}, { annotations: { 'sandbox.dantaro.dev/behaviour': 'oom,run=1s' } });
  await c.waitFor(() => cs(n)?.lastState?.terminated?.reason === 'OOMKilled', 15_000);
  expect(cs(n).lastState.terminated.exitCode).toBe(137);
});

it('image absent from the registry: ErrImagePull, then ImagePullBackOff; retried later', async () => {
  const n = pod({ containers: [{ name: 'app', image: 'registry.local/absent:v1' }] });
  await c.waitFor(() => cs(n)?.state?.waiting?.reason === 'ErrImagePull', 15_000);
  expect(cs(n).state.waiting.message).toContain('not found');
  await c.waitFor(() => cs(n)?.state?.waiting?.reason === 'ImagePullBackOff', 15_000);
  expect(events(n).filter((e) => e.reason === 'Failed').map((e) => e.message)).toEqual(expect.arrayContaining(['Error: ErrImagePull', 'Error: ImagePullBackOff']));
  await c.waitFor(() => (events(n).find((e) => e.reason === 'Pulling')?.count ?? 0) >= 2, 15_000, 'second pull');
  const r = await call(c, 'GET', `/api/v1/namespaces/k/pods/${n}/log`);
  expect(r.status).toBe(400);
  expect(r.json.message).toMatch(new RegExp(`^container "app" in pod "${n}" is waiting to start: (image can't be pulled|trying and failing to pull image)$`));
});

it('malformed image reference: InvalidImageName', async () => {
  const n = pod({ containers: [{ name: 'app', image: 'Registry.Local/App::v1' }] });
  await c.waitFor(() => cs(n)?.state?.waiting?.reason === 'InvalidImageName', 15_000);
  expect(reasons(n)).toContain('InspectFailed');
});

it('missing Secret/ConfigMap key: CreateContainerConfigError until it appears', async () => {
  const n = pod({ containers: [{ name: 'app', image: 'registry.local/app:v1', env: [{ name: 'DB', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }], envFrom: [{ configMapRef: { name: 'opt', optional: true } }] }] });
  await c.waitFor(() => cs(n)?.state?.waiting?.reason === 'CreateContainerConfigError', 15_000);
  expect(cs(n).state.waiting.message).toBe('secret "db" not found');
  expect(events(n).find((e) => e.message === 'Error: secret "db" not found')?.type).toBe('Warning');
  c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'k' }, stringData: { other: 'x' } });
  await c.waitFor(() => cs(n)?.state?.waiting?.message === "couldn't find key url in Secret k/db", 15_000);
  c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'k' }, stringData: { url: 'postgres://x' } });
  await c.waitFor(() => cs(n)?.state?.running !== undefined, 15_000);
});

it('unschedulable: requests above capacity, nodeSelector mismatch, or scripted', async () => {
  const big = pod({ containers: [{ name: 'app', image: 'registry.local/app:v1', resources: { requests: { cpu: '3' } } }] });
  const sel = pod({ nodeSelector: { pool: 'gpu' } });
  const scripted = pod({}, { annotations: { 'sandbox.dantaro.dev/behaviour': 'unschedulable' } });
  const cond = (n: string) => get(n).status?.conditions?.find((x: any) => x.type === 'PodScheduled');
  await c.waitFor(() => [big, sel, scripted].every((n) => cond(n)?.status === 'False'), 15_000);
  expect(cond(big)).toMatchObject({ reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' });
  expect(cond(sel).message).toBe("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
  expect(events(big)[0]).toMatchObject({ reason: 'FailedScheduling', type: 'Warning', source: { component: 'default-scheduler' } });
  expect(get(scripted).status.phase).toBe('Pending');
});

it('behave() rules by image / labelSelector, and image-config labels', async () => {
  const undo = c.kubelet.behave({ image: 'registry.local/rules', labelSelector: 'tier=api' }, { exitCode: 2, runForMs: 1000 });
  const hit = pod({ containers: [{ name: 'app', image: 'registry.local/rules:1.0' }] }, { labels: { tier: 'api' } });
  const miss = pod({ containers: [{ name: 'app', image: 'registry.local/rules:1.0' }] }, { labels: { tier: 'web' } });
  const labelled = pod({ containers: [{ name: 'app', image: 'registry.local/app:labelled-crash' }] });
  await c.waitFor(() => cs(hit)?.lastState?.terminated?.exitCode === 2 && cs(labelled)?.lastState?.terminated?.exitCode === 3, 15_000);
  expect(cs(miss).restartCount).toBe(0);
  undo();
});

it('pods/log: container, tailLines, timestamps, previous, follow', async () => {
  const n = pod({ containers: [{ name: 'a', image: 'registry.local/app:v1' }, { name: 'b', image: 'registry.local/app:v1' }] }, { annotations: { 'sandbox.dantaro.dev/behaviour.a': 'exit=1,run=2s,logs=hello {container}|second line' } });
  await c.waitFor(() => cs(n)?.restartCount >= 1, 15_000);
  const base = `/api/v1/namespaces/k/pods/${n}/log`;
  expect((await call(c, 'GET', base)).json.message).toBe(`a container name must be specified for pod ${n}, choose one of: [a b]`);
  expect((await call(c, 'GET', `${base}?container=a&previous=true`)).text).toBe('hello a\nsecond line\nerror: exiting with code 1\n');
  expect((await call(c, 'GET', `${base}?container=a&previous=true&tailLines=1`)).text).toBe('error: exiting with code 1\n');
  expect((await call(c, 'GET', `${base}?container=b&timestamps=true`)).text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z starting b/);
  expect((await call(c, 'GET', `${base}?container=b&previous=true`)).json.message).toBe(`previous terminated container "b" in pod "${n}" not found`);
  const t0 = Date.now();
  const follow = await call(c, 'GET', `${base}?container=a&follow=true`);
  expect(follow.text).toMatch(/error: exiting with code 1\n$/);
  expect(Date.now() - t0).toBeLessThan(3000);
});

it('graceful deletion: Terminating (deletionTimestamp), Killing event, then gone', async () => {
  const n = pod({});
  await c.waitFor(() => cs(n)?.ready === true, 15_000);
  const r = await call(c, 'DELETE', `/api/v1/namespaces/k/pods/${n}`);
  expect(r.json.metadata.deletionTimestamp).toBeDefined();
  await c.waitFor(() => !get(n), 15_000, 'pod removed');
});
