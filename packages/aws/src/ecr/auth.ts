import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetAuthorizationTokenCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { Secrets } from '@dantaro/core';
import { withAuthHint } from './errors';

/**
 * ECR login without `docker login`: GetAuthorizationToken, mask the password the moment it is
 * decoded, and write it only into a private auth file (0600, in a 0700 dir under RUNNER_TEMP).
 * The same file serves both builders: DOCKER_CONFIG=<dir> (buildx reads config.json) and
 * REGISTRY_AUTH_FILE=<dir>/config.json (buildah/skopeo read the same `auths` format).
 */
export interface EcrAuthorization {
  /** Registry host from the token's proxyEndpoint, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  registry: string;
  proxyEndpoint: string;
  /** The endpoint is plain HTTP (sandbox/loopback only): tools need --tls-verify=false. */
  insecure: boolean;
  username: string;
  password: string;
  expiresAt?: Date;
}

export const ECR_LOGIN_PERMISSIONS = ['ecr:GetAuthorizationToken'];

export async function getEcrAuthorization(ecr: ECRClient, secrets: Secrets): Promise<EcrAuthorization> {
  const out = await withAuthHint('ECR GetAuthorizationToken', ECR_LOGIN_PERMISSIONS, () => ecr.send(new GetAuthorizationTokenCommand({})));
  const data = out.authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('ECR GetAuthorizationToken returned no authorization data');
  secrets.add(data.authorizationToken);
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = secrets.add(decoded.slice(colon + 1));
  const endpoint = new URL(data.proxyEndpoint.includes('://') ? data.proxyEndpoint : `https://${data.proxyEndpoint}`);
  return { registry: endpoint.host, proxyEndpoint: data.proxyEndpoint, insecure: endpoint.protocol === 'http:', username: decoded.slice(0, colon), password, expiresAt: data.expiresAt };
}

export interface RegistryAuthFiles {
  dir: string;
  file: string;
  /** Env for the builder child process. */
  env: { DOCKER_CONFIG: string; REGISTRY_AUTH_FILE: string };
}

/** Make the private dir first (so its path can be saved for the post step before any secret exists). */
export function makeAuthDir(base = process.env.RUNNER_TEMP || tmpdir()): RegistryAuthFiles {
  const dir = mkdtempSync(join(base, 'dantaro-registry-auth-'));
  chmodSync(dir, 0o700);
  const file = join(dir, 'config.json');
  return { dir, file, env: { DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: file } };
}

export function writeRegistryAuth(files: RegistryAuthFiles, hosts: string[], auth: Pick<EcrAuthorization, 'username' | 'password'>): void {
  const entry = { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') };
  const auths = Object.fromEntries(hosts.map((h) => [h, entry]));
  writeFileSync(files.file, JSON.stringify({ auths }), { mode: 0o600 });
  chmodSync(files.file, 0o600);
}

export function removeAuthDir(dir: string): boolean {
  try {
    rmSync(dir, { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}
