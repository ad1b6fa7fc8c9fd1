import { errorMessage, formatDuration, UserError, type Logger } from '@dantaro/core';
import type { KubeClient } from '../client';
import { leaseExpired, releaseLease, renewLease, tryAcquireLease, type LeaseLock } from '../lease';
import { LEASES } from '../resources';
import type { Lease } from '../types';

/**
 * One migration at a time per namespace and target, with a coordination.k8s.io Lease: wait for it
 * (saying who holds it), take it over when its holder stopped renewing, keep it renewed while the
 * migration runs, and give it back on every exit path.
 */
export interface LockWait {
  waitedMs: number;
  /** The holder whose expired lease we took over. */
  tookOverFrom?: string;
  /** Who held it while we waited (the last one seen). */
  waitedFor?: string;
}

export interface AcquireOptions {
  timeoutMs: number;
  log: Logger;
  signal?: AbortSignal;
  pollMs?: number;
  /** How often to repeat "still waiting" (ms). */
  reportEveryMs?: number;
}

function describeHolder(lease: Lease | undefined, now: number): string {
  const s = lease?.spec;
  if (!s?.holderIdentity) return 'nobody';
  const renewed = Date.parse(s.renewTime ?? s.acquireTime ?? '');
  const ago = Number.isNaN(renewed) ? '' : `, last renewed ${formatDuration(Math.max(0, now - renewed))} ago`;
  const since = s.acquireTime ? `, held since ${s.acquireTime.replace(/\.\d+Z$/, 'Z')}` : '';
  return `"${s.holderIdentity}"${since}${ago}, expires after ${s.leaseDurationSeconds ?? '?'}s without renewal`;
}

export async function acquireMigrationLock(client: KubeClient, lock: LeaseLock, o: AcquireOptions): Promise<LockWait> {
  const clock = client.clock;
  const started = clock.now();
  const deadline = started + o.timeoutMs;
  let lastHolder: string | undefined;
  let lastReport = 0;
  for (;;) {
    const before = await client.tryGet<Lease>(LEASES, lock.namespace, lock.name);
    const prev = before?.spec?.holderIdentity;
    const stale = before && prev && prev !== lock.holder && leaseExpired(before, clock.now());
    if (await tryAcquireLease(client, lock)) {
      const waitedMs = clock.now() - started;
      if (stale) o.log.warning(`took over migration lock "${lock.name}" from "${prev}", which stopped renewing it (${describeHolder(before, clock.now())})`);
      o.log.info(`acquired migration lock "${lock.name}" in namespace "${lock.namespace}"${waitedMs >= 1000 ? ` after waiting ${formatDuration(waitedMs)}` : ''}`);
      return { waitedMs, tookOverFrom: stale ? prev : undefined, waitedFor: lastHolder };
    }
    const now = clock.now();
    const current = await client.tryGet<Lease>(LEASES, lock.namespace, lock.name);
    const holder = current?.spec?.holderIdentity;
    if (holder !== lastHolder || now - lastReport >= (o.reportEveryMs ?? 30_000)) {
      o.log.info(`migration lock "${lock.name}" is held by ${describeHolder(current, now)}; waiting up to ${formatDuration(Math.max(0, deadline - now))} more (lock-timeout)`);
      lastHolder = holder ?? lastHolder;
      lastReport = now;
    }
    if (now >= deadline) {
      throw new UserError(`migration lock "${lock.name}" in namespace "${lock.namespace}" is still held by ${describeHolder(current, now)} after waiting ${formatDuration(now - started)} (lock-timeout)`, {
        hint: 'another migration for this target is running: let it finish and re-run, or raise lock-timeout. A holder that died stops renewing, and its lease is taken over once it expires.',
      });
    }
    await clock.sleep(Math.min(o.pollMs ?? 1_000, Math.max(0, deadline - now)), o.signal);
  }
}

export interface HeldLock {
  /** False once a renewal found the lease taken by someone else. */
  readonly held: boolean;
  release(): Promise<void>;
}

/** Renew every third of the lease duration until released; release clears the holder (if still ours). */
export function holdMigrationLock(client: KubeClient, lock: LeaseLock, log: Logger): HeldLock {
  let held = true;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = renewLease(client, lock)
        .then((ok) => {
          if (!ok && held) {
            held = false;
            log.warning(`migration lock "${lock.name}" was taken by someone else while the migration ran (renewals failed for longer than ${lock.durationSeconds}s)`);
          }
        })
        .catch((e) => log.debug(`renewing migration lock "${lock.name}" failed: ${errorMessage(e)}; will retry`));
    },
    Math.max(200, (lock.durationSeconds * 1000) / 3),
  );
  timer.unref();
  return {
    get held() {
      return held;
    },
    async release() {
      clearInterval(timer);
      await renewing.catch(() => {});
      try {
        await releaseLease(client, lock);
        log.info(`released migration lock "${lock.name}"`);
      } catch (e) {
        log.warning(`could not release migration lock "${lock.name}": ${errorMessage(e)}; it expires ${lock.durationSeconds}s after its last renewal`);
      }
    },
  };
}
