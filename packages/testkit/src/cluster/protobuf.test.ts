// kubectl's generators post protobuf: check the decoder against real kubectl bodies.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeDir, tempDir } from '../process';
import { type Cluster, startCluster } from './index';

const run = promisify(execFile);
let c: Cluster;
let dir: string;
beforeAll(async () => {
  c = await startCluster({ timeScale: 50 });
  dir = tempDir('cluster-pb');
  c.writeKubeconfig(join(dir, 'kubeconfig'));
});
afterAll(async () => {
  await c.stop();
  removeDir(dir);
});
const kubectl = (...args: string[]) => run(process.env.KUBECTL ?? 'kubectl', args, { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') } });

it('kubectl create secret / configmap / namespace / deployment / job (protobuf bodies)', async () => {
  await kubectl('create', 'secret', 'generic', 'db', '--from-literal=url=postgres://x');
  expect(c.get('secrets', 'default', 'db')).toMatchObject({ type: 'Opaque', data: { url: Buffer.from('postgres://x').toString('base64') } });
  await kubectl('create', 'configmap', 'cfg', '--from-literal=a=b');
  expect(c.get('configmaps', 'default', 'cfg')!.data).toEqual({ a: 'b' });
  await kubectl('create', 'namespace', 'made');
  expect(c.get('namespaces', undefined, 'made')!.status.phase).toBe('Active');
  await kubectl('create', 'deployment', 'gen', '--image=registry.local/app:v1', '--replicas=2', '--port=80');
  const d = c.get('deployments', 'default', 'gen')!;
  expect(d.spec).toMatchObject({ replicas: 2, selector: { matchLabels: { app: 'gen' } }, strategy: { type: 'RollingUpdate' } });
  expect(d.spec.template.spec).toMatchObject({ restartPolicy: 'Always', containers: [{ name: 'app', image: 'registry.local/app:v1', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'TCP' }] }] });
  await c.waitFor(() => c.get('deployments', 'default', 'gen')!.status?.availableReplicas === 2, 5000);
  await kubectl('create', 'job', 'once', '--image=registry.local/tool:1', '--', 'echo', 'hi');
  expect(c.get('jobs', 'default', 'once')!.spec.template.spec).toMatchObject({ restartPolicy: 'Never', containers: [{ command: ['echo', 'hi'] }] });
  await c.waitFor(() => c.get('jobs', 'default', 'once')!.status?.succeeded === 1, 5000);
});
