import { UserError } from '@dantaro/core';
import { siblingPrefix } from './names';

/** A Redis URL as redis-cli needs it: host/port/user/TLS as args, the password only in REDISCLI_AUTH. */
export interface RedisTarget {
  args: string[];
  env: Record<string, string>;
  display: string;
  password?: string;
}

export function redisTarget(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError('input "redis-url": not a URL; expected redis://[:password@]host:6379 or rediss://…');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UserError('input "redis-url": expected redis://[:password@]host:6379 or rediss://…');
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  const user = u.username ? decodeURIComponent(u.username) : undefined;
  return {
    args: ['-h', u.hostname.replace(/^\[|\]$/g, ''), '-p', u.port || '6379', ...(user && user !== 'default' ? ['--user', user] : []), ...(u.protocol === 'rediss:' ? ['--tls'] : [])],
    env: password ? { REDISCLI_AUTH: password } : {},
    display: `${u.protocol}//${u.hostname}:${u.port || '6379'}`,
    password,
  };
}

/** Redis backups sit in the sibling `redis/` folder of the database prefix. */
export const redisPrefixFor = (prefix: string) => siblingPrefix(prefix, 'redis');
