// The S3 emulator process started by startS3(): s3rver (filesystem store) plus what it lacks for our
// clients — AbortMultipartUpload, a fault switch (AccessDenied) and a small control endpoint.
// Usage: node s3-server.mjs <dir> <port>; prints "READY <port>" once listening.
import S3rver from 's3rver';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const [dir, portArg] = process.argv.slice(2);
let faults = JSON.parse(process.env.S3_FAULTS || '{}');
const server = new S3rver({ port: Number(portArg), address: '127.0.0.1', silent: true, directory: dir });
const uploadsDir = (bucket) => server.store.getResourcePath(bucket, undefined, 'uploads');

const accessDenied = (ctx) => {
  ctx.status = 403;
  ctx.type = 'application/xml';
  ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>sandbox</RequestId></Error>';
};

// key of a path-style request: /bucket/key...
const split = (path) => {
  const [, bucket = '', ...rest] = decodeURIComponent(path).split('/');
  return { bucket, key: rest.join('/') };
};

const denied = (method, bucket, key) =>
  (faults.deny ?? []).some((r) => (!r.method || r.method === method) && (!r.bucket || r.bucket === bucket) && (!r.prefix || key.startsWith(r.prefix)));

server.middleware.unshift(async (ctx, next) => {
  if (ctx.path === '/__control/faults') {
    if (ctx.method === 'POST') {
      const chunks = [];
      for await (const c of ctx.req) chunks.push(c);
      faults = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    }
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(faults);
    return;
  }
  if (ctx.path.startsWith('/__control/uploads/')) {
    const bucket = ctx.path.slice('/__control/uploads/'.length);
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(await readdir(uploadsDir(bucket)).catch(() => []));
    return;
  }
  const { bucket, key } = split(ctx.path);
  if (denied(ctx.method, bucket, key)) return accessDenied(ctx);
  // s3rver has no AbortMultipartUpload: drop the parts ourselves
  if (ctx.method === 'DELETE' && 'uploadId' in ctx.query) {
    await rm(join(uploadsDir(bucket), String(ctx.query.uploadId)), { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  await next();
});

const { port } = await server.run();
process.stdout.write(`READY ${port}\n`);
const shutdown = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
