import type { KubeClient } from './client';
import { ApiError } from './errors';
import { LEASES } from './resources';
import type { Lease } from './types';

/**
 * A coordination.k8s.io Lease used as a mutual-exclusion lock (e.g. one migration at a time).
 * Acquire creates the Lease or takes over an expired one with optimistic concurrency (a 409 means
 * someone else won the race); renew extends it; release clears the holder.
 */
export interface LeaseLock {
  name: string;
  namespace: string;
  holder: string;
  durationSeconds: number;
}

const micro = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export function leaseExpired(lease: Lease, nowMs: number): boolean {
  const s = lease.spec ?? {};
  if (!s.holderIdentity) return true;
  const renew = Date.parse(s.renewTime ?? s.acquireTime ?? '');
  if (Number.isNaN(renew)) return true;
  return nowMs > renew + (s.leaseDurationSeconds ?? 0) * 1000;
}

/** Try once: true when we hold the lock afterwards; false when someone else holds an unexpired lease. */
export async function tryAcquireLease(client: KubeClient, lock: LeaseLock): Promise<boolean> {
  const now = client.clock.now();
  const current = await client.tryGet<Lease>(LEASES, lock.namespace, lock.name);
  const spec = { holderIdentity: lock.holder, leaseDurationSeconds: lock.durationSeconds, acquireTime: micro(now), renewTime: micro(now) };
  try {
    if (!current) {
      await client.create<Lease>(LEASES, lock.namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: lock.name, namespace: lock.namespace }, spec: { ...spec, leaseTransitions: 0 } });
      return true;
    }
    if (current.spec?.holderIdentity !== lock.holder && !leaseExpired(current, now)) return false;
    const transitions = (current.spec?.leaseTransitions ?? 0) + (current.spec?.holderIdentity === lock.holder ? 0 : 1);
    await client.replace<Lease>(LEASES, lock.namespace, lock.name, { ...current, spec: { ...spec, leaseTransitions: transitions } });
    return true;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 409 || e.status === 422)) return false; // lost the race
    throw e;
  }
}

/** Extend our lease; false if it is no longer ours. */
export async function renewLease(client: KubeClient, lock: LeaseLock): Promise<boolean> {
  const current = await client.tryGet<Lease>(LEASES, lock.namespace, lock.name);
  if (!current || current.spec?.holderIdentity !== lock.holder) return false;
  try {
    await client.replace<Lease>(LEASES, lock.namespace, lock.name, { ...current, spec: { ...current.spec, renewTime: micro(client.clock.now()) } });
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) return false;
    throw e;
  }
}

/** Give the lock up (only if still ours). */
export async function releaseLease(client: KubeClient, lock: LeaseLock): Promise<void> {
  const current = await client.tryGet<Lease>(LEASES, lock.namespace, lock.name);
  if (!current || current.spec?.holderIdentity !== lock.holder) return;
  await client.replace<Lease>(LEASES, lock.namespace, lock.name, { ...current, spec: { ...current.spec, holderIdentity: undefined, renewTime: undefined, acquireTime: undefined } }).catch((e) => {
    if (!(e instanceof ApiError && e.status === 409)) throw e;
  });
}

/** Wait for the lock until `deadline` (clock ms), polling every `pollMs`. */
export async function acquireLease(client: KubeClient, lock: LeaseLock, opts: { deadline: number; pollMs?: number; signal?: AbortSignal }): Promise<boolean> {
  while (client.clock.now() < opts.deadline) {
    if (await tryAcquireLease(client, lock)) return true;
    await client.clock.sleep(opts.pollMs ?? 2_000, opts.signal);
  }
  return false;
}
