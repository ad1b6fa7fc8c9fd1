import { httpRetryable, UserError, type RetryDecision } from '@dantaro/core';
import { ToolError } from './exec';

/**
 * Reading a push failure from the tool's own words: registry auth problems and immutable-tag
 * refusals are final (a retry cannot fix them); 5xx/429, timeouts and dropped connections retry.
 */
export const PUSH_PERMISSIONS = [
  'ecr:GetAuthorizationToken',
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
  'ecr:BatchGetImage',
];

const AUTH = /unauthorized|authentication required|no basic auth credentials|denied:|access denied|\b401\b|\b403\b/i;
const IMMUTABLE = /tag invalid|cannot be overwritten because the repository is immutable|ImageTagAlreadyExists/i;
const MISSING_REPO = /NAME_UNKNOWN|repository with name '[^']*' does not exist|name unknown/i;
const STATUS = /(?:HTTP status:?|status code|HTTP\/\d(?:\.\d)?)\s*(\d{3})|\b(5\d\d) (?:Service Unavailable|Internal Server Error|Bad Gateway|Gateway Timeout)|\b(429) Too Many Requests/i;
const NETWORK = /i\/o timeout|connection reset|connection refused|broken pipe|TLS handshake timeout|unexpected EOF|\bEOF\b|server misbehaving|toomanyrequests|timeout exceeded/i;

export type PushFailure = 'auth' | 'immutable' | 'missing-repository' | 'transient' | 'other';

export function classifyPushError(e: unknown): PushFailure {
  const text = e instanceof ToolError ? e.tail : e instanceof Error ? e.message : String(e);
  if (IMMUTABLE.test(text)) return 'immutable';
  if (MISSING_REPO.test(text)) return 'missing-repository';
  if (AUTH.test(text)) return 'auth';
  const m = STATUS.exec(text);
  const status = m ? Number(m[1] ?? m[2] ?? m[3]) : undefined;
  if (status !== undefined && httpRetryable(status).retry) return 'transient';
  if (NETWORK.test(text)) return 'transient';
  return 'other';
}

export function pushRetryDecision(e: unknown): RetryDecision {
  return { retry: classifyPushError(e) === 'transient' };
}

/** Final push failures as errors the user can act on. */
export function explainPushError(e: unknown, image: string): unknown {
  switch (classifyPushError(e)) {
    case 'auth':
      return new UserError(`pushing ${image} was refused by the registry (authentication/authorization)`, {
        hint: `the job's AWS role needs ${PUSH_PERMISSIONS.join(', ')} on this repository`,
        cause: e,
      });
    case 'missing-repository':
      return new UserError(`pushing ${image}: the ECR repository does not exist`, { hint: 'create it, or set `create-repository: true`', cause: e });
    default:
      return e;
  }
}
