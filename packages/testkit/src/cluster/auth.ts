// Bearer authentication (static tokens and EKS tokens) and a deny-list RBAC simulation whose
// 403 messages are worded as the real authorizer words them.
import { randomBytes } from 'node:crypto';
import { EksTokenError, verifyEksToken } from './eks-token';
import type { ResourceDef } from './resources';
import { ApiError } from './status';
import type { EksOptions, ForbidRule, TokenInfo } from './types';

export interface Identity extends TokenInfo {
  token: string;
}

export class Auth {
  readonly tokens = new Map<string, TokenInfo>();
  readonly adminToken = 'sandbox-' + randomBytes(16).toString('hex');

  constructor(
    tokens: Record<string, TokenInfo> = {},
    private readonly eks?: EksOptions,
  ) {
    this.tokens.set(this.adminToken, { user: 'sandbox-admin', groups: ['system:masters'] });
    for (const [t, info] of Object.entries(tokens)) this.tokens.set(t, info);
  }

  /** Returns the identity or a reason (kept for the request log; the client only sees 401). */
  authenticate(authorization: string | undefined): Identity | { error: string } {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return { error: 'no bearer token' };
    const token = m[1];
    const info = this.tokens.get(token);
    if (info) return { ...info, token };
    if (token.startsWith('k8s-aws-v1.')) {
      if (!this.eks) return { error: 'EKS tokens are not configured' };
      try {
        return { ...verifyEksToken(token, this.eks), token };
      } catch (e) {
        if (e instanceof EksTokenError) return { error: e.message };
        throw e;
      }
    }
    return { error: 'unknown token' };
  }

  /** Whether a forbid rule denies this (resource may carry a subresource: `deployments/scale`). */
  denies(who: TokenInfo, verb: string, resource: string, ns: string | undefined, name: string | undefined): boolean {
    return (who.forbid ?? []).some((r: ForbidRule) => matches(r.verb, verb) && matches(r.resource, resource) && matches(r.namespace, ns) && matches(r.name, name));
  }

  authorize(who: TokenInfo, verb: string, def: ResourceDef, subresource: string | undefined, ns: string | undefined, name: string | undefined): void {
    const resource = subresource ? `${def.plural}/${subresource}` : def.plural;
    if (!this.denies(who, verb, resource, ns, name)) return;
    const what = def.group ? `${def.plural}.${def.group}` : def.plural;
    const subject = name ? `${what} "${name}"` : what;
    const where = def.namespaced && ns ? `in the namespace "${ns}"` : 'at the cluster scope';
    throw new ApiError(403, 'Forbidden', `${subject} is forbidden: User "${who.user}" cannot ${verb} resource "${resource}" in API group "${def.group}" ${where}`, {
      ...(name ? { name } : {}),
      group: def.group,
      kind: def.plural,
    });
  }
}

function matches(rule: string | undefined, value: string | undefined): boolean {
  return rule === undefined || rule === '*' || rule === value;
}
