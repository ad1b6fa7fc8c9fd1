import type { Container, Job } from '../types';
import { dnsLabel } from './naming';
import type { MigrationTemplate } from './template';

/** Labels and annotations that find our Jobs again (already-applied, re-runs) and say who made them. */
export const LABEL_KEY = 'migrate.dantaro.dev/key';
export const LABEL_TARGET = 'migrate.dantaro.dev/target';
export const LABEL_KIND = 'migrate.dantaro.dev/kind';
export const ANN_IMAGE = 'migrate.dantaro.dev/image';
export const ANN_COMMAND = 'migrate.dantaro.dev/command';
export const ANN_RUN = 'migrate.dantaro.dev/run';
/** Set by the action once it has judged the Job (a sidecar can keep the Job itself from finishing). */
export const ANN_RESULT = 'migrate.dantaro.dev/result';
export const ANN_EXIT = 'migrate.dantaro.dev/exit-code';

export interface JobSpecOptions {
  name: string;
  namespace: string;
  key: string;
  kind: 'migrate' | 'plan';
  image: string;
  argv: string[];
  from: MigrationTemplate;
  backoffLimit: number;
  /** The Job's own deadline (activeDeadlineSeconds): the cluster stops it even if the action is gone. */
  activeDeadlineSeconds: number;
  ttlSecondsAfterFinished?: number;
  /** Link back to the workflow run, shown by `kubectl describe job`. */
  runUrl?: string;
}

/**
 * The migration Job: one pod (restartPolicy Never, so each failure is a new, countable pod), the
 * template's migration container with the new image and the command as argv (never a shell), the
 * app's selector labels left out so the Service never routes traffic to it and the Deployment never
 * counts it.
 */
export function buildMigrationJob(o: JobSpecOptions): Job {
  const template = structuredClone(o.from.template);
  const spec = template.spec!;
  const target = dnsLabel(o.from.target) || 'app';
  spec.containers = spec.containers.map((c): Container => {
    if (c.name !== o.from.container) return c;
    const { args: _args, command: _command, ...rest } = c;
    return { ...rest, image: o.image, command: [...o.argv] };
  });
  if (spec.restartPolicy !== 'OnFailure') spec.restartPolicy = 'Never';
  const labels = { 'app.kubernetes.io/managed-by': 'dantaro-deploy', 'app.kubernetes.io/component': o.kind === 'plan' ? 'migration-plan' : 'migration', [LABEL_TARGET]: target, [LABEL_KEY]: o.key, [LABEL_KIND]: o.kind };
  const annotations: Record<string, string> = { [ANN_IMAGE]: o.image, [ANN_COMMAND]: JSON.stringify(o.argv) };
  if (o.runUrl) annotations[ANN_RUN] = o.runUrl;
  template.metadata = {
    ...template.metadata,
    // a pod-template's own labels are kept (they may select network policies); a Deployment's are not copied
    labels: { ...(o.from.source === 'pod-template' ? template.metadata?.labels : {}), ...labels },
  };
  delete template.metadata.name;
  delete template.metadata.namespace;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: o.name, namespace: o.namespace, labels, annotations },
    spec: {
      backoffLimit: o.backoffLimit,
      activeDeadlineSeconds: Math.max(1, Math.ceil(o.activeDeadlineSeconds)),
      ...(o.ttlSecondsAfterFinished !== undefined ? { ttlSecondsAfterFinished: o.ttlSecondsAfterFinished } : {}),
      template,
    },
  };
}
