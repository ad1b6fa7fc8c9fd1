import { join } from 'node:path';
import { runAction, repoRoot, exampleDeployments, type ActionRun, type World } from '@dantaro/testkit';

/**
 * The three scenarios of the demo and of the pipeline test, run through the bundled actions in the
 * order deploy.yml runs them: release 1 (success), release 2 (a crashing build: fail fast, automatic
 * rollback), and the nightly backup with its verification.
 */
export interface Step {
  scenario: string;
  action: string;
  title: string;
  run: ActionRun;
}

export interface PipelineOptions {
  onStep?: (step: Step) => void;
  onStart?: (scenario: string, action: string, title: string) => void;
}

export const REPOSITORY = 'dantarowallet';
export const NAMESPACE = 'dantaro';
export const DEPLOYMENTS = ['dantaro-backend', 'celery-worker', 'celery-beat'];
export const BACKUP_PASSWORD = 'demo-backup-password-7d1f0c';

export class Pipeline {
  readonly steps: Step[] = [];
  constructor(
    private readonly world: World,
    private readonly opts: PipelineOptions = {},
  ) {}

  /** Environment every action gets: the sandbox's AWS endpoints and test credentials. */
  private env(): Record<string, string> {
    return { ...this.world.awsEnv(), DANTARO_SANDBOX: '1' };
  }

  async step(scenario: string, action: string, title: string, inputs: Record<string, string>, extra: { post?: boolean; env?: Record<string, string> } = {}): Promise<ActionRun> {
    this.opts.onStart?.(scenario, action, title);
    const run = await runAction(action, { inputs, env: { ...this.env(), ...extra.env }, post: extra.post, timeoutMs: 240_000 });
    const step = { scenario, action, title, run };
    this.steps.push(step);
    this.opts.onStep?.(step);
    return run;
  }

  private slack(scenario: string, status: string, version: string, ts?: string): Promise<ActionRun> {
    return this.step(scenario, 'slack-notify', `notify ${status}`, {
      token: this.world.slack.token,
      channel: 'C0DEPLOYS',
      'api-url': this.world.slack.apiUrl,
      status,
      environment: 'production',
      version,
      ...(ts ? { 'message-ts': ts } : {}),
    });
  }

  private build(scenario: string, tag: string, buildArgs: string): Promise<ActionRun> {
    return this.step(
      scenario,
      'build-push',
      `build and push ${tag}`,
      {
        repository: REPOSITORY,
        context: join(repoRoot, 'examples', 'app'),
        file: join(repoRoot, 'examples', 'app', 'Containerfile'),
        builder: 'buildah',
        tags: tag,
        'build-args': buildArgs,
        'create-repository': 'true',
      },
      { post: true },
    );
  }

  /** Release 0: the image the Deployments start on, so release 1 has something to move from. */
  async bootstrap(): Promise<string> {
    const built = await this.build('bootstrap', 'r0', 'VERSION=0');
    if (built.code !== 0) throw new Error(`bootstrap build failed:\n${built.stdout}\n${built.stderr}`);
    const image = built.outputs.image;
    const deployments = exampleDeployments().map((d) => {
      for (const c of d.spec.template.spec.containers) c.image = image;
      return d;
    });
    this.world.cluster.apply(deployments);
    await this.world.cluster.waitFor(
      () => DEPLOYMENTS.every((n) => {
        const d = this.world.cluster.get('deployments', NAMESPACE, n) as any;
        return d?.status?.availableReplicas === d?.spec?.replicas && d?.status?.updatedReplicas === d?.spec?.replicas;
      }),
      60_000,
      'the example Deployments to become available',
    );
    return image;
  }

  /** deploy.yml for one release: announce → build → scan → backup → migrate → rollout → report. */
  async release(scenario: string, tag: string, buildArgs: string) {
    const announce = await this.slack(scenario, 'started', tag);
    const ts = announce.outputs.ts;
    const build = await this.build(scenario, tag, buildArgs);
    const image = build.outputs.image;
    const scan = await this.step(scenario, 'trivy-gate', 'scan the image', {
      report: join(repoRoot, 'examples', 'trivy', 'report.json'),
      'fail-on': 'CRITICAL,HIGH',
    });
    const backup = await this.step(scenario, 'backup', 'pre-deploy database backup', {
      'database-url': this.world.postgres.url,
      bucket: this.world.bucket,
      prefix: 'database/',
      password: BACKUP_PASSWORD,
    });
    const cluster = { 'cluster-name': this.world.clusterName, region: this.world.region, namespace: NAMESPACE };
    const migrate = await this.step(scenario, 'migrate', 'migrate the database (Job)', {
      ...cluster,
      image,
      'from-deployment': 'dantaro-backend',
      command: `bash ${join(repoRoot, 'examples', 'app', 'migrate.sh')}`,
      timeout: '2m',
    });
    const rollout = await this.step(scenario, 'eks-rollout', 'roll out backend, celery-worker, celery-beat', {
      ...cluster,
      deployments: DEPLOYMENTS.join(','),
      images: image,
      timeout: '3m',
      'image-pull-grace': '5s',
    });
    const final = rollout.outputs.result === 'success' ? 'success' : rollout.outputs.result === 'rolled-back' ? 'rolled-back' : 'failure';
    const report = await this.slack(scenario, final, image, ts);
    return { announce, build, scan, backup, migrate, rollout, report, image, ts };
  }

  /** backup.yml: backup PostgreSQL and Redis, then verify exactly what was written. */
  async nightly() {
    const scenario = 'nightly backup';
    await this.world.redis.cli(['SET', 'wallet:demo', 'balance=42']);
    const backup = await this.step(scenario, 'backup', 'back up PostgreSQL and Redis', {
      'database-url': this.world.postgres.url,
      'redis-url': this.world.redis.url,
      bucket: this.world.bucket,
      prefix: 'database/',
      password: BACKUP_PASSWORD,
    });
    const verify = await this.step(scenario, 'backup-verify', 'restore it into a scratch PostgreSQL and check', {
      bucket: this.world.bucket,
      prefix: 'database/',
      key: backup.outputs.key,
      password: BACKUP_PASSWORD,
      'max-age': '26h',
      'require-rows': 'schema_migrations',
      'redis-key': backup.outputs['redis-key'] ?? '',
    });
    return { backup, verify };
  }
}
