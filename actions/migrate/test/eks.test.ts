import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoLeak, runAction, startAws, startCluster, startRegistry, stopAll, type Aws, type Cluster, type KObject } from '@dantaro/testkit';
import { imageFor } from './helpers';

// The EKS path (cluster-name + region): DescribeCluster and an STS-presigned token through the real
// SDK against the sandbox's AWS, the token checked by the cluster simulator. The AWS secrets are canaries.
const credentials = { accessKeyId: 'AKIASANDBOXMIGRATE01', secretAccessKey: 'migrate-secret-key-canary-1', sessionToken: 'migrate-session-token-canary-1' };
let aws: Aws;
let cluster: Cluster;

beforeAll(async () => {
  const registry = await startRegistry({ htpasswd: [{ user: 'AWS', password: 'pw-migrate-eks' }] });
  aws = await startAws({ registry, credentials, region: 'ap-northeast-2' });
  cluster = await startCluster({ eks: { clusterName: 'prod', region: 'ap-northeast-2', ...credentials, allowedHosts: [new URL(aws.endpoints.sts).host] } });
  aws.setCluster('prod', { endpoint: cluster.url, caPem: cluster.caPem });
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await aws?.stop();
  await stopAll();
});

test('migrates through EKS access (cluster-name + region) without leaking AWS credentials', async () => {
  cluster.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'eks' },
    spec: { replicas: 0, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' }, annotations: { 'sandbox.dantaro.dev/run': 'local' } }, spec: { containers: [{ name: 'api', image: 'api:old' }] } } },
  } as KObject);
  const run = await runAction('migrate', {
    inputs: { 'cluster-name': 'prod', region: 'ap-northeast-2', namespace: 'eks', image: imageFor('eks'), 'from-deployment': 'api', command: `bash -c 'echo migrated through eks'` },
    env: { ...aws.env(), RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'migrate-eks-')) },
  });
  expect(run.stdout).toContain('migrated through eks');
  expect(run.outputs.result).toBe('applied');
  expect(run.code).toBe(0);
  expect(aws.requests.some((r) => r.service === 'eks' && r.operation === 'DescribeCluster' && r.signatureValid)).toBe(true);
  assertNoLeak(run, [credentials.secretAccessKey, credentials.sessionToken]);
});
