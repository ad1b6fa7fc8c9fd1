import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig } from './kubeconfig';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const doc = `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443
    certificate-authority-data: ${b64(CA)}
- name: dev
  cluster:
    server: https://dev.example
    insecure-skip-tls-verify: true
users:
- name: ci
  user:
    token: tok-secret-123
- name: cert
  user:
    client-certificate-data: ${b64('CERT')}
    client-key-data: ${b64('KEY')}
contexts:
- name: prod
  context: { cluster: prod, user: ci, namespace: wallet }
- name: dev
  context: { cluster: dev, user: cert }
`;

describe('loadKubeconfig', () => {
  it('inline YAML, current context, CA data, token (registered as a secret)', async () => {
    const secrets: string[] = [];
    const c = loadKubeconfig({ source: doc, onSecret: (s) => secrets.push(s) });
    expect(c.server).toBe('https://prod.example:6443');
    expect(c.caPem).toBe(CA);
    expect(c.namespace).toBe('wallet');
    expect(await c.auth!.token()).toBe('tok-secret-123');
    expect(secrets).toContain('tok-secret-123');
    expect(secrets).toContain(b64('KEY'));
  });
  it('named context with client certs and insecure-skip-tls-verify', () => {
    const c = loadKubeconfig({ source: doc, context: 'dev' });
    expect(c).toMatchObject({ server: 'https://dev.example', insecureSkipTlsVerify: true, clientCertPem: 'CERT', clientKeyPem: 'KEY' });
    expect(c.auth).toBeUndefined();
  });
  it('a path, with files relative to the kubeconfig', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    writeFileSync(join(dir, 'ca.crt'), CA);
    writeFileSync(join(dir, 'token'), 'file-token\n');
    writeFileSync(
      join(dir, 'config'),
      `clusters: [{name: c, cluster: {server: 'https://x', certificate-authority: ca.crt}}]\nusers: [{name: u, user: {tokenFile: ${join(dir, 'token')}}}]\ncontexts: [{name: k, context: {cluster: c, user: u}}]\ncurrent-context: k\n`,
    );
    const c = loadKubeconfig({ source: join(dir, 'config') });
    expect(c.caPem).toBe(CA);
    expect(await c.auth!.token()).toBe('file-token');
  });
  it('base64 of the YAML', () => expect(loadKubeconfig({ source: b64(doc) }).server).toBe('https://prod.example:6443'));
  it('errors name the input and what exists', () => {
    expect(() => loadKubeconfig({ source: doc, context: 'nope' })).toThrow('context "nope" is not in the kubeconfig; it has: prod, dev');
    expect(() => loadKubeconfig({ source: '/no/such/file' })).toThrow(/input "kubeconfig" is neither a readable file nor kubeconfig YAML/);
    expect(() => loadKubeconfig({ source: 'a: [1\nb' })).toThrow(/input "kubeconfig"/);
    expect(() => loadKubeconfig({ source: 'foo: bar\nbaz: 1' })).toThrow(/expected a kubeconfig/);
  });
  it('exec plugins run with KUBERNETES_EXEC_INFO and their token is cached', async () => {
    const src = `clusters: [{name: c, cluster: {server: 'https://x'}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: node, args: ['-e', 'console.log(JSON.stringify({status:{token:"exec-" + JSON.parse(process.env.KUBERNETES_EXEC_INFO).kind, expirationTimestamp: new Date(Date.now()+3600e3).toISOString()}}))']}}}]
contexts: [{name: k, context: {cluster: c, user: u}}]
current-context: k
`;
    const secrets: string[] = [];
    const c = loadKubeconfig({ source: src, onSecret: (s) => secrets.push(s) });
    expect(await c.auth!.token()).toBe('exec-ExecCredential');
    expect(secrets).toContain('exec-ExecCredential');
  });
});
