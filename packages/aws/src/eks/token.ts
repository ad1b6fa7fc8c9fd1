import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * The EKS bearer token, byte for byte as aws-iam-authenticator / `aws eks get-token` make it:
 * `k8s-aws-v1.` + base64url (no padding) of an STS GetCallerIdentity URL presigned with SigV4,
 * `x-k8s-aws-id: <cluster>` signed, `X-Amz-Expires=60`, the empty-payload hash.
 */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const TOKEN_PREFIX = 'k8s-aws-v1.';
/** STS accepts the URL for 15 min; clients treat the token as good for 14 (the CLI's TOKEN_EXPIRATION_MINS). */
export const TOKEN_LIFETIME_MS = 14 * 60_000;

export interface EksTokenOptions {
  clusterName: string;
  region: string;
  credentials: AwsCredentialIdentity;
  /** Signing time; default now. */
  now?: Date;
  /** An STS endpoint override (AWS_ENDPOINT_URL_STS); default the regional endpoint. */
  stsEndpoint?: string;
}

export interface EksToken {
  token: string;
  /** The presigned URL inside the token (useful for tests; never log it: it is the credential). */
  url: string;
  expiresAt: Date;
}

export function stsEndpointFor(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sts.${region}.${suffix}`;
}

export async function eksToken(o: EksTokenOptions): Promise<EksToken> {
  const now = o.now ?? new Date();
  const endpoint = new URL(o.stsEndpoint || stsEndpointFor(o.region));
  const host = endpoint.host; // includes a non-default port, as the signed Host header must
  const signer = new SignatureV4({ credentials: o.credentials, region: o.region, service: 'sts', sha256: Sha256, uriEscapePath: true });
  const request = new HttpRequest({
    method: 'GET',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : undefined,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host, 'x-k8s-aws-id': o.clusterName },
  });
  const signed = await signer.presign(request, { expiresIn: 60, signingDate: now });
  const query = signed.query as Record<string, string>;
  // Go's url.Values.Encode order (sorted keys), with the signature appended last, as the Go signer does
  const keys = Object.keys(query)
    .filter((k) => k !== 'X-Amz-Signature')
    .sort();
  const qs = [...keys, 'X-Amz-Signature'].map((k) => `${goEscape(k)}=${goEscape(query[k])}`).join('&');
  const url = `${endpoint.protocol}//${host}/?${qs}`;
  return { token: TOKEN_PREFIX + Buffer.from(url).toString('base64url'), url, expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS) };
}

/** Go's url.QueryEscape: unreserved characters kept, space as '+', everything else %XX (upper case). */
function goEscape(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
      if (c === ' ') return '+';
      return '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
    .join('');
}

/** Decode a token back to its URL (for tests and server-side checks). */
export function decodeEksToken(token: string): URL {
  if (!token.startsWith(TOKEN_PREFIX)) throw new Error('not an EKS token');
  return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
}
