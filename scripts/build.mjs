// Bundles every action (actions/<name>/src/main.ts) into dist/<name>/index.js with ncc, minified, ESM.
// One bundle per action: see bench/startup for the figures behind that choice.
import { readdirSync, existsSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';
import { minify } from 'terser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const actions = readdirSync(join(root, 'actions')).filter(
  (n) => existsSync(join(root, 'actions', n, 'action.yml')) && existsSync(join(root, 'actions', n, 'src', 'main.ts')) && (only.length === 0 || only.includes(n)),
);

async function bundle(name) {
  const started = Date.now();
  const { code, assets } = await ncc(join(root, 'actions', name, 'src', 'main.ts'), {
    minify: true,
    sourceMap: false,
    quiet: true,
    target: 'es2023',
    transpileOnly: true, // tsc -b already type-checked the whole workspace
  });
  const out = join(root, 'dist', name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'index.js'), code);
  for (const [file, asset] of Object.entries(assets ?? {})) {
    if (file === 'package.json') continue;
    mkdirSync(dirname(join(out, file)), { recursive: true });
    // ncc minifies only the entry; lazily loaded chunks (the AWS SDK) would ship unminified
    const source = file.endsWith('.js') ? (await minify(String(asset.source), { module: true, compress: false, mangle: true })).code : asset.source;
    writeFileSync(join(out, file), source);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  const size = readFileSync(join(out, 'index.js')).length;
  console.log(`dist/${name}/index.js  ${(size / 1024 / 1024).toFixed(2)} MB  (${Date.now() - started} ms)`);
}

for (const name of actions) await bundle(name);
