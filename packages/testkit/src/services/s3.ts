import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, removeDir, startService, tempDir } from '../process';

export interface S3Rule {
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  bucket?: string;
  prefix?: string;
}

export interface S3Faults {
  /** Requests matching any rule answer 403 AccessDenied. */
  deny?: S3Rule[];
}

export interface S3Handle {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Env for a child that should reach this emulator through the SDK's standard variables. */
  env: Record<string, string>;
  /** Create a bucket; returns its name. */
  bucket(name: string): Promise<string>;
  client(): S3Client;
  /** Keys under a prefix, sorted. */
  list(bucket: string, prefix?: string): Promise<string[]>;
  get(bucket: string, key: string): Promise<Buffer>;
  put(bucket: string, key: string, body: Buffer | string): Promise<void>;
  exists(bucket: string, key: string): Promise<boolean>;
  setFaults(faults: S3Faults): Promise<void>;
  /** Multipart uploads started but neither completed nor aborted. */
  pendingUploads(bucket: string): Promise<string[]>;
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * An S3 emulator (s3rver, in its own process) on a free loopback port. s3rver 3.7 works on Node 24
 * with SDK v3 defaults: our uploads send Buffers (lib-storage parts), so the default CRC32 checksums
 * arrive as plain headers, not aws-chunked bodies, and s3rver ignores them. It lacks
 * AbortMultipartUpload, which the wrapper adds (see s3-server.mjs).
 */
export async function startS3(opts: { faults?: S3Faults } = {}): Promise<S3Handle> {
  const dir = tempDir('s3');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const svc = await startService('s3', process.execPath, [join(here, 's3-server.mjs'), dir, String(port)], {
    cwd: here,
    env: { ...process.env, NODE_OPTIONS: '', S3_FAULTS: JSON.stringify(opts.faults ?? {}) },
    ready: async () => (await fetch(`${endpoint}/__control/faults`)).ok,
  }).catch((e) => {
    removeDir(dir);
    throw e;
  });
  const keys = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };
  const client = () => new S3Client({ endpoint, region: keys.region, forcePathStyle: true, credentials: keys });
  const control = async (path: string, body?: unknown) => {
    const res = await fetch(`${endpoint}/__control/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    return res.json();
  };
  let cached: S3Client | undefined;
  const shared = () => (cached ??= client());
  let stopped = false;
  return {
    endpoint,
    ...keys,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_REGION: keys.region,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    async bucket(name) {
      const c = client();
      await c.send(new CreateBucketCommand({ Bucket: name }));
      c.destroy();
      return name;
    },
    client,
    async list(bucket, prefix = '') {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await shared().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        out.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    async get(bucket, key) {
      const res = await shared().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    },
    async put(bucket, key, body) {
      await shared().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async exists(bucket, key) {
      return shared()
        .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
        .then(() => true, () => false);
    },
    async setFaults(faults) {
      await control('faults', faults);
    },
    async pendingUploads(bucket) {
      return (await control(`uploads/${bucket}`)) as string[];
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      cached?.destroy();
      await svc.stop();
      removeDir(dir);
    },
  };
}
