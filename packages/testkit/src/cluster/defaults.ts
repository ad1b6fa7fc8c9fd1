// Defaulting and the few validations clients notice, as the API server applies them on write.
// Defaults matter beyond looks: template equality (rollout undo, new-RS lookup) compares them.
import { randomBytes } from 'node:crypto';
import type { ResourceDef } from './resources';
import { selectorObjectMatcher } from './selectors';
import { errors } from './status';
import type { KObject } from './types';

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function imagePullPolicyFor(image: string): string {
  const lastSeg = image.split('/').pop() ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const tag = lastSeg.includes(':') ? lastSeg.split(':').pop() : undefined;
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: any): void {
  if (!p) return;
  if (p.httpGet) p.httpGet.scheme ??= 'HTTP';
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
}

function defaultContainer(c: any): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (typeof c.image === 'string') c.imagePullPolicy ??= imagePullPolicyFor(c.image);
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  defaultProbe(c.readinessProbe);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.startupProbe);
}

export function defaultPodSpec(spec: any): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
}

function defaultTemplate(t: any): void {
  if (!t) return;
  t.metadata ??= {};
  // clients serialize a zero time as null; the server stores no timestamp in a template
  if (t.metadata.creationTimestamp === null) delete t.metadata.creationTimestamp;
  defaultPodSpec(t.spec);
}

function validateName(def: ResourceDef, obj: KObject): void {
  const name = obj.metadata.name ?? '';
  if (!name) throw errors.invalid(def, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' }]);
  if (name.length > 253 || !NAME_RE.test(name))
    throw errors.invalid(def, name, [
      {
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      },
    ]);
}

function validateContainers(def: ResourceDef, name: string, spec: any, at: string): void {
  if (!Array.isArray(spec?.containers) || spec.containers.length === 0)
    throw errors.invalid(def, name, [{ field: `${at}.containers`, message: 'Required value', reason: 'FieldValueRequired' }]);
  spec.containers.forEach((c: any, i: number) => {
    if (!c?.name) throw errors.invalid(def, name, [{ field: `${at}.containers[${i}].name`, message: 'Required value', reason: 'FieldValueRequired' }]);
    if (!c.image) throw errors.invalid(def, name, [{ field: `${at}.containers[${i}].image`, message: 'Required value', reason: 'FieldValueRequired' }]);
  });
}

function goMap(m: Record<string, string> | undefined): string {
  return `map[string]string{${Object.entries(m ?? {})
    .map(([k, v]) => `"${k}":"${v}"`)
    .join(', ')}}`;
}

function validateWorkload(def: ResourceDef, obj: KObject): void {
  const name = obj.metadata.name!;
  const spec = obj.spec ?? {};
  if (!spec.selector) throw errors.invalid(def, name, [{ field: 'spec.selector', message: 'Required value', reason: 'FieldValueRequired' }]);
  const labels = spec.template?.metadata?.labels;
  if (!selectorObjectMatcher(spec.selector)(labels))
    throw errors.invalid(def, name, [{ field: 'spec.template.metadata.labels', message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\`` }]);
  validateContainers(def, name, spec.template?.spec, 'spec.template.spec');
}

/** Defaults and validation for a create (`old` undefined) or an update. */
export function prepare(def: ResourceDef, obj: KObject, old?: KObject): void {
  validateName(def, obj);
  const name = obj.metadata.name!;
  switch (def.plural) {
    case 'deployments': {
      const s = (obj.spec ??= {});
      s.replicas ??= 1;
      s.revisionHistoryLimit ??= 10;
      s.progressDeadlineSeconds ??= 600;
      s.strategy ??= { type: 'RollingUpdate' };
      s.strategy.type ??= 'RollingUpdate';
      if (s.strategy.type === 'RollingUpdate') {
        s.strategy.rollingUpdate ??= {};
        s.strategy.rollingUpdate.maxUnavailable ??= '25%';
        s.strategy.rollingUpdate.maxSurge ??= '25%';
      }
      defaultTemplate(s.template);
      validateWorkload(def, obj);
      if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(s.selector))
        throw errors.invalid(def, name, [{ field: 'spec.selector', message: `Invalid value: ${JSON.stringify(s.selector)}: field is immutable` }]);
      break;
    }
    case 'replicasets':
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      defaultTemplate(obj.spec.template);
      validateWorkload(def, obj);
      break;
    case 'jobs':
      prepareJob(def, obj, old);
      break;
    case 'pods':
      defaultPodSpec(obj.spec);
      validateContainers(def, name, obj.spec, 'spec');
      obj.spec.serviceAccountName ??= 'default';
      obj.spec.enableServiceLinks ??= true;
      obj.spec.priority ??= 0;
      if (!old) obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec) };
      break;
    case 'services': {
      const s = (obj.spec ??= {});
      s.type ??= 'ClusterIP';
      s.sessionAffinity ??= 'None';
      if (s.type !== 'ExternalName' && !s.clusterIP) s.clusterIP = old?.spec?.clusterIP ?? `10.96.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 254)}`;
      s.clusterIPs ??= s.clusterIP ? [s.clusterIP] : undefined;
      for (const p of s.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      obj.status ??= { loadBalancer: {} };
      break;
    }
    case 'secrets':
      obj.type ??= 'Opaque';
      if (obj.stringData) {
        obj.data ??= {};
        for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) obj.data[k] = Buffer.from(v).toString('base64');
        delete obj.stringData;
      }
      break;
    case 'namespaces':
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': name };
      obj.spec ??= { finalizers: ['kubernetes'] };
      obj.status = old?.status ?? { phase: 'Active' };
      break;
  }
}

function qosClass(spec: any): string {
  const cs: any[] = spec?.containers ?? [];
  const any = cs.some((c) => c.resources?.requests || c.resources?.limits);
  return any ? 'Burstable' : 'BestEffort';
}

function prepareJob(def: ResourceDef, obj: KObject, old?: KObject): void {
  const s = (obj.spec ??= {});
  const name = obj.metadata.name!;
  s.parallelism ??= 1;
  s.completions ??= 1;
  s.backoffLimit ??= 6;
  s.completionMode ??= 'NonIndexed';
  s.suspend ??= false;
  s.podReplacementPolicy ??= 'TerminatingOrFailed';
  s.manualSelector ??= undefined;
  const uid = obj.metadata.uid!;
  const jobLabels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
  if (!old) {
    s.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    s.template ??= {};
    s.template.metadata ??= {};
    s.template.metadata.labels = { ...s.template.metadata.labels, ...jobLabels };
  }
  defaultTemplate(s.template);
  validateContainers(def, name, s.template?.spec, 'spec.template.spec');
  const rp = s.template?.spec?.restartPolicy;
  if (rp !== 'Never' && rp !== 'OnFailure')
    throw errors.invalid(def, name, [{ field: 'spec.template.spec.restartPolicy', message: `Unsupported value: "${rp}": supported values: "OnFailure", "Never"`, reason: 'FieldValueNotSupported' }]);
  if (old && JSON.stringify(old.spec?.template) !== JSON.stringify(s.template))
    throw errors.invalid(def, name, [{ field: 'spec.template', message: 'Invalid value: core.PodTemplateSpec{...}: field is immutable' }]);
}
