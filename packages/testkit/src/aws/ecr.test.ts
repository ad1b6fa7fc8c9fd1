import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import { stopAll } from '../process';
import { containerTools, type ContainerTools } from '../registry/container-tools';
import { startRegistry, type Registry } from '../registry/registry';
import { startAws, type Aws } from './aws';

const credentials = { accessKeyId: 'AKIASANDBOXECR000001', secretAccessKey: 'sandbox-secret-key-ecr' };
let reg: Registry;
let aws: Aws;
let tools: ContainerTools;
let ecr: ECRClient;
let authFile: string;

// the SDK finds the endpoint through AWS_ENDPOINT_URL_ECR, exactly as the action will
function client(over: Partial<typeof credentials> = {}, maxAttempts = 3): ECRClient {
  return new ECRClient({ region: aws.region, credentials: { ...credentials, ...over }, maxAttempts });
}

beforeAll(async () => {
  reg = await startRegistry({ htpasswd: [{ user: 'AWS', password: 'ecr-token-password-1' }] });
  aws = await startAws({ registry: reg, credentials, region: 'eu-west-1' });
  Object.assign(process.env, aws.env());
  tools = containerTools();
  ecr = client();
  authFile = reg.authFile();
});
afterAll(async () => {
  for (const k of Object.keys(aws.env())) delete process.env[k];
  await aws.stop();
  await stopAll();
});

// an auth file for the ECR registry endpoint (the front proxy), same AWS user
const frontAuth = () => reg.authFile({ host: aws.registryHost });

test('GetAuthorizationToken: AWS:<password> that opens the registry at proxyEndpoint; request was SigV4-signed', async () => {
  const out = await ecr.send(new GetAuthorizationTokenCommand({}));
  const data = out.authorizationData![0];
  expect(data.proxyEndpoint).toBe(`http://${aws.registryHost}`);
  expect(data.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 11 * 3600_000);
  const [user, password] = Buffer.from(data.authorizationToken!, 'base64').toString('utf8').split(':');
  expect(user).toBe('AWS');
  const res = await fetch(`${data.proxyEndpoint}/v2/`, { headers: { authorization: `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}` } });
  expect(res.status).toBe(200);
  expect(aws.requests.at(-1)).toMatchObject({ service: 'ecr', operation: 'GetAuthorizationToken', accessKeyId: credentials.accessKeyId, signatureValid: true, status: 200 });
});

test('signature is checked: wrong secret → InvalidSignatureException, unknown key → UnrecognizedClientException', async () => {
  await expect(client({ secretAccessKey: 'wrong' }).send(new GetAuthorizationTokenCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
  await expect(client({ accessKeyId: 'AKIAOTHER' }).send(new GetAuthorizationTokenCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
});

test('CreateRepository / DescribeRepositories / PutLifecyclePolicy, and RepositoryNotFoundException', async () => {
  await expect(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['svc/api'] }))).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
  const created = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/api', imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } }));
  expect(created.repository).toMatchObject({ repositoryName: 'svc/api', repositoryUri: `${aws.registryHost}/svc/api`, imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } });
  expect(created.repository!.createdAt).toBeInstanceOf(Date);
  await expect(ecr.send(new CreateRepositoryCommand({ repositoryName: 'svc/api' }))).rejects.toMatchObject({ name: 'RepositoryAlreadyExistsException' });
  const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['svc/api'] }));
  expect(described.repositories![0].imageTagMutability).toBe('IMMUTABLE');
  const policy = JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } }] });
  await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'svc/api', lifecyclePolicyText: policy }));
  expect((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'svc/api' }))).lifecyclePolicyText).toBe(policy);
  await expect(ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'svc/api', lifecyclePolicyText: '{}' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
});

test('pushes need the repository to exist (NAME_UNKNOWN), as on ECR', async () => {
  await expect(tools.pushScratchImage(`${aws.registryHost}/nope/missing:v1`, { authFile: frontAuth() })).rejects.toThrow(/does not exist in the registry/);
});

test('DescribeImages / BatchGetImage are answered from the real registry; ImageNotFoundException', async () => {
  aws.ecr.create('svc/web');
  const auth = frontAuth();
  const digest = await tools.pushScratchImage(`${aws.registryHost}/svc/web:abc`, { authFile: auth });
  await tools.pushScratchImage(`${aws.registryHost}/svc/web:abc2`, { authFile: auth, content: 'other' });
  const one = await ecr.send(new DescribeImagesCommand({ repositoryName: 'svc/web', imageIds: [{ imageTag: 'abc' }] }));
  expect(one.imageDetails).toHaveLength(1);
  expect(one.imageDetails![0]).toMatchObject({ imageDigest: digest, imageTags: ['abc'], imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json' });
  expect(one.imageDetails![0].imageSizeInBytes).toBeGreaterThan(0);
  expect(one.imageDetails![0].imagePushedAt).toBeInstanceOf(Date);
  expect(await tools.remoteDigest(`${reg.host}/svc/web:abc`, authFile)).toBe(digest);
  const all = await ecr.send(new DescribeImagesCommand({ repositoryName: 'svc/web' }));
  expect(all.imageDetails!.flatMap((d) => d.imageTags).sort()).toEqual(['abc', 'abc2']);
  await expect(ecr.send(new DescribeImagesCommand({ repositoryName: 'svc/web', imageIds: [{ imageTag: 'zzz' }] }))).rejects.toMatchObject({ name: 'ImageNotFoundException' });
  const got = await ecr.send(new BatchGetImageCommand({ repositoryName: 'svc/web', imageIds: [{ imageTag: 'abc' }, { imageTag: 'zzz' }] }));
  expect(got.images![0].imageId).toEqual({ imageDigest: digest, imageTag: 'abc' });
  expect(JSON.parse(got.images![0].imageManifest!).layers).toHaveLength(1);
  expect(got.failures).toEqual([{ imageId: { imageTag: 'zzz' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }]);
});

test('IMMUTABLE: overwriting a tag with another manifest → TAG_INVALID; the same manifest is accepted', async () => {
  aws.ecr.create('svc/locked', { imageTagMutability: 'IMMUTABLE' });
  const auth = frontAuth();
  const ref = `${aws.registryHost}/svc/locked:v1`;
  const first = await tools.pushScratchImage(ref, { authFile: auth, content: 'one' });
  await expect(tools.pushScratchImage(ref, { authFile: auth, content: 'two' })).rejects.toThrow(/tag invalid: The image tag 'v1' already exists in the 'svc\/locked' repository and cannot be overwritten because the repository is immutable/);
  // same content + --layers cache → the identical manifest: accepted
  expect(await tools.pushScratchImage(ref, { authFile: auth, content: 'one' })).toBe(first);
  expect(await tools.remoteDigest(`${reg.host}/svc/locked:v1`, authFile)).toBe(first);
});

test('ThrottlingException on demand: the SDK retries it; with one attempt it surfaces', async () => {
  aws.faults.throttle('ecr', 'DescribeRepositories', 1);
  const before = aws.requests.length;
  await ecr.send(new DescribeRepositoriesCommand({}));
  expect(aws.requests.slice(before).map((r) => r.errorCode ?? r.status)).toEqual(['ThrottlingException', 200]);
  aws.faults.throttle('ecr', 'DescribeRepositories', 1);
  await expect(client({}, 1).send(new DescribeRepositoriesCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException' });
});
