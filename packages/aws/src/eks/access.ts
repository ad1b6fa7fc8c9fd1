import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { UserError, errorMessage, systemClock, type Clock } from '@dantaro/core';
import { eksToken, TOKEN_LIFETIME_MS, type AwsCredentialIdentity } from './token';

/**
 * Everything needed to talk to an EKS cluster's API without the aws CLI or kubectl: DescribeCluster
 * for endpoint + CA (AWS_ENDPOINT_URL_EKS is honoured by the SDK), and a token provider that mints an
 * STS-presigned token from the standard credential chain, masks it at once, and re-mints it well
 * before the 14-minute mark (or at once after a 401).
 */
export type CredentialProvider = () => Promise<AwsCredentialIdentity>;

export interface EksClusterAccess {
  server: string;
  caPem: string;
  auth: { token(): Promise<string>; invalidate(): void };
}

export interface EksAccessOptions {
  clusterName: string;
  region: string;
  /** Default: the standard chain (env, OIDC web identity, profile, IMDS …). */
  credentials?: CredentialProvider;
  /** Called with every secret the moment it exists (the token, the credentials). */
  onSecret?: (value: string) => void;
  clock?: Clock;
  /** Re-mint after this long; must stay under 14 min. Default 10 min. */
  refreshAfterMs?: number;
  env?: Record<string, string | undefined>;
}

export async function describeEksCluster(o: { clusterName: string; region: string; credentials: CredentialProvider }): Promise<{ server: string; caPem: string }> {
  const eks = new EKSClient({ region: o.region, credentials: o.credentials });
  try {
    const out = await eks.send(new DescribeClusterCommand({ name: o.clusterName }));
    const endpoint = out.cluster?.endpoint;
    const ca = out.cluster?.certificateAuthority?.data;
    if (!endpoint || !ca) throw new UserError(`EKS cluster "${o.clusterName}" in ${o.region} has no endpoint or CA yet (status ${out.cluster?.status ?? 'unknown'})`);
    return { server: endpoint, caPem: Buffer.from(ca, 'base64').toString('utf8') };
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === 'ResourceNotFoundException') throw new UserError(`EKS cluster "${o.clusterName}" was not found in region ${o.region}: check inputs "cluster-name" and "region"`);
    if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException' || name === 'InvalidSignatureException' || name === 'ExpiredTokenException') {
      throw new UserError(`cannot describe EKS cluster "${o.clusterName}": ${errorMessage(e)}`, {
        hint: 'the role needs eks:DescribeCluster on the cluster; with OIDC, check aws-actions/configure-aws-credentials ran first',
      });
    }
    if (name === 'CredentialsProviderError') throw new UserError(`no AWS credentials found: ${errorMessage(e)}`, { hint: 'run aws-actions/configure-aws-credentials (OIDC) before this step' });
    throw e;
  } finally {
    eks.destroy();
  }
}

export function eksTokenProvider(o: EksAccessOptions & { credentials: CredentialProvider }): EksClusterAccess['auth'] {
  const clock = o.clock ?? systemClock;
  const refreshAfter = Math.min(o.refreshAfterMs ?? 10 * 60_000, TOKEN_LIFETIME_MS - 60_000);
  const env = o.env ?? process.env;
  let cached: { token: string; minted: number } | undefined;
  return {
    invalidate: () => void (cached = undefined),
    async token() {
      if (cached && clock.now() - cached.minted < refreshAfter) return cached.token;
      const creds = await o.credentials();
      o.onSecret?.(creds.secretAccessKey);
      if (creds.sessionToken) o.onSecret?.(creds.sessionToken);
      const minted = clock.now();
      const t = await eksToken({ clusterName: o.clusterName, region: o.region, credentials: creds, now: new Date(minted), stsEndpoint: env.AWS_ENDPOINT_URL_STS });
      o.onSecret?.(t.token);
      o.onSecret?.(t.url);
      cached = { token: t.token, minted };
      return t.token;
    },
  };
}

export async function eksClusterAccess(o: EksAccessOptions): Promise<EksClusterAccess> {
  const credentials: CredentialProvider = o.credentials ?? defaultProvider();
  const { server, caPem } = await describeEksCluster({ clusterName: o.clusterName, region: o.region, credentials });
  const auth = eksTokenProvider({ ...o, credentials });
  await auth.token(); // fail here (credentials) rather than on the first API call
  return { server, caPem, auth };
}
