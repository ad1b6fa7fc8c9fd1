import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoLeak, containerTools, repoRoot, runAction, startAws, startRegistry, stopAll, type ActionRun, type Aws, type ContainerTools, type Registry } from '@dantaro/testkit';

// End to end through dist/build-push/index.js with the real buildah, registry and SDK-facing ECR.
const PASSWORD = 'canary-registry-pw-5b1e9d';
const BUILD_SECRET = 'canary-build-secret-77aa';
const SHA = '0123456789abcdef0123456789abcdef01234567'; // runAction's GITHUB_SHA
const context = join(repoRoot, 'actions/build-push/test-fixtures/app');
let reg: Registry;
let aws: Aws;
let tools: ContainerTools;
let readAuth: string;

beforeAll(async () => {
  reg = await startRegistry({ htpasswd: [{ user: 'AWS', password: PASSWORD }] });
  aws = await startAws({ registry: reg, credentials: { accessKeyId: 'AKIABUILDPUSH0000001', secretAccessKey: 'build-push-e2e-secret' } });
  tools = containerTools();
  readAuth = reg.authFile();
});
afterAll(async () => {
  await aws.stop();
  await stopAll();
});

function action(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction('build-push', {
    inputs: { builder: 'buildah', context, ...inputs },
    env: { ...aws.env(), ...tools.env, RUNNER_TEMP: mkdtempSync(join(tmpdir(), 'runner-temp-')), ...env },
    post: true,
    timeoutMs: 90_000,
  });
}

const authDirOf = (run: ActionRun) => (JSON.parse(run.state['registry-auth'] ?? '{}') as { dir?: string }).dir;
const pushes = () => tools.calls().filter((c) => c.startsWith('buildah push') && c.includes('docker://'));
function noLeak(run: ActionRun) {
  assertNoLeak(run, [PASSWORD, BUILD_SECRET]);
  assertNoLeak({ all: tools.calls().join('\n') }, [PASSWORD, BUILD_SECRET]);
}

test('builds FROM scratch with buildah, pushes by digest; skopeo agrees; labels; secrets never leak; post removes the auth file', async () => {
  aws.ecr.create('dantaro/app');
  tools.clearCalls();
  const run = await action({ repository: 'dantaro/app', 'build-args': 'GREETING=hello', labels: 'team=wallet', secrets: `npm_token=${BUILD_SECRET}` });
  expect(run.code).toBe(0);
  const digest = run.outputs.digest;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(run.outputs.image).toBe(`${aws.registryHost}/dantaro/app@${digest}`);
  expect(JSON.parse(run.outputs.tags)).toEqual([SHA]);
  expect(run.outputs.skipped).toBe('false');
  expect(JSON.parse(run.outputs.metadata)).toMatchObject({ builder: 'buildah', digest, pushed: [SHA], skipped: false });
  expect(await tools.remoteDigest(`${reg.host}/dantaro/app:${SHA}`, readAuth)).toBe(digest);
  expect(await reg.imageLabels(`dantaro/app:${SHA}`)).toMatchObject({
    greeting: 'hello',
    team: 'wallet',
    'org.opencontainers.image.revision': SHA,
    'org.opencontainers.image.source': 'https://github.com/dantaro/wallet',
    'org.opencontainers.image.version': SHA,
  });
  expect(run.summary).toContain(digest);
  expect(run.summary).toMatch(/built and pushed/);
  expect(run.stdout).toContain('::group::Build (buildah)');
  expect(tools.calls().some((c) => c.startsWith('buildah bud') && c.includes('--secret id=npm_token,env=DANTARO_BUILD_SECRET_0'))).toBe(true);
  const dir = authDirOf(run);
  expect(dir).toBeTruthy();
  expect(existsSync(dir!)).toBe(false);
  noLeak(run);
});

test('skip-if-exists: the first tag exists → no build at all; missing tags are added to the existing image', async () => {
  const before = await tools.remoteDigest(`${reg.host}/dantaro/app:${SHA}`, readAuth);
  tools.clearCalls();
  const run = await action({ repository: 'dantaro/app', tags: `${SHA}\n1.4.0` });
  expect(run.code).toBe(0);
  expect(run.outputs.skipped).toBe('true');
  expect(run.outputs.digest).toBe(before);
  expect(tools.calls()).toEqual([]); // not one buildah (or skopeo) process
  expect(await tools.remoteDigest(`${reg.host}/dantaro/app:1.4.0`, readAuth)).toBe(before);
  expect(run.summary).toMatch(/build skipped/);
  expect(existsSync(authDirOf(run)!)).toBe(false);
  noLeak(run);
});

test('IMMUTABLE: an existing tag with another digest fails naming both digests, before any push', async () => {
  aws.ecr.create('dantaro/locked', { imageTagMutability: 'IMMUTABLE' });
  const theirs = await tools.pushScratchImage(`${aws.registryHost}/dantaro/locked:v1`, { authFile: reg.authFile({ host: aws.registryHost }), content: 'someone else' });
  tools.clearCalls();
  const run = await action({ repository: 'dantaro/locked', tags: 'v1', 'skip-if-exists': 'false' });
  expect(run.code).not.toBe(0);
  expect(run.stdout).toMatch(new RegExp(`tag "v1" already exists in .*dantaro/locked with digest ${theirs}, but this build produced sha256:[0-9a-f]{64}`));
  expect(pushes()).toEqual([]);
  expect(await tools.remoteDigest(`${reg.host}/dantaro/locked:v1`, readAuth)).toBe(theirs);
  expect(existsSync(authDirOf(run)!)).toBe(false);
  noLeak(run);
});

