import { UserError, type Env, type Inputs, type Logger, type Secrets } from '@dantaro/core';
import { loadKubeconfig } from './kubeconfig';
import type { KubeConnection, TokenProvider } from './client';

/**
 * The cluster-access inputs every cluster action takes (eks-rollout, migrate): `cluster-name` +
 * `region` through EKS, or `kubeconfig` (path or inline YAML) + `context`. One parser, one connector.
 */
export type ClusterAccess = { kind: 'eks'; clusterName: string; region: string } | { kind: 'kubeconfig'; source: string; context?: string };

export function readClusterAccess(i: Inputs, env: Env): ClusterAccess {
  const clusterName = i.string('cluster-name');
  // not registered whole: masking every line of a YAML document would blank common words in the log;
  // loadKubeconfig registers the credentials inside it (tokens, keys, passwords, a base64 blob)
  const kubeconfig = i.string('kubeconfig');
  if (clusterName && kubeconfig) throw new UserError('give either input "cluster-name" (with "region") for EKS, or input "kubeconfig" — not both');
  if (!clusterName && !kubeconfig) throw new UserError('input "cluster-name" (with "region") or input "kubeconfig" is required: name the EKS cluster, or give a kubeconfig path or inline YAML');
  if (!clusterName) return { kind: 'kubeconfig', source: kubeconfig!, context: i.string('context') };
  const region = i.string('region') || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new UserError('input "region" is required with "cluster-name": give the AWS region, e.g. eu-west-1 (or set AWS_REGION)');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UserError(`input "region": "${region}" is not an AWS region; expected e.g. us-east-1`);
  if (!/^[0-9A-Za-z][A-Za-z0-9\-_]*$/.test(clusterName) || clusterName.length > 100) throw new UserError(`input "cluster-name": "${clusterName}" is not an EKS cluster name (letters, digits, - and _, ≤100)`);
  return { kind: 'eks', clusterName, region };
}

/** What @dantaro/aws's eksClusterAccess provides; passed in so kube does not depend on the AWS SDK. */
export type EksAccess = (o: { clusterName: string; region: string; onSecret: (v: string) => void; env: Env }) => Promise<{ server: string; caPem: string; auth: TokenProvider }>;

export async function connectCluster(access: ClusterAccess, ctx: { secrets: Secrets; log: Logger; env: Env }, loadEks: () => Promise<EksAccess>): Promise<KubeConnection> {
  const onSecret = (v: string) => void ctx.secrets.add(v);
  if (access.kind === 'kubeconfig') return loadKubeconfig({ source: access.source, context: access.context, onSecret, env: ctx.env });
  // loaded only on this path: the AWS SDK is most of the bundle's start-up cost
  const eksClusterAccess = await loadEks();
  const eks = await ctx.log.group(`EKS cluster ${access.clusterName} (${access.region})`, async () => {
    const a = await eksClusterAccess({ clusterName: access.clusterName, region: access.region, onSecret, env: ctx.env });
    ctx.log.info(`API server ${a.server}; token minted from the AWS credential chain (refreshed before it expires)`);
    return a;
  });
  return { server: eks.server, caPem: eks.caPem, auth: eks.auth };
}
