// EKS tokens: the aws-iam-authenticator test vector, tokens presigned by @smithy/signature-v4 (as
// the product's generator will), and every rejection the server must make, end to end (401).
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { verifyEksToken } from './eks-token';
import { type Cluster, startCluster } from './index';
import { call } from './test-client';

const VECTOR = {
  token:
    'k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BU0lBUjJURzQ0VjZBUzNaWkU3QyUyRjIwMjMwNDI4JTJGdXMtd2VzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyMzA0MjhUMDAwMDAwWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9ZTIxMWRiYTc3YWJhOWRjNDRiMGI2YmUzOGI4ZWFhZDA5MjU5OWM1MTU3ZjYzMTQ0NDRjNWI5ZDg1NzQ3ZjVjZQ',
  cfg: {
    clusterName: 'test-cluster',
    region: 'us-west-2',
    accessKeyId: Buffer.from('QVNJQVIyVEc0NFY2QVMzWlpFN0M=', 'base64').toString(),
    secretAccessKey: Buffer.from('NEtENWNudEdjVm1MV1JkRjV3dk5SdXpOTDVReG1wNk9LVlk2RnovUQ==', 'base64').toString(),
    now: () => Date.UTC(2023, 3, 28, 0, 0, 30),
  },
};

const CREDS = { clusterName: 'sandbox-eks', region: 'eu-west-1', accessKeyId: 'AKIASANDBOXTEST00001', secretAccessKey: 'sandbox/secret/key/for/tests/only/0000000' };

/** The product-side algorithm, in miniature: SigV4-presign STS GetCallerIdentity. */
async function mint(o: { clusterName?: string; secretAccessKey?: string; signingDate?: Date; action?: string; extraQuery?: Record<string, string>; host?: string } = {}): Promise<string> {
  const region = CREDS.region;
  const host = o.host ?? `sts.${region}.amazonaws.com`;
  const signer = new SignatureV4({ service: 'sts', region, sha256: Sha256, credentials: { accessKeyId: CREDS.accessKeyId, secretAccessKey: o.secretAccessKey ?? CREDS.secretAccessKey } });
  const signed = await signer.presign(
    { method: 'GET', protocol: 'https:', hostname: host, path: '/', query: { Action: o.action ?? 'GetCallerIdentity', Version: '2011-06-15', ...o.extraQuery }, headers: { host, 'x-k8s-aws-id': o.clusterName ?? CREDS.clusterName } },
    { expiresIn: 60, signingDate: o.signingDate ?? new Date() },
  );
  const q = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return 'k8s-aws-v1.' + Buffer.from(`https://${host}/?${q}`).toString('base64url');
}

describe('EKS token verification', () => {
  it('accepts the aws-iam-authenticator test vector', () => {
    expect(verifyEksToken(VECTOR.token, VECTOR.cfg).accessKeyId).toBe('ASIAR2TG44V6AS3ZZE7C');
  });

  it('rejects the vector for another cluster, after 15 minutes, or tampered', () => {
    expect(() => verifyEksToken(VECTOR.token, { ...VECTOR.cfg, clusterName: 'other' })).toThrow(/SignatureDoesNotMatch/);
    expect(() => verifyEksToken(VECTOR.token, { ...VECTOR.cfg, now: () => Date.UTC(2023, 3, 28, 0, 15, 1) })).toThrow(/expired/);
    const url = Buffer.from(VECTOR.token.slice(11), 'base64url').toString().replace('Signature=e2', 'Signature=f2');
    expect(() => verifyEksToken('k8s-aws-v1.' + Buffer.from(url).toString('base64url'), VECTOR.cfg)).toThrow(/SignatureDoesNotMatch/);
    expect(() => verifyEksToken(VECTOR.token + '=', VECTOR.cfg)).toThrow(/base64url/);
  });
});

describe('EKS tokens against the API server', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster({ eks: { ...CREDS, user: 'arn:aws:sts::111122223333:assumed-role/deployer/ci', forbid: [{ verb: 'delete', resource: 'deployments' }] } });
  });
  afterAll(() => c.stop());

  const lastAuthError = () => c.requests[c.requests.length - 1].authError;

  it('a freshly minted token is accepted and maps to the configured user', async () => {
    const r = await call(c, 'GET', '/api/v1/namespaces/default/pods', { token: await mint() });
    expect(r.status).toBe(200);
    expect(c.requests[c.requests.length - 1].user).toBe('arn:aws:sts::111122223333:assumed-role/deployer/ci');
  });

  it('the forbid list applies to EKS users with the real 403 wording', async () => {
    const r = await call(c, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/web', { token: await mint() });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403 });
    expect(r.json.message).toBe('deployments.apps "web" is forbidden: User "arn:aws:sts::111122223333:assumed-role/deployer/ci" cannot delete resource "deployments" in API group "apps" in the namespace "default"');
  });

  const rejected: [string, () => Promise<string>, RegExp][] = [
    ['a token for another cluster', () => mint({ clusterName: 'prod-cluster' }), /SignatureDoesNotMatch/],
    ['a token older than 15 minutes', () => mint({ signingDate: new Date(Date.now() - 16 * 60_000) }), /expired/],
    ['a token signed with the wrong secret', () => mint({ secretAccessKey: 'wrong' }), /SignatureDoesNotMatch/],
    ['another STS action', () => mint({ action: 'AssumeRole' }), /unexpected action/],
    ['an unknown query key', () => mint({ extraQuery: { 'X-Amz-Foo': 'bar' } }), /non-whitelisted/],
    ['a non-STS host', () => mint({ host: 'evil.example.com' }), /unexpected hostname/],
    ['a tampered signature', async () => 'k8s-aws-v1.' + Buffer.from(Buffer.from((await mint()).slice(11), 'base64url').toString().replace(/Signature=(.)/, (_m, ch: string) => `Signature=${ch === '0' ? '1' : '0'}`)).toString('base64url'), /SignatureDoesNotMatch/],
    ['a missing prefix', async () => (await mint()).slice(11), /unknown token/],
  ];
  it.each(rejected)('rejects %s with 401 and a Status body', async (_what, make, why) => {
    const r = await call(c, 'GET', '/api/v1/namespaces/default/pods', { token: await make() });
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect(lastAuthError()).toMatch(why);
  });

  it('no token at all is 401; /healthz and /version are open', async () => {
    expect((await call(c, 'GET', '/api/v1/pods', { token: null })).status).toBe(401);
    expect((await call(c, 'GET', '/healthz', { token: null })).text).toBe('ok');
    expect((await call(c, 'GET', '/version', { token: null })).json.gitVersion).toMatch(/^v1\.32/);
  });
});
