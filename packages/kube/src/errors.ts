import { UserError } from '@dantaro/core';

/** A non-2xx answer from the API server, with the Status object's reason and message when present. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly retryAfter?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(e: unknown, status?: number): e is ApiError {
  const err = e instanceof Error && e.name === 'RetryError' ? (e as { lastError?: unknown }).lastError : e;
  return err instanceof ApiError && (status === undefined || err.status === status);
}

/** The ApiError inside a RetryError (or the error itself). */
export function apiErrorOf(e: unknown): ApiError | undefined {
  if (e instanceof ApiError) return e;
  const last = (e as { lastError?: unknown } | undefined)?.lastError;
  return last instanceof ApiError ? last : undefined;
}

/** Turn a response body into an ApiError: a Kubernetes Status object if it is one, else the raw text. */
export function apiErrorFrom(status: number, body: string, retryAfter?: string): ApiError {
  let reason = defaultReason(status);
  let message = body.trim().slice(0, 500) || `HTTP ${status}`;
  let details: unknown;
  try {
    const s = JSON.parse(body) as { kind?: string; reason?: string; message?: string; details?: unknown };
    if (s && s.kind === 'Status') {
      reason = s.reason || reason;
      message = s.message || message;
      details = s.details;
    }
  } catch {}
  return new ApiError(status, reason, message, retryAfter, details);
}

function defaultReason(status: number): string {
  const map: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict', 410: 'Expired', 415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout' };
  return map[status] ?? 'Unknown';
}

/** A 403 is the user's to fix: say which verb on which resource, and where access is granted. */
export function forbidden(verb: string, resource: string, namespace: string | undefined, err: ApiError): UserError {
  const where = namespace ? ` in namespace "${namespace}"` : '';
  return new UserError(`forbidden: cannot ${verb} ${resource}${where}: ${err.message}`, {
    hint:
      `grant the CI identity "${verb}" on "${resource}"${where}: on EKS add an access entry for the role ` +
      `(aws eks create-access-entry + associate-access-policy, e.g. AmazonEKSEditPolicy scoped to the namespace), ` +
      `or an RBAC Role/RoleBinding for the user or service account.`,
    cause: err,
  });
}

/** Raised by a watch when the server says our resourceVersion is too old (410 Gone): re-list. */
export class GoneError extends Error {
  constructor(message = 'resourceVersion too old (410 Gone)') {
    super(message);
    this.name = 'GoneError';
  }
}
