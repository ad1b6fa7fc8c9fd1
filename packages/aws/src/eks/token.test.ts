import { createHmac, createHash } from 'node:crypto';
import { decodeEksToken, eksToken, TOKEN_PREFIX } from './token';
import { eksTokenProvider } from './access';

// aws-iam-authenticator pkg/token/token_test.go TestGetWithSTS (re-derived in deploy-anchors §4)
const creds = {
  accessKeyId: Buffer.from('QVNJQVIyVEc0NFY2QVMzWlpFN0M=', 'base64').toString(),
  secretAccessKey: Buffer.from('NEtENWNudEdjVm1MV1JkRjV3dk5SdXpOTDVReG1wNk9LVlk2RnovUQ==', 'base64').toString(),
};
const URL_VECTOR =
  'https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAR2TG44V6AS3ZZE7C%2F20230428%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20230428T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce';
const TOKEN_VECTOR =
  'k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BU0lBUjJURzQ0VjZBUzNaWkU3QyUyRjIwMjMwNDI4JTJGdXMtd2VzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyMzA0MjhUMDAwMDAwWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9ZTIxMWRiYTc3YWJhOWRjNDRiMGI2YmUzOGI4ZWFhZDA5MjU5OWM1MTU3ZjYzMTQ0NDRjNWI5ZDg1NzQ3ZjVjZQ';
const NOW = new Date(1682640000 * 1000);

/** An independent SigV4 check (node:crypto), as the API server's authenticator would do via STS. */
function verify(url: URL, cluster: string, secret: string): boolean {
  const q = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const canonicalQuery = q.map(([k, v]) => [enc(k), enc(v)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
  const canonical = ['GET', '/', canonicalQuery, `host:${url.host}\nx-k8s-aws-id:${cluster}\n`, 'host;x-k8s-aws-id', createHash('sha256').update('').digest('hex')].join('\n');
  const date = url.searchParams.get('X-Amz-Date')!;
  const scope = url.searchParams.get('X-Amz-Credential')!.split('/').slice(1).join('/');
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const [day, region, service] = scope.split('/');
  let k: Buffer = createHmac('sha256', 'AWS4' + secret).update(day).digest();
  for (const part of [region, service, 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  return createHmac('sha256', k).update(toSign).digest('hex') === url.searchParams.get('X-Amz-Signature');
}

describe('EKS token', () => {
  it('matches the aws-iam-authenticator vector byte for byte', async () => {
    const t = await eksToken({ clusterName: 'test-cluster', region: 'us-west-2', credentials: creds, now: NOW });
    expect(t.url).toBe(URL_VECTOR);
    expect(t.token).toBe(TOKEN_VECTOR);
    expect(t.token).not.toContain('=');
    expect(t.expiresAt.getTime() - NOW.getTime()).toBe(14 * 60_000);
  });

  it('round-trips and passes the authenticator\'s server-side checks', async () => {
    const t = await eksToken({ clusterName: 'wallet-prod', region: 'eu-west-1', credentials: { ...creds, sessionToken: 'FwoG+session/token==' }, now: NOW });
    expect(t.token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(t.token.length).toBeLessThanOrEqual(4096);
    const url = decodeEksToken(t.token);
    expect(url.toString()).toBe(t.url);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const allowed = ['action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders'];
    const keys = [...url.searchParams.keys()].map((k) => k.toLowerCase());
    expect(keys.every((k) => allowed.includes(k))).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toContain('x-k8s-aws-id');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('FwoG+session/token==');
    expect(t.url).toContain('X-Amz-Security-Token=FwoG%2Bsession%2Ftoken%3D%3D');
    expect(verify(url, 'wallet-prod', creds.secretAccessKey)).toBe(true);
    expect(verify(url, 'other-cluster', creds.secretAccessKey)).toBe(false);
  });

  it('uses AWS_ENDPOINT_URL_STS when given (host and port signed)', async () => {
    const t = await eksToken({ clusterName: 'c', region: 'us-east-1', credentials: creds, now: NOW, stsEndpoint: 'http://127.0.0.1:4566' });
    const url = decodeEksToken(t.token);
    expect(url.host).toBe('127.0.0.1:4566');
    expect(verify(url, 'c', creds.secretAccessKey)).toBe(true);
  });

  it('China regions use the .com.cn endpoint', async () => {
    const t = await eksToken({ clusterName: 'c', region: 'cn-north-1', credentials: creds, now: NOW });
    expect(decodeEksToken(t.token).host).toBe('sts.cn-north-1.amazonaws.com.cn');
  });
});

describe('eksTokenProvider', () => {
  it('caches, masks at once, re-mints before 14 minutes and after invalidate()', async () => {
    let now = NOW.getTime();
    const clock = { now: () => now, sleep: async () => {} };
    const secrets: string[] = [];
    let calls = 0;
    const p = eksTokenProvider({ clusterName: 'c', region: 'us-east-1', credentials: async () => (calls++, creds), clock, onSecret: (s) => secrets.push(s), env: {} });
    const a = await p.token();
    expect(secrets).toContain(a);
    expect(secrets).toContain(creds.secretAccessKey);
    now += 5 * 60_000;
    expect(await p.token()).toBe(a);
    now += 6 * 60_000; // 11 min: past the 10-min refresh point, well before 14
    const b = await p.token();
    expect(b).not.toBe(a);
    p.invalidate();
    now += 1000;
    expect(await p.token()).not.toBe(b);
    expect(calls).toBe(3);
  });
});
