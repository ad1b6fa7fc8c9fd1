import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, type ActionContext } from '@dantaro/core';
import { buildTrivyArgs, installTrivy, runTrivy, type ScanTarget } from '@dantaro/scan';

/** Trivy's own default cache dir: outside the workspace, so a filesystem scan never scans it. */
const CACHE_DIR = join(homedir(), '.cache', 'trivy');
const DB_PATHS = [join(CACHE_DIR, 'db'), join(CACHE_DIR, 'java-db')];

/** Installs (verified) Trivy, restores the DB cache, scans, saves the DB cache. Returns the report path. */
export async function scanWithTrivy(ctx: ActionContext, target: ScanTarget, version: string, today: string): Promise<string> {
  // loaded only when a scan runs (it pulls in @actions/core and an HTTP client): gating a report starts fast
  const tc = await import('@actions/tool-cache');
  const binary = await ctx.log.group(`Install Trivy ${version}`, () =>
    installTrivy({ version, tc, log: ctx.log, baseUrl: ctx.env.DANTARO_TRIVY_RELEASES_URL || undefined }),
  );
  // one cache entry per day (the DB is rebuilt every few hours); any earlier day's entry is a fallback
  const prefix = `trivy-db-${process.platform}-`;
  const key = prefix + today;
  const restored = await ctx.log.group('Restore the vulnerability DB cache', () => restoreDb(ctx, key, prefix));
  const dir = mkdtempSync(join(ctx.env.RUNNER_TEMP || tmpdir(), 'trivy-gate-'));
  const output = join(dir, 'trivy-report.json');
  const ignoreFile = join(dir, 'empty.trivyignore');
  writeFileSync(ignoreFile, '');
  const args = buildTrivyArgs({ target, output, cacheDir: CACHE_DIR, ignoreFile });
  await ctx.log.group(`trivy ${args[0]} ${args[args.length - 1]}`, () => runTrivy({ binary, args, log: ctx.log, signal: ctx.signal }));
  if (restored !== key) await ctx.log.group('Save the vulnerability DB cache', () => saveDb(ctx, key));
  return output;
}

// The cache client is loaded only when a scan runs: gating an existing report stays fast to start.
async function restoreDb(ctx: ActionContext, key: string, prefix: string): Promise<string | undefined> {
  try {
    const cache = await import('@actions/cache');
    if (!cache.isFeatureAvailable()) {
      ctx.log.info('actions cache not available here; Trivy downloads its DB');
      return undefined;
    }
    const hit = await cache.restoreCache(DB_PATHS, key, [prefix]);
    ctx.log.info(hit ? `restored ${hit}` : 'no cached DB yet');
    return hit;
  } catch (e) {
    ctx.log.warning(`could not restore the Trivy DB cache: ${errorMessage(e)}`);
    return undefined;
  }
}

async function saveDb(ctx: ActionContext, key: string): Promise<void> {
  try {
    const cache = await import('@actions/cache');
    if (!cache.isFeatureAvailable()) return;
    await cache.saveCache(DB_PATHS, key);
    ctx.log.info(`saved ${key}`);
  } catch (e) {
    ctx.log.warning(`could not save the Trivy DB cache: ${errorMessage(e)}`);
  }
}
