import { createHash } from 'node:crypto';

/**
 * A small Distribution v2 client for the sandbox: tests and the fake ECR read what was really pushed
 * (tags, manifest digests, sizes, labels) from the registry itself rather than from our own records.
 */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];
const INDEX_TYPES = new Set([MANIFEST_TYPES[2], MANIFEST_TYPES[3]]);

export interface Manifest {
  digest: string;
  mediaType: string;
  /** The exact bytes served (ECR BatchGetImage returns them as imageManifest). */
  raw: string;
  json: {
    mediaType?: string;
    config?: { digest: string; size: number };
    layers?: Array<{ digest: string; size: number }>;
    manifests?: Array<{ digest: string; size: number; platform?: { os: string; architecture: string } }>;
  };
}

export interface RegistryClient {
  tags(repo: string): Promise<string[]>;
  /** undefined when the tag or digest is absent. */
  manifest(repo: string, reference: string): Promise<Manifest | undefined>;
  blob(repo: string, digest: string): Promise<Buffer>;
  /** Compressed size of an image: config + layers (for an index, summed over its manifests). */
  size(repo: string, m: Manifest): Promise<number>;
  labels(repo: string, reference: string): Promise<Record<string, string> | undefined>;
  /** PUT a manifest under a tag; returns its digest. */
  putManifest(repo: string, tag: string, raw: string, mediaType: string): Promise<string>;
}

export function registryClient(baseUrl: string, creds?: { user: string; password: string }): RegistryClient {
  const auth = creds ? { authorization: `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}` } : {};
  const get = (path: string, accept?: string) => fetch(`${baseUrl}${path}`, { headers: { ...auth, ...(accept ? { accept } : {}) } });

  const client: RegistryClient = {
    async tags(repo) {
      const res = await get(`/v2/${repo}/tags/list`);
      if (res.status === 404) return [];
      if (!res.ok) throw new Error(`registry tags/list ${repo}: ${res.status}`);
      return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
    },
    async manifest(repo, reference) {
      const res = await get(`/v2/${repo}/manifests/${reference}`, MANIFEST_TYPES.join(', '));
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`registry manifest ${repo}:${reference}: ${res.status}`);
      const body = Buffer.from(await res.arrayBuffer());
      const digest = res.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
      const raw = body.toString('utf8');
      const json = JSON.parse(raw) as Manifest['json'];
      return { digest, mediaType: json.mediaType ?? res.headers.get('content-type') ?? MANIFEST_TYPES[0], raw, json };
    },
    async blob(repo, digest) {
      const res = await get(`/v2/${repo}/blobs/${digest}`);
      if (!res.ok) throw new Error(`registry blob ${repo}@${digest}: ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    async size(repo, m) {
      if (INDEX_TYPES.has(m.mediaType)) {
        let total = 0;
        for (const d of m.json.manifests ?? []) {
          const child = await client.manifest(repo, d.digest);
          if (child) total += await client.size(repo, child);
        }
        return total;
      }
      return (m.json.config?.size ?? 0) + (m.json.layers ?? []).reduce((s, l) => s + l.size, 0);
    },
    async putManifest(repo, tag, raw, mediaType) {
      const res = await fetch(`${baseUrl}/v2/${repo}/manifests/${tag}`, { method: 'PUT', headers: { ...auth, 'content-type': mediaType }, body: raw });
      if (res.status !== 201) throw new Error(`registry PUT manifest ${repo}:${tag}: ${res.status} ${await res.text()}`);
      return res.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    },
    async labels(repo, reference) {
      let m = await client.manifest(repo, reference);
      if (m && INDEX_TYPES.has(m.mediaType)) m = await client.manifest(repo, m.json.manifests?.[0]?.digest ?? '');
      if (!m?.json.config) return undefined;
      const config = JSON.parse((await client.blob(repo, m.json.config.digest)).toString('utf8')) as { config?: { Labels?: Record<string, string> | null } };
      return config.config?.Labels ?? {};
    },
  };
  return client;
}

/** `host/repo:tag`, `repo:tag`, `repo@sha256:…` → { repo, reference } (host stripped when given). */
export function parseRef(ref: string, host?: string): { repo: string; reference: string } {
  let r = ref.replace(/^docker:\/\//, '');
  if (host && r.startsWith(`${host}/`)) r = r.slice(host.length + 1);
  const at = r.indexOf('@');
  if (at >= 0) return { repo: r.slice(0, at), reference: r.slice(at + 1) };
  const colon = r.lastIndexOf(':');
  if (colon > r.lastIndexOf('/')) return { repo: r.slice(0, colon), reference: r.slice(colon + 1) };
  return { repo: r, reference: 'latest' };
}
