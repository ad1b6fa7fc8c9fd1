import { assertNoLeak, runAction, type Cluster } from '@dantaro/testkit';
import { deployment, IMG_V1, IMG_V2, imagesOf, rollout, sandbox, seed, writes } from './sandbox';

// Pre-flight: anything wrong → a clear error and not a single write (cluster.requests proves it).
let cluster: Cluster;
beforeAll(async () => {
  cluster = await sandbox();
  await seed(cluster, [deployment('g', 'backend'), deployment('g', 'worker'), deployment('g', 'frozen')]);
  cluster.apply(deployment('g', 'frozen', { paused: true }));
});
afterAll(() => cluster?.stop());
beforeEach(() => {
  cluster.requests.length = 0;
});

it('a missing Deployment: nothing patched, every problem named', async () => {
  const run = await rollout(cluster, { namespace: 'g', deployments: 'backend,ghost', images: IMG_V2 });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('pre-flight failed, nothing was changed');
  expect(run.stdout).toContain('deployment "ghost" not found in namespace "g"');
  expect(writes(cluster)).toEqual([]);
  expect(cluster.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  expect(imagesOf(cluster, 'g', 'backend')).toEqual([IMG_V1]);
});

it('a missing named container: nothing patched, the containers that exist are listed', async () => {
  const run = await rollout(cluster, { namespace: 'g', deployments: 'backend,worker', images: `api=${IMG_V2}` });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('container "api" (input "images") is in none of the deployments (backend: backend; worker: worker)');
  expect(cluster.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
});

it('a paused Deployment is refused, naming it', async () => {
  const run = await rollout(cluster, { namespace: 'g', deployments: 'backend,frozen', images: IMG_V2 });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('deployment "frozen" is paused: resume it first (kubectl rollout resume deployment/frozen -n g)');
  expect(cluster.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  expect(imagesOf(cluster, 'g', 'backend')).toEqual([IMG_V1]);
});

it('RBAC 403 on patch: named verb/resource, access-entry hint, no write, token not leaked', async () => {
  cluster.addToken('ci-readonly-token-0123456789', { user: 'ci', forbid: [{ verb: 'patch', resource: 'deployments' }] });
  const run = await rollout(cluster, { namespace: 'g', deployments: 'backend', images: IMG_V2, kubeconfig: cluster.kubeconfig({ token: 'ci-readonly-token-0123456789' }) });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('forbidden: cannot patch deployments.apps in namespace "g"');
  expect(run.stdout).toMatch(/Hint: .*access entry/);
  expect(writes(cluster)).toEqual([]);
  expect(imagesOf(cluster, 'g', 'backend')).toEqual([IMG_V1]);
  assertNoLeak(run, ['ci-readonly-token-0123456789', cluster.token]);
});

it('RBAC 403 on listing pods is caught in pre-flight too', async () => {
  cluster.addToken('ci-nopods-token-0123456789', { user: 'ci2', forbid: [{ verb: 'list', resource: 'pods' }] });
  const run = await rollout(cluster, { namespace: 'g', deployments: 'backend', images: IMG_V2, kubeconfig: cluster.kubeconfig({ token: 'ci-nopods-token-0123456789' }) });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('forbidden: cannot list pods in namespace "g"');
  expect(writes(cluster)).toEqual([]);
});

it.each([
  [{ images: IMG_V2, deployments: 'backend' }, 'input "cluster-name" (with "region") or input "kubeconfig" is required'],
  [{ kubeconfig: 'x', 'cluster-name': 'c', images: IMG_V2, deployments: 'backend' }, 'not both'],
  [{ kubeconfig: 'K', images: IMG_V2 }, 'input "deployments" or "selector" is required'],
  [{ kubeconfig: 'K', images: 'Not An Image', deployments: 'backend' }, 'input "images": "Not An Image" is not a valid image reference'],
  [{ kubeconfig: 'K', images: IMG_V2, deployments: 'backend', timeout: 'soon' }, 'input "timeout": "soon" is not valid'],
  [{ kubeconfig: 'K', images: IMG_V2, deployments: 'backend', 'crashloop-restarts': '0' }, 'input "crashloop-restarts"'],
  [{ 'cluster-name': 'c', images: IMG_V2, deployments: 'backend' }, 'input "region" is required with "cluster-name"'],
])('bad input %# fails before any request', async (inputs, message) => {
  const kc = cluster.kubeconfig();
  const run = await runAction('eks-rollout', { inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v === 'K' ? kc : v])), env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined } });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(message);
  expect(cluster.requests).toEqual([]);
});
