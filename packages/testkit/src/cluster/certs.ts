// A fresh CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI
// (node:crypto cannot issue X.509 certificates). EC P-256 keeps it fast.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Certs {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export async function makeCerts(): Promise<Certs> {
  const dir = mkdtempSync(join(tmpdir(), 'dantaro-cluster-ca-'));
  const f = (n: string) => join(dir, n);
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await run('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '3650', '-subj', '/CN=sandbox-cluster-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await run('openssl', ['req', ...ec, '-keyout', f('srv.key'), '-out', f('srv.csr'), '-subj', '/CN=kube-apiserver']);
    writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n');
    await run('openssl', ['x509', '-req', '-in', f('srv.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('srv.crt'), '-days', '3650', '-extfile', f('ext.cnf')]);
    return { caPem: readFileSync(f('ca.crt'), 'utf8'), certPem: readFileSync(f('srv.crt'), 'utf8'), keyPem: readFileSync(f('srv.key'), 'utf8') };
  } catch (e) {
    const err = e as { code?: string; message: string };
    if (err.code === 'ENOENT') throw new Error('the cluster simulator needs the openssl CLI to make its CA (apt-get install openssl)', { cause: e });
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
