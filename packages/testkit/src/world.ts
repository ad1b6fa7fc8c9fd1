import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './action-runner';
import { startAws, type Aws } from './aws/index';
import { startCluster, type Cluster, type KObject } from './cluster/index';
import { startRegistry, type Registry } from './registry/index';
import { startPostgres, startRedis, startS3, type PostgresHandle, type RedisHandle, type S3Handle } from './services/index';
import { startSlackStub, type SlackStub } from './slack/index';

/**
 * The whole sandbox in one call: registry behind ECR, EKS/STS, the cluster simulator (EKS tokens
 * verified), PostgreSQL, Redis, S3 and Slack. Used by `pnpm sandbox up`, the demo and the pipeline test.
 */
export interface World {
  registry: Registry;
  aws: Aws;
  cluster: Cluster;
  postgres: PostgresHandle;
  redis: RedisHandle;
  s3: S3Handle;
  slack: SlackStub;
  clusterName: string;
  region: string;
  bucket: string;
  /** The env an action needs to reach this world through the standard AWS variables. */
  awsEnv(): Record<string, string>;
  /** What `.sandbox/env.json` holds. */
  describe(): Record<string, unknown>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  timeScale?: number;
  clusterName?: string;
  region?: string;
  bucket?: string;
  /** Apply examples/k8s namespace and secret (the Deployments need an image first). */
  examples?: boolean;
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const region = opts.region ?? 'ap-northeast-2';
  const clusterName = opts.clusterName ?? 'dantaro-eks';
  const bucket = opts.bucket ?? 'dantaro-backups';
  // one set of test credentials for every service; the S3 emulator (s3rver) only knows S3RVER/S3RVER
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const started: Array<{ stop(): Promise<void> }> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {});
  };
  try {
    const registry = await startRegistry({ htpasswd: [{ user: 'AWS', password: randomBytes(12).toString('hex') }] });
    started.push(registry);
    const aws = await startAws({ registry, credentials, region });
    started.push(aws);
    // images are named by the ECR front's host; the registry behind it holds the same repositories
    const local = (ref: string) => ref.replace(`${aws.registryHost}/`, `${registry.host}/`);
    const cluster = await startCluster({
      timeScale: opts.timeScale ?? 1,
      // the actions sign for the local STS endpoint (AWS_ENDPOINT_URL_STS), so accept its host too
      eks: { clusterName, region, ...credentials, allowedHosts: [new URL(aws.endpoints.sts).host] },
      imageExists: (ref) => (ref.startsWith(`${aws.registryHost}/`) ? registry.imageExists(local(ref)) : Promise.resolve(true)),
      imageLabels: (ref) => (ref.startsWith(`${aws.registryHost}/`) ? registry.imageLabels(local(ref)).catch(() => undefined) : Promise.resolve(undefined)),
      runJobsLocally: true,
    });
    started.push(cluster);
    aws.setCluster(clusterName, { endpoint: cluster.url, caPem: cluster.caPem });
    const [postgres, redis, s3, slack] = await Promise.all([startPostgres(), startRedis(), startS3(), startSlackStub()]);
    started.push(postgres, redis, s3, slack);
    await s3.bucket(bucket);
    if (opts.examples !== false) applyExampleBasics(cluster, postgres);
    return {
      registry,
      aws,
      cluster,
      postgres,
      redis,
      s3,
      slack,
      clusterName,
      region,
      bucket,
      awsEnv: () => ({ ...aws.env(), AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_REGION: region }),
      describe: () => ({
        kubeconfig: join(repoRoot, '.sandbox', 'kubeconfig'),
        clusterName,
        ...aws.env(),
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_REGION: region,
        registry: aws.registryHost,
        registryBackend: registry.host,
        postgresUrl: postgres.url,
        redisUrl: redis.url,
        s3Bucket: bucket,
        slackWebhookUrl: slack.webhookUrl,
        slackApiUrl: slack.apiUrl,
        slackToken: slack.token,
      }),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The examples/ namespace and its Secret (pointing at the sandbox PostgreSQL and Redis). */
function applyExampleBasics(cluster: Cluster, postgres: PostgresHandle): void {
  const dir = join(repoRoot, 'examples', 'k8s');
  if (!existsSync(join(dir, 'namespace.yaml'))) return;
  const docs = ['namespace.yaml', 'secret.yaml'].flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS()));
  for (const d of docs) {
    if (d?.kind === 'Secret') d.stringData = { ...d.stringData, 'database-url': postgres.url };
  }
  cluster.apply(docs);
}

/** Every Deployment manifest under examples/k8s, as objects. */
export function exampleDeployments(): KObject[] {
  const dir = join(repoRoot, 'examples', 'k8s');
  return ['dantaro-backend.yaml', 'celery-worker.yaml', 'celery-beat.yaml']
    .filter((f) => existsSync(join(dir, f)))
    .map((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8'))[0].toJS());
}
