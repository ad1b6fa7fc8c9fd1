import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UserError } from '@dantaro/core';
import { parse as parseYaml } from 'yaml';
import type { KubeConnection, TokenProvider } from './client';

/**
 * Kubeconfig → KubeConnection: a file path or inline YAML (or base64 of it), the named or current
 * context, CA/cert/key as data or files (relative to the kubeconfig), token or tokenFile, basic auth,
 * insecure-skip-tls-verify, and exec credential plugins (e.g. `aws eks get-token`). Every credential is
 * handed to `onSecret` the moment it is read.
 */
interface NamedCluster {
  name: string;
  cluster: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string; 'insecure-skip-tls-verify'?: boolean; 'tls-server-name'?: string };
}
interface ExecConfig {
  command: string;
  args?: string[];
  env?: Array<{ name: string; value: string }>;
  apiVersion?: string;
}
interface NamedUser {
  name: string;
  user: {
    token?: string;
    tokenFile?: string;
    'client-certificate-data'?: string;
    'client-certificate'?: string;
    'client-key-data'?: string;
    'client-key'?: string;
    username?: string;
    password?: string;
    exec?: ExecConfig;
  };
}
interface KubeconfigDoc {
  clusters?: NamedCluster[];
  users?: NamedUser[];
  contexts?: Array<{ name: string; context: { cluster: string; user: string; namespace?: string } }>;
  'current-context'?: string;
}

export interface LoadKubeconfigOptions {
  /** The `kubeconfig` input: a path, inline YAML, or base64 of the YAML. */
  source: string;
  context?: string;
  onSecret?: (value: string) => void;
  /** Name of the input, for error messages. */
  inputName?: string;
  env?: Record<string, string | undefined>;
}

export function loadKubeconfig(o: LoadKubeconfigOptions): KubeConnection {
  const input = o.inputName ?? 'kubeconfig';
  const secret = (v: string | undefined) => {
    if (v) o.onSecret?.(v);
    return v;
  };
  const { text, baseDir } = readSource(o.source, input);
  secret(text.includes('\n') ? undefined : text); // a single-line (base64) blob is itself a credential
  let doc: KubeconfigDoc;
  try {
    doc = parseYaml(text) as KubeconfigDoc;
  } catch (e) {
    throw new UserError(`input "${input}": not valid kubeconfig YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.clusters)) {
    throw new UserError(`input "${input}": expected a kubeconfig (YAML with clusters, users and contexts), a path to one, or base64 of one`);
  }
  for (const u of doc.users ?? []) {
    secret(u.user?.token);
    secret(u.user?.password);
    secret(u.user?.['client-key-data']);
  }
  const ctxName = o.context || doc['current-context'];
  if (!ctxName) throw new UserError(`input "${input}" has no current-context: set input "context" to one of: ${(doc.contexts ?? []).map((c) => c.name).join(', ') || '(none)'}`);
  const ctx = doc.contexts?.find((c) => c.name === ctxName);
  if (!ctx) throw new UserError(`context "${ctxName}" is not in the kubeconfig; it has: ${(doc.contexts ?? []).map((c) => c.name).join(', ') || '(none)'}`);
  const cluster = doc.clusters.find((c) => c.name === ctx.context.cluster)?.cluster;
  if (!cluster?.server) throw new UserError(`kubeconfig context "${ctxName}": cluster "${ctx.context.cluster}" is missing or has no server`);
  const user = doc.users?.find((u) => u.name === ctx.context.user)?.user ?? {};
  const file = (p: string) => readFileSync(isAbsolute(p) ? p : resolve(baseDir, p), 'utf8');
  const b64 = (v: string) => Buffer.from(v, 'base64').toString('utf8');

  const conn: KubeConnection = {
    server: cluster.server,
    caPem: cluster['certificate-authority-data'] ? b64(cluster['certificate-authority-data']) : cluster['certificate-authority'] ? file(cluster['certificate-authority']) : undefined,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: cluster['tls-server-name'],
    namespace: ctx.context.namespace,
    clientCertPem: user['client-certificate-data'] ? b64(user['client-certificate-data']) : user['client-certificate'] ? file(user['client-certificate']) : undefined,
    clientKeyPem: secret(user['client-key-data'] ? b64(user['client-key-data']) : user['client-key'] ? file(user['client-key']) : undefined),
  };
  if (user.token) conn.auth = { token: async () => user.token! };
  else if (user.tokenFile) conn.auth = { token: async () => secret(file(user.tokenFile!).trim())! }; // re-read: projected tokens rotate
  else if (user.exec) conn.auth = execTokenProvider(user.exec, { onSecret: o.onSecret, env: o.env });
  else if (user.username && user.password) conn.basicAuth = { username: user.username, password: user.password };
  return conn;
}

function readSource(source: string, input: string): { text: string; baseDir: string } {
  const s = source.trim();
  if (s.includes('\n') || /^(apiVersion|kind|clusters|\{)/.test(s)) return { text: s, baseDir: process.cwd() };
  if (existsSync(s)) return { text: readFileSync(s, 'utf8'), baseDir: dirname(resolve(s)) };
  if (/^[A-Za-z0-9+/=_-]{40,}$/.test(s)) {
    const decoded = Buffer.from(s, 'base64').toString('utf8');
    if (/clusters\s*:/.test(decoded)) return { text: decoded, baseDir: process.cwd() };
  }
  // the value is not echoed: it may be a mangled secret
  throw new UserError(`input "${input}" is neither a readable file nor kubeconfig YAML (nor base64 of it); give a path such as $RUNNER_TEMP/kubeconfig or the YAML itself`);
}

/** `users[].user.exec`: run the plugin, read ExecCredential status.token, cache until its expiry. */
export function execTokenProvider(exec: ExecConfig, o: { onSecret?: (v: string) => void; env?: Record<string, string | undefined> } = {}): TokenProvider {
  let cached: { token: string; expires: number } | undefined;
  return {
    invalidate: () => void (cached = undefined),
    token: async () => {
      if (cached && Date.now() < cached.expires - 60_000) return cached.token;
      const env = { ...(o.env ?? process.env), ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])) };
      env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', spec: { interactive: false } });
      const stdout = await new Promise<string>((res, rej) =>
        execFile(exec.command, exec.args ?? [], { env, timeout: 60_000, maxBuffer: 1 << 20 }, (err, out, errOut) =>
          err ? rej(new UserError(`kubeconfig exec plugin "${exec.command}" failed: ${String(errOut || err.message).trim().split('\n')[0]}`)) : res(out),
        ),
      );
      let cred: { status?: { token?: string; expirationTimestamp?: string } };
      try {
        cred = JSON.parse(stdout);
      } catch {
        throw new UserError(`kubeconfig exec plugin "${exec.command}" did not print an ExecCredential JSON`);
      }
      const token = cred.status?.token;
      if (!token) throw new UserError(`kubeconfig exec plugin "${exec.command}" returned no token (client-certificate credentials are not supported)`);
      o.onSecret?.(token);
      const exp = Date.parse(cred.status?.expirationTimestamp ?? '');
      cached = { token, expires: Number.isNaN(exp) ? Date.now() + 10 * 60_000 : exp };
      return token;
    },
  };
}
