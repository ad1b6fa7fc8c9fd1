// Server-side printing (meta.k8s.io/v1 Table), as kubectl get asks for it: the columns the real
// printers produce for the kinds we serve, ages measured on the simulated clock.
import { selectorToString } from './selectors';
import type { ResourceDef } from './resources';
import type { KObject } from './types';

type Col = [name: string, type: string, priority?: number];
type Cell = string | number;

/** duration.HumanDuration, as kubectl's AGE column. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  return h < 24 * 365 * 8 ? `${y}y${d % 365}d` : `${y}y`;
}

function podStatus(p: KObject): { reason: string; ready: string; restarts: string } {
  let reason: string = p.status?.reason ?? p.status?.phase ?? 'Pending';
  const cs: any[] = p.status?.containerStatuses ?? [];
  const total = p.spec?.containers?.length ?? 0;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let initializing = false;
  const inits: any[] = p.status?.initContainerStatuses ?? [];
  inits.forEach((c, i) => {
    if (initializing) return;
    restarts += c.restartCount ?? 0;
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) return;
    initializing = true;
    if (t) reason = `Init:${t.reason || `ExitCode:${t.exitCode}`}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${p.spec?.initContainers?.length ?? 0}`;
  });
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...cs].reverse()) {
      restarts += c.restartCount ?? 0;
      const fin = Date.parse(c.lastState?.terminated?.finishedAt ?? '');
      if (fin > lastRestart) lastRestart = fin;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  return { reason, ready: `${ready}/${total}`, restarts: String(restarts) + (lastRestart ? `\u0000${lastRestart}` : '') };
}

const images = (t: any) => (t?.spec?.containers ?? []).map((c: any) => c.image).join(',');
const names = (t: any) => (t?.spec?.containers ?? []).map((c: any) => c.name).join(',');

function columnsFor(def: ResourceDef): Col[] {
  switch (def.plural) {
    case 'pods':
      return [['Name', 'string'], ['Ready', 'string'], ['Status', 'string'], ['Restarts', 'string'], ['Age', 'string'], ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1]];
    case 'deployments':
      return [['Name', 'string'], ['Ready', 'string'], ['Up-to-date', 'integer'], ['Available', 'integer'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]];
    case 'replicasets':
      return [['Name', 'string'], ['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]];
    case 'jobs':
      return [['Name', 'string'], ['Status', 'string'], ['Completions', 'string'], ['Duration', 'string'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]];
    case 'events':
      return [['Last Seen', 'string'], ['Type', 'string'], ['Reason', 'string'], ['Object', 'string'], ['Message', 'string']];
    case 'services':
      return [['Name', 'string'], ['Type', 'string'], ['Cluster-IP', 'string'], ['External-IP', 'string'], ['Port(s)', 'string'], ['Age', 'string'], ['Selector', 'string', 1]];
    case 'namespaces':
      return [['Name', 'string'], ['Status', 'string'], ['Age', 'string']];
    case 'nodes':
      return [['Name', 'string'], ['Status', 'string'], ['Roles', 'string'], ['Age', 'string'], ['Version', 'string']];
    case 'configmaps':
      return [['Name', 'string'], ['Data', 'integer'], ['Age', 'string']];
    case 'secrets':
      return [['Name', 'string'], ['Type', 'string'], ['Data', 'integer'], ['Age', 'string']];
    default:
      return [['Name', 'string'], ['Age', 'string']];
  }
}

function cells(def: ResourceDef, o: KObject, now: number): Cell[] {
  const age = humanDuration(now - Date.parse(o.metadata.creationTimestamp ?? ''));
  const s = o.status ?? {};
  const name = o.metadata.name ?? '';
  switch (def.plural) {
    case 'pods': {
      const st = podStatus(o);
      const [n, last] = st.restarts.split('\u0000');
      return [name, st.ready, st.reason, last ? `${n} (${humanDuration(now - Number(last))} ago)` : n, age, s.podIP ?? '<none>', o.spec?.nodeName ?? '<none>', '<none>', '<none>'];
    }
    case 'deployments':
      return [name, `${s.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, s.updatedReplicas ?? 0, s.availableReplicas ?? 0, age, names(o.spec?.template), images(o.spec?.template), selectorToString(o.spec?.selector)];
    case 'replicasets':
      return [name, o.spec?.replicas ?? 0, s.replicas ?? 0, s.readyReplicas ?? 0, age, names(o.spec?.template), images(o.spec?.template), selectorToString(o.spec?.selector)];
    case 'jobs': {
      const done = (s.conditions ?? []).find((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
      const status = done ? (done.type === 'Complete' ? 'Complete' : 'Failed') : o.spec?.suspend ? 'Suspended' : 'Running';
      const start = Date.parse(s.startTime ?? '');
      const end = s.completionTime ? Date.parse(s.completionTime) : now;
      return [name, status, `${s.succeeded ?? 0}/${o.spec?.completions ?? 1}`, Number.isNaN(start) ? '' : humanDuration(end - start), age, names(o.spec?.template), images(o.spec?.template), selectorToString(o.spec?.selector)];
    }
    case 'events': {
      const io = o.involvedObject ?? {};
      return [humanDuration(now - Date.parse(o.lastTimestamp ?? o.metadata.creationTimestamp)), o.type ?? '', o.reason ?? '', `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`, o.message ?? ''];
    }
    case 'services': {
      const ports = (o.spec?.ports ?? []).map((p: any) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
      return [name, o.spec?.type ?? 'ClusterIP', o.spec?.clusterIP ?? '<none>', '<none>', ports, age, Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'];
    }
    case 'namespaces':
      return [name, s.phase ?? 'Active', age];
    case 'nodes':
      return [name, 'Ready', '<none>', age, s.nodeInfo?.kubeletVersion ?? ''];
    case 'configmaps':
      return [name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age];
    case 'secrets':
      return [name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, age];
    default:
      return [name, age];
  }
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** A Table of the objects (includeObject=None|Metadata|Object, Metadata by default). */
export function toTable(def: ResourceDef, objs: KObject[], now: number, listMeta: Record<string, unknown>, includeObject = 'Metadata'): Record<string, unknown> {
  const cols = columnsFor(def);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map(([name, type, priority]) => ({ name, type, format: name === 'Name' ? 'name' : '', description: name, priority: priority ?? 0 })),
    rows: objs.map((o) => ({
      cells: cells(def, o, now),
      object: includeObject === 'None' ? null : includeObject === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
