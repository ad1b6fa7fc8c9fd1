import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { stopAll } from '../process';
import { startRegistry } from '../registry/registry';
import { startAws, type Aws } from './aws';

const credentials = { accessKeyId: 'AKIASANDBOXEKS000001', secretAccessKey: 'sandbox-secret-key-eks', sessionToken: 'session-token-1' };
let aws: Aws;

beforeAll(async () => {
  const registry = await startRegistry({ htpasswd: [{ user: 'AWS', password: 'pw-eks-test' }] });
  aws = await startAws({ registry, credentials, region: 'ap-northeast-2', clusters: { prod: { endpoint: 'https://127.0.0.1:6443', caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } } });
});
afterAll(async () => {
  await aws.stop();
  await stopAll();
});

const eks = (c = credentials) => new EKSClient({ region: aws.region, endpoint: aws.endpoints.eks, credentials: c });
const sts = (c = credentials) => new STSClient({ region: aws.region, endpoint: aws.endpoints.sts, credentials: c });

test('EKS DescribeCluster returns the configured endpoint and CA (base64); setCluster adds one', async () => {
  const out = await eks().send(new DescribeClusterCommand({ name: 'prod' }));
  expect(out.cluster).toMatchObject({ name: 'prod', endpoint: 'https://127.0.0.1:6443', status: 'ACTIVE', arn: `arn:aws:eks:ap-northeast-2:${aws.accountId}:cluster/prod` });
  expect(Buffer.from(out.cluster!.certificateAuthority!.data!, 'base64').toString()).toContain('BEGIN CERTIFICATE');
  aws.setCluster('staging', { endpoint: 'https://127.0.0.1:7443', caPem: 'PEM' });
  expect((await eks().send(new DescribeClusterCommand({ name: 'staging' }))).cluster!.endpoint).toBe('https://127.0.0.1:7443');
  expect(aws.requests.at(-1)).toMatchObject({ service: 'eks', operation: 'DescribeCluster', signatureValid: true, accessKeyId: credentials.accessKeyId });
});

test('EKS ResourceNotFoundException and signature failures', async () => {
  await expect(eks().send(new DescribeClusterCommand({ name: 'nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'No cluster found for name: nope.' });
  await expect(eks({ ...credentials, secretAccessKey: 'x' }).send(new DescribeClusterCommand({ name: 'prod' }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
  await expect(eks({ ...credentials, sessionToken: 'other' }).send(new DescribeClusterCommand({ name: 'prod' }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
});

test('STS GetCallerIdentity (query protocol, XML) and its errors', async () => {
  const id = await sts().send(new GetCallerIdentityCommand({}));
  expect(id).toMatchObject({ Account: aws.accountId, Arn: `arn:aws:iam::${aws.accountId}:user/sandbox` });
  await expect(sts({ ...credentials, accessKeyId: 'AKIAWRONG' }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
  aws.faults.add({ service: 'sts', operation: 'GetCallerIdentity', code: 'AccessDenied', status: 403, message: 'not allowed' });
  await expect(sts().send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
});

test('a presigned GetCallerIdentity URL (the EKS token shape) verifies', async () => {
  const url = new URL(aws.endpoints.sts);
  const signer = new SignatureV4({ credentials, region: aws.region, service: 'sts', sha256: Sha256 });
  const signed = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: url.host, 'x-k8s-aws-id': 'prod' } },
    { expiresIn: 60 },
  );
  const qs = new URLSearchParams(signed.query as Record<string, string>).toString();
  const res = await fetch(`${aws.endpoints.sts}/?${qs}`, { headers: { 'x-k8s-aws-id': 'prod' } });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain(`<Account>${aws.accountId}</Account>`);
  const tampered = await fetch(`${aws.endpoints.sts}/?${qs}`, { headers: { 'x-k8s-aws-id': 'other' } });
  expect(tampered.status).toBe(403);
});
