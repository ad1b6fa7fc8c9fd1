// The sandbox as people use it: `pnpm sandbox up` writes .sandbox/kubeconfig and env.json, real kubectl
// and the real AWS SDK reach it, and `pnpm sandbox down` stops every process it started.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { repoRoot, startWorld, waitFor } from '@dantaro/testkit';

jest.setTimeout(120_000);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Every live descendant of a process (the daemons a world starts are its children or grandchildren). */
function descendants(root: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of rows) {
      if (parent !== pid || child === pid) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

test('startWorld starts every service and stop() leaves no process behind', async () => {
  const before = new Set(descendants(process.pid));
  const world = await startWorld({ timeScale: 10 });
  const started = descendants(process.pid).filter((p) => !before.has(p));
  expect(started.length).toBeGreaterThanOrEqual(3);
  // the EKS endpoint answers the real SDK with the simulator's URL
  const eks = new EKSClient({ region: world.region, endpoint: world.aws.endpoints.eks, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const c = await eks.send(new DescribeClusterCommand({ name: world.clusterName }));
  expect(c.cluster?.endpoint).toBe(world.cluster.url);
  await world.stop();
  await waitFor(() => started.every((p) => !alive(p)), { timeoutMs: 20_000, what: 'sandbox daemons to exit' });
});

test('pnpm sandbox up / down', async () => {
  const dir = join(repoRoot, '.sandbox');
  rmSync(dir, { recursive: true, force: true });
  const cli = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'packages/testkit/src/cli.ts'), 'up'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let out = '';
  cli.stdout.on('data', (d) => (out += d));
  cli.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => cli.on('exit', (code) => r(code)));
  try {
    await waitFor(() => out.includes('sandbox: up.'), { timeoutMs: 60_000, what: `sandbox up (output so far: ${out})` });
    const env = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8'));
    for (const k of ['kubeconfig', 'AWS_ENDPOINT_URL_ECR', 'AWS_ENDPOINT_URL_EKS', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_S3', 'AWS_REGION', 'registry', 'postgresUrl', 'redisUrl', 'slackWebhookUrl', 'slackApiUrl']) expect(env[k]).toBeTruthy();
    const ns = execFileSync('kubectl', ['--kubeconfig', join(dir, 'kubeconfig'), 'get', 'namespaces', '-o', 'name'], { encoding: 'utf8' });
    expect(ns).toContain('namespace/dantaro');
    const started = descendants(cli.pid!);
    expect(started.length).toBeGreaterThanOrEqual(3);
    execFileSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'packages/testkit/src/cli.ts'), 'down'], { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(await exited).toBe(0);
    await waitFor(() => started.every((p) => !alive(p)), { timeoutMs: 20_000, what: 'sandbox daemons to exit' });
    expect(existsSync(join(dir, 'pid'))).toBe(false);
  } finally {
    if (cli.exitCode === null) cli.kill('SIGKILL');
  }
});
