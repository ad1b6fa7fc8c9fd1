import { createHash } from 'node:crypto';
import { startFaultProxy, type FaultProxy } from '../registry/fault-proxy';
import type { RegistryClient } from '../registry/client';
import type { EcrState } from './ecr';

/**
 * The ECR registry endpoint (what GetAuthorizationToken's proxyEndpoint points at): the real
 * registry behind a proxy that adds what ECR's registry does and Distribution does not —
 * pushes only into repositories created through the API, and IMMUTABLE tags refused on
 * overwrite with a different manifest (same manifest: accepted, as re-runs need). The proxy's
 * failNext() also scripts "503 then success" for push retries.
 */
const ROUTE = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/([^?]*)/;

export function startEcrRegistry(backendUrl: string, ecr: EcrState, registry: RegistryClient, expectedAuth: () => string): Promise<FaultProxy> {
  const errors = (code: string, message: string) => JSON.stringify({ errors: [{ code, message }] });
  return startFaultProxy(backendUrl, {
    async intercept(req) {
      const m = ROUTE.exec(req.path);
      // unauthenticated requests go through so the registry answers its 401 challenge first, as ECR does
      if (!m || req.headers.authorization !== expectedAuth()) return undefined;
      const [, name, kind, reference] = m;
      const repo = ecr.repositories.get(name);
      if (!repo) {
        return { status: 404, headers: { 'content-type': 'application/json' }, body: errors('NAME_UNKNOWN', `The repository with name '${name}' does not exist in the registry with id '${ecr.accountId}'`) };
      }
      if (kind === 'manifests' && req.method === 'PUT' && !reference.startsWith('sha256:') && repo.imageTagMutability === 'IMMUTABLE') {
        const existing = await registry.manifest(name, reference);
        const incoming = `sha256:${createHash('sha256').update(req.body).digest('hex')}`;
        if (existing && existing.digest !== incoming) {
          return {
            status: 400,
            headers: { 'content-type': 'application/json' },
            body: errors('TAG_INVALID', `The image tag '${reference}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`),
          };
        }
      }
      return undefined;
    },
    observe(req, status) {
      const m = ROUTE.exec(req.path);
      if (m && m[2] === 'manifests' && req.method === 'PUT' && status === 201) {
        const digest = `sha256:${createHash('sha256').update(req.body).digest('hex')}`;
        const repo = ecr.repositories.get(m[1]);
        if (repo && !repo.pushedAt.has(digest)) repo.pushedAt.set(digest, Math.floor(Date.now() / 1000));
      }
    },
  });
}
