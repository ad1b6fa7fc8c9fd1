import { UserError } from '@dantaro/core';

/**
 * AWS errors that are the user's to fix (credentials, IAM) become a UserError naming the missing
 * permission; they are never retried. Everything else passes through unchanged.
 */
const AUTH_CODES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'ExpiredToken',
  'CredentialsProviderError',
]);

export function isAwsAuthError(e: unknown): boolean {
  const name = (e as { name?: string } | undefined)?.name;
  return !!name && AUTH_CODES.has(name);
}

export function awsAuthError(e: unknown, action: string, permissions: string[]): UserError {
  const name = (e as { name?: string }).name ?? 'Error';
  const message = (e as { message?: string }).message ?? String(e);
  return new UserError(`${action} was refused by AWS (${name}): ${message}`, {
    hint: `the job's AWS role needs ${permissions.join(', ')}; with OIDC, check aws-actions/configure-aws-credentials ran in this job with \`permissions: id-token: write\``,
    cause: e,
  });
}

/** Rethrow auth failures as a UserError with the permissions hint. */
export async function withAuthHint<T>(action: string, permissions: string[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isAwsAuthError(e)) throw awsAuthError(e, action, permissions);
    throw e;
  }
}
