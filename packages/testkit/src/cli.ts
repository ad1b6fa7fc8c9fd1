// `pnpm sandbox up` / `pnpm sandbox down`: the whole local world for people, until Ctrl-C or `down`.
import { mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './action-runner';
import { stopAll } from './process';
import { startWorld } from './world';

const dir = join(repoRoot, '.sandbox');
const pidFile = join(dir, 'pid');

async function up(): Promise<void> {
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8'));
    try {
      process.kill(pid, 0);
      console.error(`sandbox: already up (pid ${pid}); run \`pnpm sandbox down\` first`);
      process.exit(1);
    } catch {}
  }
  mkdirSync(dir, { recursive: true });
  console.log('sandbox: starting registry, AWS endpoints, cluster, PostgreSQL, Redis, S3, Slack stub…');
  const world = await startWorld({ timeScale: 1 });
  world.cluster.writeKubeconfig(join(dir, 'kubeconfig'));
  writeFileSync(join(dir, 'env.json'), JSON.stringify(world.describe(), null, 2) + '\n', { mode: 0o600 });
  writeFileSync(pidFile, String(process.pid));
  const d = world.describe();
  console.log(`sandbox: up.
  kubeconfig  ${join(dir, 'kubeconfig')}     kubectl --kubeconfig .sandbox/kubeconfig get ns
  env         ${join(dir, 'env.json')}       (AWS_ENDPOINT_URL_*, test credentials, registry, postgresUrl, redisUrl, slack*)
  EKS         cluster ${d.clusterName} in ${d.AWS_REGION} (DescribeCluster + EKS tokens work with the credentials in env.json)
  registry    ${d.registry} (ECR front)    postgres ${String(d.postgresUrl).replace(/:[^:@/]+@/, ':***@')}
Stop with Ctrl-C or \`pnpm sandbox down\`.`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nsandbox: stopping…');
    await world.stop();
    await stopAll();
    rmSync(pidFile, { force: true });
    console.log('sandbox: down');
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  setInterval(() => {}, 1 << 30);
}

function down(): void {
  if (!existsSync(pidFile)) {
    console.log('sandbox: not running');
    return;
  }
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
    console.log(`sandbox: stopping (pid ${pid})`);
  } catch {
    console.log('sandbox: was not running');
    rmSync(pidFile, { force: true });
  }
}

const cmd = process.argv[2];
if (cmd === 'up') await up();
else if (cmd === 'down') down();
else {
  console.error('usage: pnpm sandbox up | down');
  process.exit(2);
}
