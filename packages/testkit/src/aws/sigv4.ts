import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Server-side SigV4 check, written out from the spec (not with the SDK's signer, so a signer bug
 * cannot hide behind itself). Covers header-signed requests and presigned URLs (X-Amz-* query).
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigV4Result {
  ok: boolean;
  accessKeyId?: string;
  region?: string;
  service?: string;
  /** Why it failed: an AWS error code and message. */
  code?: 'MissingAuthenticationToken' | 'UnrecognizedClientException' | 'InvalidSignatureException' | 'ExpiredToken';
  reason?: string;
}

export interface SignedRequest {
  method: string;
  /** Path with query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const sha256 = (d: string | Buffer) => createHash('sha256').update(d).digest('hex');
const hmac = (k: string | Buffer, d: string) => createHmac('sha256', k).update(d).digest();
const escapeUri = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function verifySigV4(req: SignedRequest, creds: AwsCredentials): SigV4Result {
  const u = new URL(req.url, 'http://localhost');
  const presigned = u.searchParams.has('X-Amz-Signature');
  let credential: string, signedHeaders: string, signature: string, amzDate: string, token: string | undefined;
  if (presigned) {
    credential = u.searchParams.get('X-Amz-Credential') ?? '';
    signedHeaders = u.searchParams.get('X-Amz-SignedHeaders') ?? '';
    signature = u.searchParams.get('X-Amz-Signature') ?? '';
    amzDate = u.searchParams.get('X-Amz-Date') ?? '';
    token = u.searchParams.get('X-Amz-Security-Token') ?? undefined;
  } else {
    const auth = String(req.headers.authorization ?? '');
    const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(auth);
    if (!m) return { ok: false, code: 'MissingAuthenticationToken', reason: 'Missing Authentication Token' };
    [, credential, signedHeaders, signature] = m;
    amzDate = String(req.headers['x-amz-date'] ?? '');
    token = req.headers['x-amz-security-token'] as string | undefined;
  }
  const [accessKeyId, date, region, service] = credential.split('/');
  const base = { accessKeyId, region, service };
  if (accessKeyId !== creds.accessKeyId) {
    return { ...base, ok: false, code: 'UnrecognizedClientException', reason: 'The security token included in the request is invalid.' };
  }
  if ((creds.sessionToken ?? undefined) !== (token || undefined)) {
    return { ...base, ok: false, code: 'UnrecognizedClientException', reason: 'The security token included in the request is invalid.' };
  }
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${headerValue(req.headers[n]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const query = [...u.searchParams.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [escapeUri(k), escapeUri(v)])
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const path = escapeUri(u.pathname).replace(/%2F/g, '/');
  const payloadHash = headerValue(req.headers['x-amz-content-sha256']) || sha256(req.body);
  const canonical = [req.method, path, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, date), region), service), 'aws4_request');
  const want = Buffer.from(createHmac('sha256', key).update(toSign).digest('hex'));
  const got = Buffer.from(signature);
  if (want.length !== got.length || !timingSafeEqual(want, got)) {
    return {
      ...base,
      ok: false,
      code: 'InvalidSignatureException',
      reason: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return { ...base, ok: true };
}

function headerValue(v: string | string[] | undefined): string {
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}
