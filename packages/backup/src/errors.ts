import { UserError } from '@dantaro/core';

/**
 * A backup that is not what it should be (wrong password, damaged, truncated, too old). A UserError:
 * the message is the verdict a person acts on, not a bug report.
 */
export class BackupError extends UserError {
  constructor(
    message: string,
    readonly reason: BackupFailure,
    opts: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, opts);
  }
}

export type BackupFailure =
  | 'bad-decrypt'
  | 'truncated-ciphertext'
  | 'not-encrypted'
  | 'gzip-corrupt'
  | 'gzip-truncated'
  | 'dump-truncated'
  | 'restore-failed'
  | 'rdb-corrupt'
  | 'access-denied'
  | 'no-backups'
  | 'too-old'
  | 'too-small'
  | 'checks-failed'
  | 'dump-failed'
  | 'unknown-content'
  | 'unsafe-target';

export const BAD_DECRYPT = 'bad decrypt: wrong password, wrong kdf, or corrupted file';

/** Turn OpenSSL / zlib stream errors into the verdicts people read; anything else passes through. */
export function explainStreamError(e: unknown): unknown {
  if (e instanceof BackupError) return e;
  const err = e as { code?: string; message?: string };
  const msg = err?.message ?? '';
  switch (err?.code) {
    case 'ERR_OSSL_BAD_DECRYPT':
    case 'ERR_OSSL_EVP_BAD_DECRYPT':
      return new BackupError(
        'bad decrypt at the end of the object: the encrypted backup is truncated or altered (the start decrypted, so the password and kdf are right)',
        'truncated-ciphertext',
        { cause: e },
      );
    case 'ERR_OSSL_WRONG_FINAL_BLOCK_LENGTH':
    case 'ERR_OSSL_EVP_WRONG_FINAL_BLOCK_LENGTH':
      return new BackupError('the encrypted backup is truncated or altered: its length is not a whole number of AES blocks (wrong final block length)', 'truncated-ciphertext', { cause: e });
    case 'Z_DATA_ERROR':
      if (/incorrect data check/.test(msg)) {
        return new BackupError('gzip CRC mismatch: the backup is corrupted (bytes changed after it was written)', 'gzip-corrupt', { cause: e });
      }
      return new BackupError(`gzip data error: the backup is corrupted (${msg})`, 'gzip-corrupt', { cause: e });
    case 'Z_BUF_ERROR':
      return new BackupError('gzip stream is truncated (unexpected end of file): the backup was cut short', 'gzip-truncated', { cause: e });
  }
  return e;
}
