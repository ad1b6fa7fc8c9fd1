import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort, startService, tempDir, removeDir } from '../process';
import { parseRef, registryClient, type RegistryClient } from './client';

/**
 * A real Distribution v2 registry (Debian `docker-registry`) on a free loopback port: filesystem
 * storage in a temp dir, htpasswd (bcrypt) auth when users are given, deletes enabled.
 */
export interface RegistryUser {
  user: string;
  password: string;
}

export interface Registry {
  /** `127.0.0.1:<port>`: what image references start with. */
  host: string;
  url: string;
  users: RegistryUser[];
  dir: string;
  /** A client authenticated as the first user (or anonymous). */
  client: RegistryClient;
  imageExists(ref: string): Promise<boolean>;
  imageLabels(ref: string): Promise<Record<string, string>>;
  /** Write a containers-auth / docker config.json (0600) for a user, keyed by `host` (default: this registry). */
  authFile(opts?: { userIndex?: number; host?: string }): string;
  stop(): Promise<void>;
}

export const REGISTRY_BIN = process.env.DANTARO_REGISTRY_BIN ?? '/usr/bin/docker-registry';

export async function startRegistry(opts: { htpasswd?: RegistryUser[] } = {}): Promise<Registry> {
  const dir = tempDir('registry');
  const users = opts.htpasswd ?? [];
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  // cost 5 = `htpasswd -B` default; Distribution checks it with golang.org/x/crypto/bcrypt
  writeFileSync(join(dir, 'htpasswd'), users.map((u) => `${u.user}:${bcrypt.hashSync(u.password, 5)}\n`).join(''), { mode: 0o600 });
  const auth = users.length ? `auth:\n  htpasswd:\n    realm: dantaro-sandbox\n    path: ${join(dir, 'htpasswd')}\n` : '';
  const config = `version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: ${host}
  secret: sandbox-${port}
${auth}`;
  writeFileSync(join(dir, 'config.yml'), config);
  const svc = await startService('docker-registry', REGISTRY_BIN, ['serve', join(dir, 'config.yml')], {
    ready: async () => {
      const res = await fetch(`${url}/v2/`).catch(() => undefined);
      return res !== undefined && (res.status === 200 || res.status === 401);
    },
  });
  const client = registryClient(url, users[0]);
  return {
    host,
    url,
    users,
    dir,
    client,
    async imageExists(ref) {
      const { repo, reference } = parseRef(ref, host);
      return (await client.manifest(repo, reference)) !== undefined;
    },
    async imageLabels(ref) {
      const { repo, reference } = parseRef(ref, host);
      const labels = await client.labels(repo, reference);
      if (!labels) throw new Error(`image ${ref} not found in the sandbox registry`);
      return labels;
    },
    authFile({ userIndex = 0, host: key = host } = {}) {
      const u = users[userIndex];
      const path = join(tempDir('registry-auth'), 'auth.json');
      const auths = u ? { [key]: { auth: Buffer.from(`${u.user}:${u.password}`).toString('base64') } } : {};
      writeFileSync(path, JSON.stringify({ auths }), { mode: 0o600 });
      return path;
    },
    async stop() {
      await svc.stop();
      removeDir(dir);
    },
  };
}
