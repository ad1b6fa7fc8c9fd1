import { assertNoLeak, runAction, startAws, startCluster, type Aws, type Cluster, type Registry } from '@dantaro/testkit';
import { deployment, digest, IMG_V2, imagesOf, REPO, seed, TIME_SCALE } from './sandbox';

// The EKS path end to end: DescribeCluster through the real SDK (AWS_ENDPOINT_URL_EKS), the token
// minted in-process and verified by the simulator's aws-iam-authenticator checks (SigV4 recomputed),
// refreshed when the server stops accepting it, and no AWS credential or token in any output.
const KEY = 'AKIACANARY0000000001';
const SECRET = 'canarySecret/0000000000000000000000000000';
const REGION = 'ap-northeast-2';
let cluster: Cluster;
let aws: Aws;
let skew = 0; // how far the authenticator's clock is ahead of ours

beforeAll(async () => {
  cluster = await startCluster({
    timeScale: TIME_SCALE,
    eks: { clusterName: 'wallet-prod', region: REGION, accessKeyId: KEY, secretAccessKey: SECRET, user: 'ci-deployer', now: () => Date.now() + skew },
  });
  // ECR is not used here: a registry stand-in satisfies startAws without starting Distribution
  const registry = { host: '127.0.0.1:9', url: 'http://127.0.0.1:9', users: [{ user: 'AWS', password: 'unused' }] } as unknown as Registry;
  aws = await startAws({ registry, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, region: REGION, clusters: { 'wallet-prod': { endpoint: cluster.url, caPem: cluster.caPem } } });
});
afterAll(async () => {
  await aws?.stop();
  await cluster?.stop();
});

function eksRun(inputs: Record<string, string>) {
  const env = aws.env();
  return runAction('eks-rollout', {
    inputs: { 'cluster-name': 'wallet-prod', region: REGION, 'image-pull-grace': '2s', timeout: '60s', ...inputs },
    // no STS override: the token names the regional STS host, as in production
    env: { ...env, AWS_ENDPOINT_URL_STS: undefined, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: REGION, AWS_PROFILE: undefined, DANTARO_WATCH_SILENCE: '3' },
    timeoutMs: 150_000,
  });
}

it('rolls out through DescribeCluster + an STS-presigned token the authenticator accepts', async () => {
  await seed(cluster, [deployment('eks', 'backend'), deployment('eks', 'celery-worker')]);
  cluster.requests.length = 0;
  const run = await eksRun({ namespace: 'eks', deployments: 'backend\ncelery-worker', images: IMG_V2 });
  expect(run.code).toBe(0);
  expect(run.outputs.result).toBe('success');
  expect(imagesOf(cluster, 'eks', 'backend')).toEqual([IMG_V2]);
  expect(aws.requests.some((r) => r.service === 'eks' && r.operation.includes('DescribeCluster') && r.signatureValid)).toBe(true);
  expect(cluster.requests.length).toBeGreaterThan(0);
  expect(cluster.requests.every((r) => r.user === 'ci-deployer')).toBe(true);
  // the token appears only in the ::add-mask:: command that tells the runner to mask it
  expect(run.all.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain('k8s-aws-v1.');
  assertNoLeak(run, [SECRET, KEY + '/']);
});

it('re-mints the token when the server stops accepting it (expiry mid-rollout)', async () => {
  await seed(cluster, [deployment('refresh', 'web')]);
  const slow = `${REPO}@${digest('e')}`;
  cluster.kubelet.behave({ image: slow }, 'ready-after=90s'); // 4.5 s of wall time at 20×
  skew = 15 * 60_000 - 2_000; // every token turns 15 minutes old 2 s after it is minted
  // watches re-open during the rollout (as they do on a real server every few minutes): each re-open
  // after the token went stale must be answered 401, then succeed with a fresh token
  cluster.faults.add({ path: '/apis/apps/v1/namespaces/refresh/deployments', watchDropAfter: 1, times: 30 });
  cluster.requests.length = 0;
  try {
    const run = await eksRun({ namespace: 'refresh', deployments: 'web', images: slow });
    expect(run.outputs.result).toBe('success');
    const rejected = cluster.requests.filter((r) => r.status === 401);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0].authError).toMatch(/expired|X-Amz-Date|15 min/i);
    // every rejected call was followed by an accepted one: a fresh token, not a failed rollout
    const lastReject = cluster.requests.lastIndexOf(rejected[rejected.length - 1]);
    expect(cluster.requests.slice(lastReject + 1).some((r) => r.status === 200 && r.user === 'ci-deployer')).toBe(true);
    assertNoLeak(run, [SECRET]);
  } finally {
    skew = 0;
    for (const f of cluster.faults.active) f.remove();
  }
});

it('an unknown cluster is a clear error', async () => {
  const run = await eksRun({ 'cluster-name': 'nope', namespace: 'eks', deployments: 'backend', images: IMG_V2 });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('EKS cluster "nope" was not found in region ap-northeast-2');
});
