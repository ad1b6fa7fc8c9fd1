// Real services for the sandbox: PostgreSQL, Redis and an S3 emulator, each with a clean stop().
export * from './pg-bin';
export * from './postgres';
export * from './redis';
export * from './s3';
export * from './backup-fixtures';
