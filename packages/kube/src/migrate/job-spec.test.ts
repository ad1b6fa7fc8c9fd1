import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Deployment } from '../types';
import { buildMigrationJob, LABEL_KEY, LABEL_TARGET } from './job-spec';
import { sensitiveLiterals, templateFromDeployment, templateFromYaml } from './template';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const D = 'sha256:' + 'c'.repeat(64);
const IMAGE = `registry.local/dantaro/backend@${D}`;

function backend(): Deployment {
  return parse(readFileSync(join(root, 'examples/k8s/dantaro-backend.yaml'), 'utf8')) as Deployment;
}

const deployment: Deployment = {
  metadata: { name: 'api', namespace: 'prod' },
  spec: {
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api' }, annotations: { 'kubectl.kubernetes.io/restartedAt': 'x', 'vault.hashicorp.com/agent-inject': 'true' } },
      spec: {
        serviceAccountName: 'api-sa',
        imagePullSecrets: [{ name: 'ecr' }],
        securityContext: { runAsNonRoot: true },
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
        tolerations: [{ key: 'dedicated', operator: 'Exists' }],
        affinity: { nodeAffinity: { x: 1 }, podAntiAffinity: { y: 2 } },
        volumes: [{ name: 'config', configMap: { name: 'cfg' } }, { name: 'data', persistentVolumeClaim: { claimName: 'rwo' } }],
        containers: [
          {
            name: 'web',
            image: 'api:old',
            args: ['serve'],
            command: ['gunicorn'],
            ports: [{ containerPort: 8000 }],
            readinessProbe: { httpGet: { path: '/health' } },
            env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 's', key: 'url' } } }],
            envFrom: [{ configMapRef: { name: 'app-env' } }],
            volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
            resources: { limits: { memory: '512Mi' } },
            securityContext: { readOnlyRootFilesystem: true },
            workingDir: '/app',
          },
          { name: 'proxy', image: 'envoy', env: [{ name: 'X', value: 'y' }] },
        ],
      },
    },
  },
};

describe('templateFromDeployment', () => {
  it('copies what the migration needs and nothing about serving', () => {
    const t = templateFromDeployment(deployment);
    expect(t.target).toBe('api');
    expect(t.container).toBe('web');
    const spec = t.template.spec!;
    expect(spec.containers).toHaveLength(1); // sidecars are not copied
    const c = spec.containers[0];
    expect(c).toEqual({
      name: 'web',
      env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 's', key: 'url' } } }],
      envFrom: [{ configMapRef: { name: 'app-env' } }],
      volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
      resources: { limits: { memory: '512Mi' } },
      securityContext: { readOnlyRootFilesystem: true },
      workingDir: '/app',
    });
    expect(spec.serviceAccountName).toBe('api-sa');
    expect(spec.imagePullSecrets).toEqual([{ name: 'ecr' }]);
    expect(spec.securityContext).toEqual({ runAsNonRoot: true });
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(spec.tolerations).toHaveLength(1);
    expect(spec.affinity).toEqual({ nodeAffinity: { x: 1 } });
    expect(spec.volumes).toEqual([{ name: 'config', configMap: { name: 'cfg' } }]); // the unmounted RWO claim stays out
    expect(t.template.metadata).toEqual({ annotations: { 'vault.hashicorp.com/agent-inject': 'true' } });
  });

  it('picks the named container', () => {
    expect(templateFromDeployment(deployment, 'proxy').container).toBe('proxy');
    expect(() => templateFromDeployment(deployment, 'nope')).toThrow(/input "container": deployment "api" has no container "nope"; it has: web, proxy/);
  });

  it('does not mutate the Deployment', () => {
    const d = structuredClone(deployment);
    const t = templateFromDeployment(d);
    (t.template.spec!.containers[0].env as unknown[]).push({ name: 'Z' });
    expect(d).toEqual(deployment);
  });

  it('works on the example app', () => {
    const t = templateFromDeployment(backend());
    expect(t.target).toBe('dantaro-backend');
    expect(JSON.stringify(t.template)).toContain('dantaro-secrets');
  });
});

