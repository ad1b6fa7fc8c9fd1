import { existsSync, readFileSync, statSync } from 'node:fs';
import { Secrets, memoryLogger } from '@dantaro/core';
import { containerTools, startAws, startRegistry, stopAll, type Aws, type ContainerTools } from '@dantaro/testkit';
import { createEcrClient } from './client';
import { getEcrAuthorization, makeAuthDir, removeAuthDir, writeRegistryAuth } from './auth';
import { describeImage, tagDigests } from './images';
import { ensureRepository, UNTAGGED_LIFECYCLE_POLICY } from './repository';
import { GetLifecyclePolicyCommand } from '@aws-sdk/client-ecr';

const PASSWORD = 'canary-ecr-password-7f3a';
const credentials = { accessKeyId: 'AKIAECRPKGTEST000001', secretAccessKey: 'ecr-package-test-secret' };
let aws: Aws;
let tools: ContainerTools;
const saved = { ...process.env };

beforeAll(async () => {
  const registry = await startRegistry({ htpasswd: [{ user: 'AWS', password: PASSWORD }] });
  aws = await startAws({ registry, credentials, region: 'eu-central-1' });
  Object.assign(process.env, aws.env());
  tools = containerTools();
});
afterAll(async () => {
  process.env = saved;
  await aws.stop();
  await stopAll();
});

test('getEcrAuthorization masks the password at once and writes it only to a 0600 file', async () => {
  const masked: string[] = [];
  const secrets = new Secrets((v) => masked.push(v));
  const auth = await getEcrAuthorization(createEcrClient(), secrets);
  expect(auth).toMatchObject({ registry: aws.registryHost, username: 'AWS', password: PASSWORD, insecure: true });
  expect(masked).toContain(PASSWORD);
  expect(secrets.redact(`token ${Buffer.from(`AWS:${PASSWORD}`).toString('base64')}`)).toBe('token ***');

  const files = makeAuthDir();
  writeRegistryAuth(files, [auth.registry], auth);
  expect(statSync(files.dir).mode & 0o777).toBe(0o700);
  expect(statSync(files.file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(files.file, 'utf8')).auths[aws.registryHost].auth).toBe(Buffer.from(`AWS:${PASSWORD}`).toString('base64'));
  // the file really opens the ECR registry endpoint
  await tools.pushScratchImage(`${aws.registryHost}/probe/auth:x`, { authFile: files.file }).catch((e) => expect(String(e)).toMatch(/does not exist in the registry/));
  expect(removeAuthDir(files.dir)).toBe(true);
  expect(existsSync(files.dir)).toBe(false);
});

test('auth failures become a UserError naming ecr:GetAuthorizationToken, with no retry', async () => {
  aws.faults.add({ service: 'ecr', operation: 'GetAuthorizationToken', code: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:GetAuthorizationToken', times: 5 });
  const before = aws.requests.length;
  const err = await getEcrAuthorization(createEcrClient(), new Secrets()).catch((e) => e);
  aws.faults.clear();
  expect(err.name).toBe('UserError');
  expect(err.message).toMatch(/GetAuthorizationToken was refused by AWS \(AccessDeniedException\)/);
  expect(err.hint).toMatch(/ecr:GetAuthorizationToken/);
  expect(aws.requests.length - before).toBe(1);
});

test('ensureRepository: missing without create → UserError; with create → IMMUTABLE, scan on push, lifecycle policy', async () => {
  const ecr = createEcrClient();
  const log = memoryLogger();
  await expect(ensureRepository(ecr, 'team/new', { create: false, log })).rejects.toThrow('ECR repository "team/new" does not exist');
  const made = await ensureRepository(ecr, 'team/new', { create: true, log });
  expect(made).toEqual({ name: 'team/new', uri: `${aws.registryHost}/team/new`, immutable: true, scanOnPush: true, created: true });
  expect((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'team/new' }))).lifecyclePolicyText).toBe(UNTAGGED_LIFECYCLE_POLICY);
  expect(await ensureRepository(ecr, 'team/new', { create: true, log })).toMatchObject({ created: false, immutable: true });
});

test('ensureRepository survives a throttled DescribeRepositories (SDK retries)', async () => {
  aws.ecr.create('team/throttled');
  aws.faults.throttle('ecr', 'DescribeRepositories', 2);
  expect(await ensureRepository(createEcrClient(), 'team/throttled', { create: false, log: memoryLogger() })).toMatchObject({ immutable: false, created: false });
});

test('tagDigests and describeImage read what is in the registry', async () => {
  aws.ecr.create('team/img');
  const files = makeAuthDir();
  writeRegistryAuth(files, [aws.registryHost], { username: 'AWS', password: PASSWORD });
  const digest = await tools.pushScratchImage(`${aws.registryHost}/team/img:sha1`, { authFile: files.file });
  const ecr = createEcrClient();
  expect(await tagDigests(ecr, 'team/img', ['sha1', 'missing'])).toEqual(new Map([['sha1', digest]]));
  const img = await describeImage(ecr, 'team/img', { tag: 'sha1' });
  expect(img).toMatchObject({ digest, tags: ['sha1'] });
  expect(img!.sizeBytes).toBeGreaterThan(0);
  expect(await describeImage(ecr, 'team/img', { tag: 'missing' })).toBeUndefined();
  removeAuthDir(files.dir);
});
