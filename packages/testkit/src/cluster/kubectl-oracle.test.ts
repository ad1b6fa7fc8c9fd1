// The oracle: real kubectl 1.32 against the simulator. `kubectl rollout status` must print its
// real verdicts (pkg/polymorphichelpers/rollout_status.go) for the states our controllers reach,
// and the everyday commands (create, get -w, set image, rollout undo/history, logs, delete) work.
// If kubectl is missing this suite FAILS: it is the reference the rollout package is checked against.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { tempDir, removeDir } from '../process';
import { type Cluster, startCluster } from './index';
import { deployment } from './test-client';

const run = promisify(execFile);
const KUBECTL = process.env.KUBECTL ?? 'kubectl';
let c: Cluster;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const probe = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error(`kubectl is required for the oracle tests but "${KUBECTL} version --client" failed: ${probe.error?.message ?? probe.stderr}. Install kubectl 1.32 (or set KUBECTL).`);
  c = await startCluster({ timeScale: 50, imageExists: async (image) => !image.endsWith(':missing') });
  c.kubelet.behave({ image: /:broken$/ }, 'never-ready');
  // a crash before its readiness delay: like a probed app that dies during start-up
  c.kubelet.behave({ image: /:crash$/ }, 'crashloop,run=1s,ready-after=5s');
  dir = tempDir('kubectl-oracle');
  c.writeKubeconfig(join(dir, 'kubeconfig'));
  env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') };
});
afterAll(async () => {
  await c?.stop();
  if (dir) removeDir(dir);
});

async function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(KUBECTL, args, { env, timeout: 30_000 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e: any) {
    return { code: typeof e.code === 'number' ? e.code : -1, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}

const status = (name: string, ...extra: string[]) => kubectl('rollout', 'status', `deployment/${name}`, '--watch=false', ...extra);
const dep = (name: string) => c.get('deployments', 'default', name)!;
const settled = (name: string, pred: (s: any, d: any) => boolean, what: string) => c.waitFor(() => !!c.get('deployments', 'default', name) && pred(dep(name).status ?? {}, dep(name)), 15_000, `${name}: ${what}`);
const complete = (name: string) => settled(name, (s, d) => s.observedGeneration === d.metadata.generation && s.updatedReplicas === d.spec.replicas && s.availableReplicas === d.spec.replicas && (s.replicas ?? 0) === d.spec.replicas, 'complete');
const waiting = (name: string, msg: string) => ({ code: 0, out: `Waiting for deployment "${name}" rollout to finish: ${msg}\n`, err: '' });

function applyFile(name: string, obj: unknown): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, stringify(obj));
  return f;
}

async function create(name: string, opts: Parameters<typeof deployment>[1] = {}): Promise<void> {
  const r = await kubectl('create', '-f', applyFile(name, deployment(name, opts)));
  expect(r).toMatchObject({ code: 0, out: `deployment.apps/${name} created\n` });
}

