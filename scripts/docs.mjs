// Regenerates the inputs/outputs tables in each action README from its action.yml, between the
// markers <!-- action-docs:start --> and <!-- action-docs:end -->. `--check` fails when one is stale.
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const check = process.argv.includes('--check');
const START = '<!-- action-docs:start -->';
const END = '<!-- action-docs:end -->';
const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\r?\n+/g, ' ').trim();
let stale = 0;

for (const a of readdirSync(join(root, 'actions'))) {
  const yml = join(root, 'actions', a, 'action.yml');
  if (!existsSync(yml)) continue;
  const meta = parse(readFileSync(yml, 'utf8'));
  const inputs = Object.entries(meta.inputs ?? {});
  const outputs = Object.entries(meta.outputs ?? {});
  const block = [
    START,
    '## Inputs',
    '',
    '| name | required | default | description |',
    '| --- | --- | --- | --- |',
    ...inputs.map(([n, s]) => `| \`${n}\` | ${s.required ? 'yes' : 'no'} | ${s.default !== undefined && s.default !== '' ? `\`${cell(s.default)}\`` : ''} | ${cell(s.description)} |`),
    '',
    '## Outputs',
    '',
    '| name | description |',
    '| --- | --- |',
    ...outputs.map(([n, s]) => `| \`${n}\` | ${cell(s.description)} |`),
    END,
  ].join('\n');
  const readme = join(root, 'actions', a, 'README.md');
  const current = existsSync(readme) ? readFileSync(readme, 'utf8') : `# ${meta.name}\n\n${meta.description}\n\n`;
  const next = current.includes(START)
    ? current.slice(0, current.indexOf(START)) + block + current.slice(current.indexOf(END) + END.length)
    : `${current.trimEnd()}\n\n${block}\n`;
  if (next !== current) {
    stale++;
    if (check) console.error(`docs: actions/${a}/README.md is stale; run \`pnpm docs\``);
    else writeFileSync(readme, next);
  }
}
if (check && stale) process.exit(1);
console.log(check ? 'docs: action READMEs are current' : `docs: ${stale} README(s) updated`);
