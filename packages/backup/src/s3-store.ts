import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { BackupError } from './errors';
import type { Kdf } from './kdf';
import { isBackupObject, manifestKey, timestampFromKey } from './names';

/**
 * S3 access through the SDK's default chain: credentials and `AWS_ENDPOINT_URL_S3` (or
 * `AWS_ENDPOINT_URL`) come from the environment; region from AWS_REGION/AWS_DEFAULT_REGION.
 */
export function s3Client(opts: { forcePathStyle?: boolean; env?: Record<string, string | undefined> } = {}): S3Client {
  const env = opts.env ?? process.env;
  // AWS_S3_FORCE_PATH_STYLE: for actions without a force-path-style input (S3-compatible servers)
  const forcePathStyle = opts.forcePathStyle || /^(1|true|yes)$/i.test(env.AWS_S3_FORCE_PATH_STYLE ?? '');
  return new S3Client({ region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1', forcePathStyle });
}

/** Where an encrypted backup is and how to open it: what verify and restore both start from. */
export interface EncryptedSource {
  client: S3Client;
  bucket: string;
  prefix: string;
  key?: string;
  password: string;
  kdf: Kdf | 'auto';
  iterations?: number;
}

/** Where a new backup goes and how it is encrypted: what the PostgreSQL and Redis backups share. */
export interface BackupDestination {
  client: S3Client;
  bucket: string;
  prefix: string;
  password: string;
  kdf: Kdf;
  iterations?: number;
  storageClass?: string;
}

/** What every verification report starts with: which backup, how old, how big, and the verdict. */
export interface VerifiedBackup {
  ok: boolean;
  error?: unknown;
  key?: string;
  takenAt?: string;
  ageSeconds?: number;
  size?: number;
}

export interface BackupObject {
  key: string;
  size: number;
  lastModified: Date;
  /** When the backup was taken: the earlier of the name's timestamp and LastModified (conservative for RPO). */
  takenAt: Date;
}

export function takenAt(key: string, lastModified: Date): Date {
  const fromName = timestampFromKey(key);
  return fromName && fromName < lastModified ? fromName : lastModified;
}

/** Every `.enc` object under the prefix, oldest first. */
export async function listBackups(client: S3Client, bucket: string, prefix: string): Promise<BackupObject[]> {
  const out: BackupObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3Call(`list s3://${bucket}/${prefix}`, () => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })));
    for (const o of page.Contents ?? []) {
      if (!o.Key || !isBackupObject(o.Key)) continue;
      const lm = o.LastModified ?? new Date(0);
      out.push({ key: o.Key, size: o.Size ?? 0, lastModified: lm, takenAt: takenAt(o.Key, lm) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime() || a.key.localeCompare(b.key));
}

export async function findBackup(client: S3Client, bucket: string, prefix: string, key?: string): Promise<BackupObject> {
  if (key) {
    const h = await s3Call(`read s3://${bucket}/${key}`, () => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    const lm = h.LastModified ?? new Date(0);
    return { key, size: h.ContentLength ?? 0, lastModified: lm, takenAt: takenAt(key, lm) };
  }
  const all = await listBackups(client, bucket, prefix);
  if (!all.length) throw new BackupError(`no backups under s3://${bucket}/${prefix} (looked for objects ending in .enc)`, 'no-backups');
  return all[all.length - 1];
}

export async function openObject(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<Readable> {
  const res = await s3Call(`read s3://${bucket}/${key}`, () => client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }));
  return res.Body as Readable;
}

export async function getJson<T>(client: S3Client, bucket: string, key: string): Promise<T | undefined> {
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await res.Body!.transformToString()) as T;
  } catch {
    return undefined;
  }
}

export async function putJson(client: S3Client, bucket: string, key: string, value: unknown, storageClass?: string): Promise<void> {
  await s3Call(`write s3://${bucket}/${key}`, () =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value, null, 2) + '\n', ContentType: 'application/json', StorageClass: storageClass as StorageClass | undefined })),
  );
}

/**
 * Multipart upload from a stream in constant memory (2 parts of 8 MiB in flight). If the body errors,
 * lib-storage aborts the multipart upload, so no object appears; we also abort on our own failures.
 */
export async function uploadStream(client: S3Client, p: { bucket: string; key: string; body: Readable; storageClass?: string; signal?: AbortSignal }): Promise<void> {
  const upload = new Upload({
    client,
    params: { Bucket: p.bucket, Key: p.key, Body: p.body, ContentType: 'application/octet-stream', StorageClass: p.storageClass as StorageClass | undefined },
    queueSize: 2,
    partSize: 8 * 1024 * 1024,
    leavePartsOnError: false,
  });
  const onAbort = () => void upload.abort().catch(() => {});
  p.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await s3Call(`upload s3://${p.bucket}/${p.key}`, () => upload.done());
  } finally {
    p.signal?.removeEventListener('abort', onAbort);
  }
}

export async function deleteKeys(client: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const res = await s3Call(`delete from s3://${bucket}`, () => client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })));
    if (res.Errors?.length) throw new BackupError(`could not delete ${res.Errors.map((e) => `${e.Key} (${e.Code})`).join(', ')}`, 'access-denied');
  }
}

export { manifestKey };

/** S3 failures people can act on become BackupErrors naming the operation; the rest pass through. */
export async function s3Call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const name = (e as { name?: string; Code?: string })?.name ?? '';
    const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
    if (name === 'AccessDenied' || status === 403) {
      throw new BackupError(`access denied: ${what} (check the role's s3 permissions for this bucket and prefix)`, 'access-denied', { cause: e });
    }
    if (name === 'NoSuchBucket') throw new BackupError(`${what}: the bucket does not exist`, 'no-backups', { cause: e });
    if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) throw new BackupError(`${what}: no such object`, 'no-backups', { cause: e });
    throw e;
  }
}
