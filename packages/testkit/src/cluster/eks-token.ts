// Server side of EKS authentication: a `k8s-aws-v1.` token is a presigned STS GetCallerIdentity
// URL. Instead of calling STS we recompute its SigV4 signature with the configured test credentials,
// after the aws-iam-authenticator's checks (allow-listed query keys, Action, signed x-k8s-aws-id,
// expiry window). A token minted for another cluster fails the signature: the cluster name is the
// value of a signed header that only the server supplies.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { EksOptions, TokenInfo } from './types';

const PREFIX = 'k8s-aws-v1.';
const ALLOWED = new Set(['action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders']);
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const VALID_MS = 15 * 60_000;
const CLOCK_SKEW_MS = 5 * 60_000;

export class EksTokenError extends Error {}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export function sigV4Signature(secret: string, date: string, region: string, service: string, stringToSign: string): string {
  const kDate = hmac('AWS4' + secret, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const kSigning = hmac(kService, 'aws4_request');
  return createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
}

/** The canonical request of a presigned GET with host and x-k8s-aws-id signed. */
export function canonicalPresignedGet(params: [string, string][], host: string, clusterName: string, signedHeaders: string): string {
  const cq = params
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const values: Record<string, string> = { host, 'x-k8s-aws-id': clusterName };
  const headers = signedHeaders
    .split(';')
    .map((h) => `${h}:${values[h]}\n`)
    .join('');
  return ['GET', '/', cq, headers, signedHeaders, EMPTY_SHA256].join('\n');
}

function stsHostOk(host: string, region: string, extra: (string | RegExp)[] = []): boolean {
  if (host === 'sts.amazonaws.com' || host === `sts.${region}.amazonaws.com` || host === `sts.${region}.amazonaws.com.cn` || host === `sts-fips.${region}.amazonaws.com` || host === `sts.${region}.api.aws`) return true;
  return extra.some((h) => (typeof h === 'string' ? h === host : h.test(host)));
}

function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new EksTokenError(`malformed X-Amz-Date ${s}`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/** Verify a bearer token; returns who it is or throws EksTokenError naming why not. */
export function verifyEksToken(token: string, cfg: EksOptions): TokenInfo & { accessKeyId: string } {
  if (token.length > 4096) throw new EksTokenError('token is too large');
  if (!token.startsWith(PREFIX)) throw new EksTokenError('token is missing expected "k8s-aws-v1." prefix');
  const enc = token.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(enc)) throw new EksTokenError('token is not base64url (no padding)');
  let url: URL;
  try {
    url = new URL(Buffer.from(enc, 'base64url').toString('utf8'));
  } catch {
    throw new EksTokenError('token does not decode to a URL');
  }
  // a local STS endpoint (AWS_ENDPOINT_URL_STS in the sandbox) is plain http; real STS is always https
  const localSts = (cfg.allowedHosts ?? []).some((h) => (typeof h === 'string' ? h === url.host : h.test(url.host)));
  if (url.protocol !== 'https:' && !(localSts && url.protocol === 'http:')) throw new EksTokenError(`unexpected scheme ${url.protocol}`);
  if (!stsHostOk(url.host, cfg.region, cfg.allowedHosts)) throw new EksTokenError(`unexpected hostname "${url.host}" in pre-signed URL`);
  if (url.pathname !== '/') throw new EksTokenError('unexpected path in pre-signed URL');
  // read the raw pairs ourselves: URLSearchParams would hide duplicates' order and '+' handling
  const params: [string, string][] = url.search
    .slice(1)
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const i = p.indexOf('=');
      const k = decodeURIComponent(i < 0 ? p : p.slice(0, i));
      const v = i < 0 ? '' : decodeURIComponent(p.slice(i + 1));
      return [k, v];
    });
  const q = new Map<string, string>();
  for (const [k, v] of params) {
    const lk = k.toLowerCase();
    if (!ALLOWED.has(lk)) throw new EksTokenError(`non-whitelisted query parameter "${k}"`);
    if (q.has(lk)) throw new EksTokenError(`query parameter "${k}" given more than once`);
    q.set(lk, v);
  }
  if (q.get('action') !== 'GetCallerIdentity') throw new EksTokenError(`unexpected action parameter "${q.get('action') ?? ''}" in pre-signed URL`);
  if (q.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') throw new EksTokenError('unexpected X-Amz-Algorithm');
  const signedHeaders = q.get('x-amz-signedheaders') ?? '';
  if (!signedHeaders.split(';').includes('x-k8s-aws-id')) throw new EksTokenError('client did not sign the x-k8s-aws-id header in the pre-signed URL');
  if (signedHeaders !== 'host;x-k8s-aws-id') throw new EksTokenError(`unexpected signed headers "${signedHeaders}"`);
  const expires = Number(q.get('x-amz-expires') ?? 'NaN');
  if (!(Number.isInteger(expires) && expires >= 0 && expires <= 900)) throw new EksTokenError(`invalid X-Amz-Expires parameter in pre-signed URL: ${q.get('x-amz-expires')}`);
  const amzDate = q.get('x-amz-date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  const now = (cfg.now ?? Date.now)();
  if (now > signedAt + VALID_MS) throw new EksTokenError(`X-Amz-Date parameter is expired (15 minute expiration) ${amzDate}`);
  if (signedAt > now + CLOCK_SKEW_MS) throw new EksTokenError(`X-Amz-Date parameter is in the future ${amzDate}`);
  const [akid, credDate, credRegion, service, term] = (q.get('x-amz-credential') ?? '').split('/');
  if (!akid || service !== 'sts' || term !== 'aws4_request' || credDate !== amzDate.slice(0, 8)) throw new EksTokenError('malformed X-Amz-Credential');
  const creds =
    akid === cfg.accessKeyId ? { secretAccessKey: cfg.secretAccessKey, sessionToken: cfg.sessionToken, user: cfg.user, forbid: cfg.forbid } : cfg.resolve?.(akid);
  if (!creds) throw new EksTokenError(`InvalidClientTokenId: unknown access key ${akid}`);
  if (creds.sessionToken !== undefined && q.get('x-amz-security-token') !== creds.sessionToken) throw new EksTokenError('InvalidClientTokenId: security token does not match');
  const canonical = canonicalPresignedGet(params, url.host, cfg.clusterName, signedHeaders);
  const scope = `${credDate}/${credRegion}/sts/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonical)].join('\n');
  const expected = sigV4Signature(creds.secretAccessKey, credDate, credRegion, 'sts', sts);
  const got = q.get('x-amz-signature') ?? '';
  if (got.length !== expected.length || !timingSafeEqual(Buffer.from(got), Buffer.from(expected)))
    throw new EksTokenError('SignatureDoesNotMatch: the signature does not match (wrong secret, tampered token, or a token for another cluster)');
  return { accessKeyId: akid, user: creds.user ?? `eks:${akid}`, groups: ['system:authenticated'], forbid: creds.forbid };
}
