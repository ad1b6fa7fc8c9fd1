/**
 * EKS DescribeCluster (REST JSON, `GET /clusters/<name>`): returns the endpoint and CA of a cluster
 * the test registered (normally the cluster simulator's `url` and `caPem`).
 */
export interface ClusterInfo {
  endpoint: string;
  caPem: string;
  version?: string;
}

export class EksError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function describeCluster(clusters: Map<string, ClusterInfo>, name: string, region: string, accountId: string): Record<string, unknown> {
  const c = clusters.get(name);
  if (!c) throw new EksError('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404);
  return {
    cluster: {
      name,
      arn: `arn:aws:eks:${region}:${accountId}:cluster/${name}`,
      createdAt: Math.floor(Date.now() / 1000) - 86_400,
      version: c.version ?? '1.31',
      endpoint: c.endpoint,
      roleArn: `arn:aws:iam::${accountId}:role/eks-cluster`,
      resourcesVpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: false },
      kubernetesNetworkConfig: { serviceIpv4Cidr: '10.100.0.0/16', ipFamily: 'ipv4' },
      identity: { oidc: { issuer: `https://oidc.eks.${region}.amazonaws.com/id/SANDBOX` } },
      status: 'ACTIVE',
      certificateAuthority: { data: Buffer.from(c.caPem).toString('base64') },
      platformVersion: 'eks.1',
      accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      tags: {},
    },
  };
}

/** `/clusters/<name>` → the decoded name, or undefined for any other route. */
export function clusterRoute(method: string, url: string): string | undefined {
  const m = /^\/clusters\/([^/?]+)\/?(?:\?.*)?$/.exec(url);
  return method === 'GET' && m ? decodeURIComponent(m[1]) : undefined;
}
