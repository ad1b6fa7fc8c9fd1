import { mkdtempSync, mkdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@dantaro/testkit';
import { checkWorkflow, loadYaml, workflowFiles } from './workflow-policy';

const ctx = { root: repoRoot };

describe('workflow policy', () => {
  const files = workflowFiles(repoRoot);

  test('there are reusable and starter workflows', () => {
    expect(files.filter((f) => f.startsWith('.github/workflows/')).map((f) => f.split('/').pop())).toEqual(
      expect.arrayContaining(['deploy.yml', 'security-scan.yml', 'backup.yml', 'restore.yml', 'rollback.yml']),
    );
    expect(files.filter((f) => f.startsWith('workflows/')).length).toBeGreaterThanOrEqual(5);
  });

  test.each(files)('%s passes the policy', (file) => {
    expect(checkWorkflow(ctx, file, loadYaml(join(repoRoot, file)))).toEqual([]);
  });

  test('reusable workflows are workflow_call, restore and rollback starters are workflow_dispatch', () => {
    for (const f of files.filter((f) => f.startsWith('.github/workflows/') && !f.endsWith('ci.yml'))) {
      const wf = loadYaml(join(repoRoot, f));
      expect(Object.keys(wf.on ?? {})).toContain('workflow_call');
    }
    for (const f of ['workflows/restore.yml', 'workflows/rollback.yml']) {
      expect(Object.keys(loadYaml(join(repoRoot, f)).on)).toContain('workflow_dispatch');
    }
  });
});

describe('the policy catches what it must', () => {
  // a scratch repo with one action, so violations are checked against real action.yml parsing
  const root = mkdtempSync(join(tmpdir(), 'policy-'));
  mkdirSync(join(root, 'actions', 'eks-rollout'), { recursive: true });
  cpSync(join(repoRoot, 'actions', 'eks-rollout', 'action.yml'), join(root, 'actions', 'eks-rollout', 'action.yml'));
  const check = (yaml: string) => {
    writeFileSync(join(root, 'wf.yml'), yaml);
    return checkWorkflow({ root }, 'wf.yml', loadYaml(join(root, 'wf.yml'))).join('\n');
  };
  const ok = `permissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@9c091bb21b7c1c1d1991bb908d89e4e9dddfe3e0\n`;

  test('a clean workflow passes', () => expect(check(ok)).toBe(''));
  test.each([
    ['unpinned third-party action', ok.replace('@9c091bb21b7c1c1d1991bb908d89e4e9dddfe3e0', '@v4'), 'not pinned to a full commit SHA'],
    ['missing top-level permissions', ok.replace('permissions:\n  contents: read\n', ''), 'no top-level permissions'],
    ['write-all permissions', ok.replace('permissions:\n  contents: read', 'permissions: write-all'), 'not read-only'],
    ['write permission at the top', ok.replace('contents: read', 'contents: write'), 'contents: write'],
    ['static AWS keys', ok + `      - run: echo hi\n        env:\n          AWS_ACCESS_KEY_ID: x\n`, 'static AWS keys'],
    ['untrusted expression in run', ok + '      - run: echo "${{ github.event.pull_request.title }}"\n', 'untrusted'],
    ['inputs in run', ok + '      - run: echo "${{ inputs.x }}"\n', 'untrusted'],
    ['deploy job without concurrency', ok.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    environment: production'), 'no concurrency group'],
    ['undeclared with: key', ok + '      - uses: ./.dantaro-deploy/actions/eks-rollout\n        with:\n          namespace: x\n          bogus: 1\n', 'with.bogus is not an input'],
    ['local action resolving against the caller', ok + '      - uses: ./actions/eks-rollout\n', "caller's checkout"],
    ['missing suite action', ok + '      - uses: ./.dantaro-deploy/actions/nope\n', 'does not resolve'],
    ['output nothing produces', ok + '      - id: r\n        uses: ./.dantaro-deploy/actions/eks-rollout\n      - run: echo "$X"\n        env:\n          X: ${{ steps.r.outputs.nonexistent }}\n', 'not an output'],
    ['a run step output it never writes', ok + '      - id: v\n        run: echo "x=1" >> "$GITHUB_OUTPUT"\n      - run: echo "$Y"\n        env:\n          Y: ${{ steps.v.outputs.y }}\n', 'steps.v.outputs.y is not an output'],
    ['job output from a missing job output', `permissions:\n  contents: read\njobs:\n  a:\n    runs-on: x\n    steps: []\n  b:\n    needs: a\n    runs-on: x\n    steps:\n      - run: echo "$X"\n        env:\n          X: \${{ needs.a.outputs.image }}\n`, 'not an output of job a'],
  ])('%s', (_name, yaml, message) => {
    expect(check(yaml)).toContain(message);
  });
});