describe('kubectl rollout status verdicts', () => {
  it('generation not yet observed', async () => {
    c.controllers.pause();
    try {
      await create('unobserved');
      expect(await status('unobserved')).toEqual({ code: 0, out: 'Waiting for deployment spec update to be observed...\n', err: '' });
    } finally {
      c.controllers.resume();
    }
  });

  it('complete, then successfully rolled out (waits with --timeout)', async () => {
    await create('done');
    const r = await kubectl('rollout', 'status', 'deployment/done', '--timeout=20s');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').pop()).toBe('deployment "done" successfully rolled out');
    expect(await status('done')).toEqual({ code: 0, out: 'deployment "done" successfully rolled out\n', err: '' });
  });

  it('new replicas being updated (maxUnavailable 0, new pods never ready)', async () => {
    await create('progress', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    await complete('progress');
    expect((await kubectl('set', 'image', 'deployment/progress', 'app=registry.local/app:broken')).code).toBe(0);
    await settled('progress', (s) => s.updatedReplicas === 1 && s.replicas === 4, '1 updated');
    expect(await status('progress')).toEqual(waiting('progress', '1 out of 3 new replicas have been updated...'));
  });

  it('old replicas pending termination (1 replica, surge 1)', async () => {
    await create('pending-old', { replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    await complete('pending-old');
    await kubectl('set', 'image', 'deployment/pending-old', 'app=registry.local/app:broken');
    await settled('pending-old', (s) => s.updatedReplicas === 1 && s.replicas === 2, 'surged');
    expect(await status('pending-old')).toEqual(waiting('pending-old', '1 old replicas are pending termination...'));
  });

  it('updated but not all available', async () => {
    await create('partial');
    await complete('partial');
    const undo = c.kubelet.behave({ labelSelector: 'app=partial' }, 'never-ready');
    const victim = c.list('pods', 'default').find((p) => p.metadata.labels?.app === 'partial')!;
    await kubectl('delete', 'pod', victim.metadata.name!, '--wait=false');
    await settled('partial', (s) => s.updatedReplicas === 3 && s.replicas === 3 && s.availableReplicas === 2, '2 available');
    undo();
    expect(await status('partial')).toEqual(waiting('partial', '2 of 3 updated replicas are available...'));
  });

  it('progress deadline exceeded is an error (exit 1)', async () => {
    await create('deadline', { image: 'registry.local/app:broken', extra: { progressDeadlineSeconds: 30 } });
    await settled('deadline', (s) => s.conditions?.some((x: any) => x.reason === 'ProgressDeadlineExceeded'), 'deadline');
    const r = await status('deadline');
    expect(r).toEqual({ code: 1, out: '', err: 'error: deployment "deadline" exceeded its progress deadline\n' });
    const cond = dep('deadline').status.conditions.find((x: any) => x.type === 'Progressing');
    expect(cond).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: expect.stringMatching(/^ReplicaSet "deadline-\w+" has timed out progressing\.$/) });
  });

  it('scaled to zero is rolled out', async () => {
    await create('zero', { replicas: 0 });
    await complete('zero');
    expect(await status('zero')).toEqual({ code: 0, out: 'deployment "zero" successfully rolled out\n', err: '' });
  });

  it('paused: the template change is observed but no new replicas come', async () => {
    await create('paused');
    await complete('paused');
    await kubectl('set', 'image', 'deployment/paused', 'app=registry.local/app:v2');
    await settled('paused', (s, d) => d.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2', 'revision 2');
    await complete('paused');
    expect((await kubectl('rollout', 'pause', 'deployment/paused')).out).toBe('deployment.apps/paused paused\n');
    await kubectl('set', 'image', 'deployment/paused', 'app=registry.local/app:v3');
    await settled('paused', (s, d) => s.observedGeneration === d.metadata.generation, 'observed');
    expect(await status('paused')).toEqual(waiting('paused', '0 out of 3 new replicas have been updated...'));
    expect(dep('paused').status.conditions.find((x: any) => x.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' });
    expect((await kubectl('rollout', 'undo', 'deployment/paused')).err).toContain("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    await kubectl('rollout', 'resume', 'deployment/paused');
    await complete('paused');
    expect(await status('paused')).toEqual({ code: 0, out: 'deployment "paused" successfully rolled out\n', err: '' });
  });

  it('Recreate: old pods go first, then the new ones', async () => {
    await create('recreate', { strategy: { type: 'Recreate' } });
    await complete('recreate');
    await kubectl('set', 'image', 'deployment/recreate', 'app=registry.local/app:broken');
    await settled('recreate', (s) => s.updatedReplicas === 3 && s.replicas === 3 && !s.availableReplicas, 'recreated');
    expect(await status('recreate')).toEqual(waiting('recreate', '0 of 3 updated replicas are available...'));
    const pods = c.list('pods', 'default').filter((p) => p.metadata.labels?.app === 'recreate');
    expect(pods.every((p) => p.spec.containers[0].image === 'registry.local/app:broken')).toBe(true);
  });

  it('crashloop: CrashLoopBackOff with restarts, logs --previous, and rollback with undo', async () => {
    await create('crashy', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    await complete('crashy');
    await kubectl('set', 'image', 'deployment/crashy', 'app=registry.local/app:crash');
    const crashing = () => c.list('pods', 'default').find((p) => p.spec.containers[0].image.endsWith(':crash'));
    await c.waitFor(() => (crashing()?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 && crashing()?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 15_000, 'crashloop');
    // hold the pod in its back-off while kubectl looks (the next restart would otherwise race the reads)
    c.controllers.pause();
    try {
      expect(await status('crashy')).toEqual(waiting('crashy', '1 out of 3 new replicas have been updated...'));
      const pod = crashing()!.metadata.name!;
      const reason = await kubectl('get', 'pod', pod, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason} {.status.containerStatuses[0].lastState.terminated.exitCode}');
      expect(reason.out).toBe('CrashLoopBackOff 1');
      const prev = await kubectl('logs', pod, '--previous');
      expect(prev.out).toMatch(/^starting app \(registry\.local\/app:crash\), attempt \d\nerror: exiting with code 1\n$/);
    } finally {
      c.controllers.resume();
    }
    expect((await kubectl('rollout', 'undo', 'deployment/crashy')).out).toBe('deployment.apps/crashy rolled back\n');
    await complete('crashy');
    expect(await status('crashy')).toEqual({ code: 0, out: 'deployment "crashy" successfully rolled out\n', err: '' });
    const hist = await kubectl('rollout', 'history', 'deployment/crashy');
    expect(hist.out).toBe('deployment.apps/crashy \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
    expect(dep('crashy').spec.template.spec.containers[0].image).toBe('registry.local/app:v1');
    const rs = c.list('replicasets', 'default').filter((r) => r.metadata.labels?.app === 'crashy');
    expect(rs).toHaveLength(2); // the rollback reused the first ReplicaSet
    expect(rs.find((r) => r.spec.template.spec.containers[0].image.endsWith(':v1'))!.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
  });

  it('image pull failure: ErrImagePull then ImagePullBackOff; the rollout waits', async () => {
    await create('pullfail', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    await complete('pullfail');
    await kubectl('set', 'image', 'deployment/pullfail', 'app=registry.local/app:missing');
    const bad = () => c.list('pods', 'default').find((p) => p.spec.containers[0].image.endsWith(':missing'));
    await c.waitFor(() => bad()?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff', 15_000, 'ImagePullBackOff');
    expect(await status('pullfail')).toEqual(waiting('pullfail', '1 out of 3 new replicas have been updated...'));
    const events = await kubectl('get', 'events', '--field-selector', `involvedObject.name=${bad()!.metadata.name}`, '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}');
    expect(events.out.split('\n')).toEqual(expect.arrayContaining(['Scheduled', 'Pulling', 'Failed', 'BackOff']));
    const logs = await kubectl('logs', bad()!.metadata.name!);
    expect(logs.err).toContain(`container "app" in pod "${bad()!.metadata.name}" is waiting to start: image can't be pulled`);
  });

  it('--revision pins the revision', async () => {
    const r = await status('done', '--revision=7');
    expect(r).toEqual({ code: 1, out: '', err: 'error: desired revision (7) is different from the running revision (1)\n' });
  });
});

describe('everyday kubectl commands', () => {
  it('get -w streams changes until killed', async () => {
    await create('watched', { replicas: 1 });
    await complete('watched');
    const child = spawn(KUBECTL, ['get', 'deployments', '-w', '--field-selector', 'metadata.name=watched', '-o', 'jsonpath={.spec.replicas}{"\\n"}'], { env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await c.waitFor(() => out.includes('1\n'), 10_000, 'first line');
    await kubectl('scale', 'deployment/watched', '--replicas=2');
    await c.waitFor(() => out.split('\n').includes('2'), 10_000, 'scaled line');
    child.kill('SIGTERM');
    expect(out.split('\n')[0]).toBe('1');
  });

  it('logs of a deployment, get, and delete (waits for the object to go)', async () => {
    const logs = await kubectl('logs', 'deployment/watched');
    expect(logs.out).toBe('starting app (registry.local/app:v1), attempt 1\nlistening on :8080\n');
    const got = await kubectl('get', 'deployment', 'watched', '-o', 'jsonpath={.status.readyReplicas}/{.spec.replicas}');
    expect(got.out).toBe('2/2');
    const del = await kubectl('delete', 'deployment', 'watched');
    expect(del).toMatchObject({ code: 0, out: 'deployment.apps "watched" deleted\n' });
    await c.waitFor(() => !c.list('pods', 'default').some((p) => p.metadata.labels?.app === 'watched'), 10_000, 'pods gone');
  });

  it('apply (client-side) creates then patches without --validate=false', async () => {
    const f = applyFile('applied', deployment('applied', { replicas: 1 }));
    expect((await kubectl('apply', '-f', f)).out).toBe('deployment.apps/applied created\n');
    writeFileSync(f, stringify(deployment('applied', { replicas: 2, image: 'registry.local/app:v2' })));
    const r = await kubectl('apply', '-f', f);
    expect(r).toMatchObject({ code: 0, out: 'deployment.apps/applied configured\n' });
    expect(dep('applied').spec).toMatchObject({ replicas: 2, template: { spec: { containers: [{ image: 'registry.local/app:v2' }] } } });
  });
});