describe('templateFromYaml', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata:
  name: migrator
  labels: { app.kubernetes.io/name: wallet }
spec:
  containers:
    - name: migrate
      image: x
      args: [a]
    - name: cloud-sql-proxy
      image: proxy
`;
  it.each([
    ['a Pod', pod, 'wallet', 'migrate'],
    ['a bare PodTemplateSpec', 'metadata: {labels: {app: w}}\nspec:\n  containers: [{name: m, image: x}]\n', 'w', 'm'],
    ['a bare PodSpec', 'containers: [{name: m, image: x}]\n', 'tpl', 'm'],
    ['a PodTemplate', 'kind: PodTemplate\nmetadata: {name: pt}\ntemplate:\n  spec:\n    containers: [{name: m}]\n', 'pt', 'm'],
    ['a Job', 'kind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers: [{name: m}]\n', 'j', 'm'],
    ['a CronJob', 'kind: CronJob\nmetadata: {name: cj}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: m}]\n', 'cj', 'm'],
  ])('reads %s', (_what, text, target, container) => {
    const t = templateFromYaml(text, '/x/tpl.yaml');
    expect(t.target).toBe(target);
    expect(t.container).toBe(container);
    expect(t.source).toBe('pod-template');
  });

  it('keeps sidecars and picks the named container', () => {
    const t = templateFromYaml(pod, 'p.yaml', 'cloud-sql-proxy');
    expect(t.template.spec!.containers).toHaveLength(2);
    expect(t.container).toBe('cloud-sql-proxy');
  });

  it.each([
    ['two documents', `${pod}---\n${pod}`, /found 2 YAML documents/],
    ['nothing', '', /found 0 YAML documents/],
    ['no template', 'kind: ConfigMap\ndata: {a: b}\n', /no pod template found/],
    ['bad YAML', 'spec: [\n', /not valid YAML|no pod template/],
  ])('refuses %s', (_what, text, re) => {
    expect(() => templateFromYaml(text, 'f.yaml')).toThrow(re);
    expect(() => templateFromYaml(text, 'f.yaml')).toThrow(/input "pod-template"/);
  });
});

describe('buildMigrationJob', () => {
  const from = templateFromDeployment(deployment);
  const job = buildMigrationJob({
    name: 'migrate-api-0123456789',
    namespace: 'prod',
    key: '0123456789',
    kind: 'migrate',
    image: IMAGE,
    argv: ['alembic', 'upgrade', 'head'],
    from,
    backoffLimit: 0,
    activeDeadlineSeconds: 900,
    ttlSecondsAfterFinished: 3600,
    runUrl: 'https://github.com/o/r/actions/runs/1',
  });

  it('is a Job with the new image, the argv as command and no args', () => {
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.metadata).toMatchObject({ name: 'migrate-api-0123456789', namespace: 'prod' });
    const c = job.spec!.template!.spec!.containers[0];
    expect(c.image).toBe(IMAGE);
    expect(c.command).toEqual(['alembic', 'upgrade', 'head']);
    expect(c.args).toBeUndefined();
  });

  it('sets the Job knobs', () => {
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 900, ttlSecondsAfterFinished: 3600 });
    expect(job.spec!.template!.spec!.restartPolicy).toBe('Never');
  });

  it('labels Job and pod for finding them again, without the app selector labels', () => {
    expect(job.metadata!.labels).toMatchObject({ [LABEL_KEY]: '0123456789', [LABEL_TARGET]: 'api', 'app.kubernetes.io/managed-by': 'dantaro-deploy' });
    const podLabels = job.spec!.template!.metadata!.labels!;
    expect(podLabels.app).toBeUndefined();
    expect(podLabels[LABEL_TARGET]).toBe('api');
    expect(job.metadata!.annotations).toMatchObject({ 'migrate.dantaro.dev/command': '["alembic","upgrade","head"]', 'migrate.dantaro.dev/run': 'https://github.com/o/r/actions/runs/1' });
  });

  it('leaves the template alone and keeps other containers of a pod template', () => {
    const t = templateFromYaml('spec:\n  restartPolicy: Always\n  containers: [{name: m, image: x, args: [a]}, {name: side, image: s, args: [b]}]\n', 'f.yaml');
    const j = buildMigrationJob({ name: 'n', namespace: 'ns', key: 'k', kind: 'plan', image: IMAGE, argv: ['x'], from: t, backoffLimit: 2, activeDeadlineSeconds: 0.2 });
    const cs = j.spec!.template!.spec!.containers;
    expect(cs[0]).toEqual({ name: 'm', image: IMAGE, command: ['x'] });
    expect(cs[1]).toEqual({ name: 'side', image: 's', args: ['b'] });
    expect(j.spec!.template!.spec!.restartPolicy).toBe('Never'); // Always is not allowed in a Job
    expect(j.spec!.activeDeadlineSeconds).toBe(1);
    expect(j.spec!.ttlSecondsAfterFinished).toBeUndefined();
    expect(t.template.spec!.containers[0].args).toEqual(['a']);
  });
});

describe('sensitiveLiterals', () => {
  it('finds credential-named literals and passwords inside URLs, not secretKeyRefs', () => {
    const t = templateFromYaml(
      `spec:
  containers:
    - name: m
      env:
        - { name: DB_PASSWORD, value: hunter2hunter2 }
        - { name: LOG_LEVEL, value: info }
        - { name: CACHE, value: "redis://user:p%40ss@cache:6379/0" }
        - { name: DATABASE_URL, valueFrom: { secretKeyRef: { name: s, key: k } } }
`,
      'f.yaml',
    );
    expect(sensitiveLiterals(t.template)).toEqual(['hunter2hunter2', 'p@ss', 'p%40ss']);
  });
});
