/** Written beside each backup as `<key>.manifest.json`; verify compares the object's sha256 with it. */
export interface Manifest {
  version: 1;
  key: string;
  kind: 'postgres' | 'redis';
  createdAt: string;
  format?: 'plain' | 'custom';
  cipher: 'aes-256-cbc';
  kdf: string;
  iterations?: number;
  /** sha256 of the encrypted object, as stored. */
  sha256: string;
  encryptedBytes: number;
  /** Bytes before compression/encryption (dump or RDB). */
  sourceBytes: number;
  serverVersion?: string;
  pgDumpVersion?: string;
  /** Plain dumps: the completion footer (and \unrestrict pair) was present. */
  footer?: boolean;
  rdbVersion?: number;
  seconds: number;
}
