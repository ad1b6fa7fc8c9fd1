// Kubernetes Status objects: every error the simulator returns is one, as a real server does.
import { type ResourceDef, qualifiedName } from './resources';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

export function statusBody(code: number, reason: string, message: string, details?: StatusDetails): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) body.details = details;
  return body;
}

const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function reasonFor(code: number): string {
  return REASON_BY_CODE[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
}

function det(def: ResourceDef, name?: string): StatusDetails {
  return { ...(name !== undefined ? { name } : {}), group: def.group, kind: def.plural };
}

export const errors = {
  notFound: (def: ResourceDef, name: string) => new ApiError(404, 'NotFound', `${qualifiedName(def)} "${name}" not found`, det(def, name)),
  alreadyExists: (def: ResourceDef, name: string) => new ApiError(409, 'AlreadyExists', `${qualifiedName(def)} "${name}" already exists`, det(def, name)),
  conflict: (def: ResourceDef, name: string) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(def)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, det(def, name)),
  invalid: (def: ResourceDef, name: string, causes: { field: string; message: string; reason?: string }[]) =>
    new ApiError(
      422,
      'Invalid',
      `${def.kind}${def.group ? '.' + def.group : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
      { name, group: def.group, kind: def.kind, causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })) },
    ),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  notFoundPath: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
  methodNotAllowed: () => new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
  unsupportedMedia: (ct: string) =>
    new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json${ct ? '' : ''}`,
    ),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
};
