import { UserError, type ActionContext } from '@dantaro/core';
import { loadKubeconfig, type KubeConnection } from '@dantaro/kube';

/**
 * Cluster access exactly as eks-rollout takes it (`cluster-name` + `region` through EKS, or
 * `kubeconfig` + `context`), through the same functions: `eksClusterAccess` and `loadKubeconfig`.
 * The input checks mirror eks-rollout's inputs.ts (actions cannot import each other).
 */
export type ClusterAccess = { kind: 'eks'; clusterName: string; region: string } | { kind: 'kubeconfig'; source: string; context?: string };

export function readClusterAccess(ctx: ActionContext): ClusterAccess {
  const i = ctx.inputs;
  const clusterName = i.string('cluster-name');
  const kubeconfig = i.secret('kubeconfig');
  if (clusterName && kubeconfig) throw new UserError('give either input "cluster-name" (with "region") for EKS, or input "kubeconfig" — not both');
  if (!clusterName && !kubeconfig) throw new UserError('input "cluster-name" (with "region") or input "kubeconfig" is required: name the EKS cluster, or give a kubeconfig path or inline YAML');
  if (!clusterName) return { kind: 'kubeconfig', source: kubeconfig!, context: i.string('context') };
  const region = i.string('region') || ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION;
  if (!region) throw new UserError('input "region" is required with "cluster-name": give the AWS region, e.g. eu-west-1 (or set AWS_REGION)');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UserError(`input "region": "${region}" is not an AWS region; expected e.g. us-east-1`);
  if (!/^[0-9A-Za-z][A-Za-z0-9\-_]*$/.test(clusterName) || clusterName.length > 100) throw new UserError(`input "cluster-name": "${clusterName}" is not an EKS cluster name (letters, digits, - and _, ≤100)`);
  return { kind: 'eks', clusterName, region };
}

export async function connectCluster(access: ClusterAccess, ctx: ActionContext): Promise<KubeConnection> {
  if (access.kind === 'kubeconfig') return loadKubeconfig({ source: access.source, context: access.context, onSecret: (v) => ctx.secrets.add(v), env: ctx.env });
  // loaded only on this path: the AWS SDK is most of the bundle's start-up cost
  const { eksClusterAccess } = await import('@dantaro/aws');
  const eks = await ctx.log.group(`EKS cluster ${access.clusterName} (${access.region})`, async () => {
    const a = await eksClusterAccess({ clusterName: access.clusterName, region: access.region, onSecret: (v) => ctx.secrets.add(v), env: ctx.env });
    ctx.log.info(`API server ${a.server}; token minted from the AWS credential chain (refreshed before it expires)`);
    return a;
  });
  return { server: eks.server, caPem: eks.caPem, auth: eks.auth };
}
