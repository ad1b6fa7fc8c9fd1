// Rebuilds dist/ and fails when the committed bundles differ from a fresh build.
import { execFileSync } from 'node:child_process';
execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
const diff = execFileSync('git', ['status', '--porcelain', '--', 'dist'], { encoding: 'utf8' });
if (diff.trim()) {
  console.error('check-dist: dist/ differs from a fresh build. Run `pnpm build` and commit dist/:\n' + diff);
  process.exit(1);
}
console.log('check-dist: dist/ matches a fresh build');