test('IMMUTABLE: re-pushing the identical image (reproducible build) is success', async () => {
  aws.ecr.create('dantaro/repro', { imageTagMutability: 'IMMUTABLE' });
  const env = { SOURCE_DATE_EPOCH: '1767225600' };
  const first = await action({ repository: 'dantaro/repro', tags: 'rel-1', 'skip-if-exists': 'false' }, env);
  expect(first.code).toBe(0);
  tools.clearCalls();
  const again = await action({ repository: 'dantaro/repro', tags: 'rel-1', 'skip-if-exists': 'false' }, env);
  expect(again.code).toBe(0);
  expect(again.outputs.digest).toBe(first.outputs.digest);
  expect(JSON.parse(again.outputs.metadata)).toMatchObject({ pushed: [], existing: ['rel-1'] });
  expect(pushes()).toEqual([]);
});

test('registry 503 then success: the push is retried and lands', async () => {
  aws.ecr.create('dantaro/flaky');
  aws.registryFront.failNext(2, 503, { method: 'PATCH', path: /\/dantaro\/flaky\/blobs\/uploads\// });
  tools.clearCalls();
  const run = await action({ repository: 'dantaro/flaky', tags: 'f1' });
  expect(run.code).toBe(0);
  expect(pushes()).toHaveLength(3);
  expect(run.stdout).toMatch(/push .*dantaro\/flaky:f1 attempt 1 failed, retrying/);
  expect(await tools.remoteDigest(`${reg.host}/dantaro/flaky:f1`, readAuth)).toBe(run.outputs.digest);
  noLeak(run);
});

test('registry auth failure: one push attempt, a hint naming the ECR permissions; auth file still removed', async () => {
  aws.ecr.create('dantaro/denied');
  aws.ecr.setTokenPassword('not-the-registry-password');
  tools.clearCalls();
  try {
    const run = await action({ repository: 'dantaro/denied', tags: 'd1' });
    expect(run.code).not.toBe(0);
    expect(pushes()).toHaveLength(1);
    expect(run.stdout).toMatch(/refused by the registry/);
    expect(run.stdout).toMatch(/ecr:BatchCheckLayerAvailability/);
    expect(existsSync(authDirOf(run)!)).toBe(false);
    assertNoLeak(run, ['not-the-registry-password', PASSWORD]);
  } finally {
    aws.ecr.setTokenPassword(PASSWORD);
  }
});

test('AWS credentials refused: fails at once with the GetAuthorizationToken hint, builds nothing', async () => {
  tools.clearCalls();
  const run = await action({ repository: 'dantaro/app', tags: 'x1' }, { AWS_SECRET_ACCESS_KEY: 'wrong-secret' });
  expect(run.code).not.toBe(0);
  expect(run.stdout).toMatch(/GetAuthorizationToken was refused by AWS \(InvalidSignatureException\)/);
  expect(run.stdout).toMatch(/Hint: .*ecr:GetAuthorizationToken/);
  expect(tools.calls()).toEqual([]);
  expect(existsSync(authDirOf(run)!)).toBe(false);
});

test('missing repository: refused unless create-repository, which creates it IMMUTABLE with scan on push', async () => {
  const refused = await action({ repository: 'dantaro/fresh', tags: 'n1' });
  expect(refused.code).not.toBe(0);
  expect(refused.stdout).toMatch(/ECR repository "dantaro\/fresh" does not exist/);
  const run = await action({ repository: 'dantaro/fresh', tags: 'n1', 'create-repository': 'true' });
  expect(run.code).toBe(0);
  expect(aws.ecr.repositories.get('dantaro/fresh')).toMatchObject({ imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } });
  expect(aws.ecr.repositories.get('dantaro/fresh')!.lifecyclePolicyText).toContain('untagged');
});

test('bad input fails before any AWS call or build', async () => {
  const before = aws.requests.length;
  tools.clearCalls();
  const run = await action({ repository: 'Not A Repo' });
  expect(run.code).not.toBe(0);
  expect(run.stdout).toMatch(/input "repository": "Not A Repo" is not a valid ECR repository name/);
  expect(aws.requests.length).toBe(before);
  expect(tools.calls()).toEqual([]);
});

test('push: false builds and reports the digest the registry would get, pushing nothing', async () => {
  const before = aws.requests.length;
  const run = await action({ repository: 'dantaro/local', tags: 'l1', push: 'false' });
  expect(run.code).toBe(0);
  expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(run.outputs.image).toBe(`dantaro/local@${run.outputs.digest}`);
  expect(aws.requests.length).toBe(before);
  expect(await reg.imageExists('dantaro/local:l1')).toBe(false);
});
