import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type ActionRun, type Cluster, type ClusterOptions, type KObject } from '@dantaro/testkit';
import { startCluster } from '@dantaro/testkit';

/** Shared fixtures for the eks-rollout end-to-end tests: the simulator, Deployments, running the bundle. */
export const REPO = 'registry.local/wallet/backend';
export const digest = (c: string) => `sha256:${c.repeat(64).slice(0, 64)}`;
export const IMG_V1 = `${REPO}@${digest('1')}`;
export const IMG_V2 = `${REPO}@${digest('2')}`;
/** Sim-seconds per wall-second: a 600 s progress deadline passes in 30 s. */
export const TIME_SCALE = 20;

export async function sandbox(opts: ClusterOptions = {}): Promise<Cluster> {
  return startCluster({ timeScale: TIME_SCALE, ...opts });
}

export interface DeploymentOpts {
  replicas?: number;
  containers?: Array<{ name: string; image: string }>;
  paused?: boolean;
  progressDeadlineSeconds?: number;
  labels?: Record<string, string>;
  recreate?: boolean;
  env?: Array<Record<string, unknown>>;
}

export function deployment(ns: string, name: string, o: DeploymentOpts = {}): KObject {
  const labels = { app: name, ...(o.labels ?? {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas: o.replicas ?? 2,
      paused: o.paused,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      selector: { matchLabels: { app: name } },
      strategy: o.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: { app: name } }, spec: { containers: (o.containers ?? [{ name, image: IMG_V1 }]).map((c) => (o.env ? { ...c, env: o.env } : c)) } },
    },
  };
}

/** Create the Deployments and wait until each has rolled out (revision 1, all available). */
export async function seed(cluster: Cluster, objs: KObject[]): Promise<void> {
  cluster.apply(objs);
  for (const o of objs) {
    await cluster.waitFor(
      () => {
        const d = cluster.get('deployments', o.metadata.namespace, o.metadata.name!);
        return !!d && (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) && d.status?.availableReplicas === d.spec.replicas && d.status?.updatedReplicas === d.spec.replicas && (d.spec.paused || d.status?.replicas === d.spec.replicas);
      },
      20_000,
      `${o.metadata.name} ready`,
    );
  }
}

export function imagesOf(cluster: Cluster, ns: string, name: string): string[] {
  return cluster.get('deployments', ns, name)!.spec.template.spec.containers.map((c: { image: string }) => c.image);
}

export function revisionOf(cluster: Cluster, ns: string, name: string): number {
  return Number(cluster.get('deployments', ns, name)!.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
}

export function writes(cluster: Cluster): Array<{ method: string; path: string }> {
  return cluster.requests.filter((r) => r.method !== 'GET' && !(r.method === 'PATCH' && r.query.dryRun) && !r.path.includes('selfsubjectaccessreviews'));
}

export async function rollout(cluster: Cluster, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction('eks-rollout', {
    inputs: { kubeconfig: cluster.kubeconfig(), 'image-pull-grace': '2s', timeout: '60s', ...inputs },
    env: { DANTARO_WATCH_SILENCE: '3', ...env },
    timeoutMs: 150_000,
  });
}

export function outputsJson(run: ActionRun): Array<Record<string, unknown>> {
  return JSON.parse(run.outputs.deployments || '[]');
}

/** Real kubectl against the simulator: `kubectl rollout status` exit code and last line. */
export async function kubectlRolloutStatus(cluster: Cluster, ns: string, name: string, timeoutS = 60): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
  const kc = join(dir, 'config');
  writeFileSync(kc, cluster.kubeconfig(), { mode: 0o600 });
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/kubectl', ['--kubeconfig', kc, '-n', ns, 'rollout', 'status', `deployment/${name}`, `--timeout=${timeoutS}s`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}
