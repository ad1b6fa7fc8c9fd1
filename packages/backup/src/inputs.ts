// The light half of the package: what an action needs to validate its inputs. Importing it does not
// load the AWS SDK, so a bad input fails fast (bench/startup); the action imports the rest afterwards.
export { KDF_INPUTS } from './kdf';
export { parseSize } from './size';
export { loadChecks } from './checks';
export { pgTarget } from './pg-tools';
export { normalizePrefix } from './names';
export { redisTarget, redisPrefixFor, type RedisTarget } from './redis-target';
