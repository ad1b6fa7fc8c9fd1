// `pnpm bench`: runs every benchmark under bench/ one after the other (never in CI).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
for (const f of readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'placeholder.ts' && !f.endsWith('.d.ts'))) {
  if (only.length && !only.some((o) => f.startsWith(o))) continue;
  console.log(`\n=== bench/${f}`);
  spawnSync(process.execPath, ['--import', 'tsx', join(here, f)], { stdio: 'inherit' });
}
