// The deployment controller, after kubernetes/pkg/controller/deployment: one ReplicaSet per
// pod-template hash, revisions (rollback adopts an old RS with a new revision), RollingUpdate
// and Recreate one step per pass, proportional scaling, paused deployments, history cleanup,
// status and the Progressing / Available / ReplicaFailure conditions with the progress deadline.
import type { SimClock } from '../clock';
import type { Recorder } from '../events';
import { type Objects, ownerRef } from '../objects';
import { findResource } from '../resources';
import { selectorObjectMatcher } from '../selectors';
import type { KObject } from '../types';
import {
  byCreation,
  type Condition,
  DESIRED_REPLICAS,
  equalIgnoreHash,
  getCondition,
  HASH_LABEL,
  isRolling,
  MAX_REPLICAS,
  maxSurge,
  maxUnavailable,
  removeCondition,
  REVISION,
  REVISION_HISTORY,
  revisionOf,
  setCondition,
  SKIP_COPY,
  specReplicas,
  sumSpec,
  sumStatus,
  podTemplateHash,
} from './deployment-util';

const DEPLOYMENTS = findResource('deployments')!;
const RS = findResource('replicasets')!;
const PODS = findResource('pods')!;
const SOURCE = { component: 'deployment-controller' };

export class DeploymentController {
  readonly name = 'deployment';

  constructor(
    private readonly objects: Objects,
    private readonly recorder: Recorder,
    private readonly clock: SimClock,
  ) {}

  reconcile(): void {
    for (const d of this.objects.store.list(DEPLOYMENTS)) this.sync(structuredClone(d));
  }

  private cond(type: string, status: Condition['status'], reason: string, message: string): Condition {
    const now = this.clock.iso();
    return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
  }

  private rsFor(d: KObject): KObject[] {
    const sel = selectorObjectMatcher(d.spec.selector);
    return this.objects.store
      .list(RS, d.metadata.namespace)
      .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid) && sel(rs.metadata.labels))
      .map((rs) => structuredClone(rs));
  }

  private saveD(d: KObject): KObject {
    const saved = this.objects.save(DEPLOYMENTS, d);
    d.metadata.resourceVersion = saved.metadata.resourceVersion;
    return saved;
  }

  sync(d: KObject): void {
    if (!d.spec?.template) return;
    const rsList = this.rsFor(d);
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(d, rsList);
    this.checkPausedConditions(d);
    if (d.spec.paused) return this.syncScaleOnly(d, rsList);
    if (this.isScalingEvent(d, rsList)) return this.syncScaleOnly(d, rsList);
    if (isRolling(d)) this.rolloutRolling(d, rsList);
    else this.rolloutRecreate(d, rsList);
  }

  private hasDeadline(d: KObject): boolean {
    const p = d.spec.progressDeadlineSeconds;
    return p !== undefined && p !== null && p !== 2147483647;
  }

  private checkPausedConditions(d: KObject): void {
    if (!this.hasDeadline(d)) return;
    d.status ??= {};
    const c = getCondition(d.status, 'Progressing');
    if (c?.reason === 'ProgressDeadlineExceeded') return;
    const pausedExists = c?.reason === 'DeploymentPaused';
    if (d.spec.paused && !pausedExists) setCondition(d.status, this.cond('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused'));
    else if (!d.spec.paused && pausedExists) setCondition(d.status, this.cond('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed'));
    else return;
    this.saveD(d);
  }

  /** getAllReplicaSetsAndSyncRevision: the new RS (created when asked) and the old ones. */
  private newAndOld(d: KObject, rsList: KObject[], create: boolean): { newRS?: KObject; old: KObject[] } {
    const sorted = [...rsList].sort(byCreation);
    let newRS = sorted.find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
    const old = sorted.filter((rs) => rs !== newRS);
    const maxOld = Math.max(0, ...old.map(revisionOf));
    const newRevision = maxOld + 1;
    d.status ??= {};
    if (newRS) {
      const changed = this.setNewRSAnnotations(d, newRS, newRevision);
      const minReady = d.spec.minReadySeconds ?? 0;
      if (changed || (newRS.spec.minReadySeconds ?? 0) !== minReady) {
        newRS.spec.minReadySeconds = minReady || undefined;
        Object.assign(newRS, structuredClone(this.objects.save(RS, newRS)));
      }
      let needsUpdate = this.setDeploymentRevision(d, newRS.metadata.annotations![REVISION]);
      if (this.hasDeadline(d) && !getCondition(d.status, 'Progressing')) {
        setCondition(d.status, this.cond('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${newRS.metadata.name}"`));
        needsUpdate = true;
      }
      if (needsUpdate) this.saveD(d);
      return { newRS, old };
    }
    if (!create) return { old };
    newRS = this.createNewRS(d, rsList, newRevision);
    return { newRS, old };
  }

  private setNewRSAnnotations(d: KObject, rs: KObject, newRevision: number): boolean {
    const before = JSON.stringify(rs.metadata.annotations ?? {});
    const a = (rs.metadata.annotations ??= {});
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!SKIP_COPY.has(k)) a[k] = v;
    const oldRev = a[REVISION];
    if (!oldRev || Number(oldRev) < newRevision) {
      a[REVISION] = String(newRevision);
      if (oldRev) a[REVISION_HISTORY] = a[REVISION_HISTORY] ? `${a[REVISION_HISTORY]},${oldRev}` : oldRev;
    }
    a[DESIRED_REPLICAS] ??= String(d.spec.replicas);
    a[MAX_REPLICAS] ??= String(d.spec.replicas + maxSurge(d));
    return JSON.stringify(a) !== before;
  }

  private setDeploymentRevision(d: KObject, rev: string | undefined): boolean {
    if (!rev) return false;
    const a = (d.metadata.annotations ??= {});
    if (a[REVISION] === rev) return false;
    a[REVISION] = rev;
    return true;
  }

  private createNewRS(d: KObject, rsList: KObject[], newRevision: number): KObject {
    let collision = d.status.collisionCount ?? 0;
    for (;;) {
      const hash = podTemplateHash(d.spec.template, collision);
      const name = `${d.metadata.name}-${hash}`;
      const existing = this.objects.store.get(RS, d.metadata.namespace, name);
      if (existing) {
        // the same template owned by us would have been found; anything else is a collision
        collision++;
        d.status.collisionCount = collision;
        continue;
      }
      const template = structuredClone(d.spec.template);
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH_LABEL]: hash } };
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!SKIP_COPY.has(k)) annotations[k] = v;
      annotations[REVISION] = String(newRevision);
      annotations[DESIRED_REPLICAS] = String(d.spec.replicas);
      annotations[MAX_REPLICAS] = String(d.spec.replicas + maxSurge(d));
      const draft: KObject = {
        metadata: { name, namespace: d.metadata.namespace, labels: { ...template.metadata.labels }, annotations, ownerReferences: [ownerRef(DEPLOYMENTS, d)] },
        spec: {
          replicas: 0,
          minReadySeconds: d.spec.minReadySeconds || undefined,
          selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector.matchLabels, [HASH_LABEL]: hash } },
          template,
        },
      };
      const all = [...rsList, draft];
      const replicas = this.newRSReplicas(d, all, draft);
      draft.spec.replicas = replicas;
      const created = structuredClone(this.objects.create(RS, draft, {}));
      if (replicas > 0) this.recorder.record(DEPLOYMENTS, d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`, SOURCE);
      if (this.hasDeadline(d)) setCondition(d.status, this.cond('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${name}"`));
      this.setDeploymentRevision(d, String(newRevision));
      this.saveD(d);
      return created;
    }
  }

  /** NewRSNewReplicas. */
  private newRSReplicas(d: KObject, all: KObject[], newRS: KObject): number {
    if (!isRolling(d)) return d.spec.replicas;
    const current = sumSpec(all);
    const maxTotal = d.spec.replicas + maxSurge(d);
    if (current >= maxTotal) return specReplicas(newRS);
    const up = Math.min(maxTotal - current, d.spec.replicas - specReplicas(newRS));
    return specReplicas(newRS) + up;
  }

  private scaleRS(rs: KObject, n: number, d: KObject): boolean {
    const from = specReplicas(rs);
    const a = (rs.metadata.annotations ??= {});
    const desired = String(d.spec.replicas);
    const max = String(d.spec.replicas + maxSurge(d));
    if (from === n && a[DESIRED_REPLICAS] === desired && a[MAX_REPLICAS] === max) return false;
    rs.spec.replicas = n;
    a[DESIRED_REPLICAS] = desired;
    a[MAX_REPLICAS] = max;
    Object.assign(rs, structuredClone(this.objects.save(RS, rs)));
    if (from !== n) this.recorder.record(DEPLOYMENTS, d, 'Normal', 'ScalingReplicaSet', `Scaled ${n > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${n}`, SOURCE);
    return from !== n;
  }

  private rolloutRolling(d: KObject, rsList: KObject[]): void {
    const { newRS, old } = this.newAndOld(d, rsList, true);
    const all = [...old, newRS!];
    if (this.reconcileNewRS(all, newRS!, d)) return this.syncRolloutStatus(all, newRS, d);
    if (this.reconcileOldRSs(all, old.filter((r) => specReplicas(r) > 0), newRS!, d)) return this.syncRolloutStatus(all, newRS, d);
    if (this.complete(d, this.calculateStatus(all, newRS, d))) this.cleanup(old, d);
    this.syncRolloutStatus(all, newRS, d);
  }

  private reconcileNewRS(all: KObject[], newRS: KObject, d: KObject): boolean {
    const want = d.spec.replicas;
    if (specReplicas(newRS) === want) return false;
    if (specReplicas(newRS) > want) return this.scaleRS(newRS, want, d);
    return this.scaleRS(newRS, this.newRSReplicas(d, all, newRS), d);
  }

  private reconcileOldRSs(all: KObject[], oldActive: KObject[], newRS: KObject, d: KObject): boolean {
    if (sumSpec(oldActive) === 0) return false;
    const minAvailable = d.spec.replicas - maxUnavailable(d);
    const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    let cleaned = 0;
    for (const rs of [...oldActive].sort(byCreation)) {
      if (cleaned >= maxScaledDown) break;
      const avail = rs.status?.availableReplicas ?? 0;
      if (specReplicas(rs) === 0 || specReplicas(rs) === avail) continue;
      const n = Math.min(maxScaledDown - cleaned, specReplicas(rs) - avail);
      this.scaleRS(rs, specReplicas(rs) - n, d);
      cleaned += n;
    }
    const availableAll = sumStatus([...oldActive, newRS], 'availableReplicas');
    let scaled = 0;
    if (availableAll > minAvailable) {
      const total = availableAll - minAvailable;
      for (const rs of [...oldActive].sort(byCreation)) {
        if (scaled >= total) break;
        if (specReplicas(rs) === 0) continue;
        const n = Math.min(specReplicas(rs), total - scaled);
        this.scaleRS(rs, specReplicas(rs) - n, d);
        scaled += n;
      }
    }
    return cleaned + scaled > 0;
  }

  private rolloutRecreate(d: KObject, rsList: KObject[]): void {
    let { newRS, old } = this.newAndOld(d, rsList, false);
    const all = () => (newRS ? [...old, newRS] : old);
    let scaledDown = false;
    for (const rs of old.filter((r) => specReplicas(r) > 0)) scaledDown = this.scaleRS(rs, 0, d) || scaledDown;
    if (scaledDown) return this.syncRolloutStatus(all(), newRS, d);
    const oldUids = new Set(old.map((r) => r.metadata.uid));
    const oldPodsRunning = this.objects.store
      .list(PODS, d.metadata.namespace)
      .some((p) => oldUids.has(p.metadata.ownerReferences?.find((r) => r.controller)?.uid) && !['Succeeded', 'Failed'].includes(p.status?.phase));
    if (oldPodsRunning) return this.syncRolloutStatus(all(), newRS, d);
    if (!newRS) ({ newRS, old } = this.newAndOld(d, this.rsFor(d), true));
    this.scaleRS(newRS!, d.spec.replicas, d);
    if (this.complete(d, this.calculateStatus(all(), newRS, d))) this.cleanup(old, d);
    this.syncRolloutStatus(all(), newRS, d);
  }

  private isScalingEvent(d: KObject, rsList: KObject[]): boolean {
    const { newRS, old } = this.newAndOld(d, rsList, false);
    return [...old, ...(newRS ? [newRS] : [])]
      .filter((r) => specReplicas(r) > 0)
      .some((r) => {
        const desired = r.metadata.annotations?.[DESIRED_REPLICAS];
        return desired !== undefined && Number(desired) !== d.spec.replicas;
      });
  }

  /** `sync`: scaling only (paused deployments and scaling events), then the status. */
  private syncScaleOnly(d: KObject, rsList: KObject[]): void {
    const { newRS, old } = this.newAndOld(d, rsList, false);
    this.scale(d, newRS, old);
    if (d.spec.paused) this.cleanup(old, d);
    const all = newRS ? [...old, newRS] : old;
    this.syncStatusOnly(d, all, newRS);
  }

  private scale(d: KObject, newRS: KObject | undefined, old: KObject[]): void {
    const all = newRS ? [newRS, ...old] : old;
    const active = all.filter((r) => specReplicas(r) > 0);
    const want = d.spec.replicas;
    if (active.length <= 1) {
      const target = active[0] ?? newRS ?? [...old].sort(byCreation).pop();
      if (target && specReplicas(target) !== want) this.scaleRS(target, want, d);
      return;
    }
    const saturated = newRS && Number(newRS.metadata.annotations?.[DESIRED_REPLICAS]) === want && newRS.status?.availableReplicas === want && specReplicas(newRS) === want;
    if (saturated) {
      for (const rs of old.filter((r) => specReplicas(r) > 0)) this.scaleRS(rs, 0, d);
      return;
    }
    if (!isRolling(d)) return;
    // proportional scaling (GetProportion): each active RS grows by its share of the change,
    // measured against the max-replicas it was last sized for; the leftover goes to the largest
    const allowed = want + maxSurge(d);
    const toAdd = allowed - sumSpec(active);
    if (toAdd === 0) return;
    const sorted = [...active].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
    let added = 0;
    const sizes = sorted.map((rs) => {
      if (specReplicas(rs) === 0 || toAdd === added) return specReplicas(rs);
      const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS] ?? d.status?.replicas ?? 0) || 1;
      const fraction = want === 0 ? -specReplicas(rs) : Math.round((specReplicas(rs) * allowed) / annotated) - specReplicas(rs);
      const room = toAdd - added;
      const p = toAdd > 0 ? Math.min(fraction, room) : Math.max(fraction, room);
      added += p;
      return specReplicas(rs) + p;
    });
    sizes[0] = Math.max(0, sizes[0] + toAdd - added);
    sorted.forEach((rs, i) => this.scaleRS(rs, sizes[i], d));
  }

  private cleanup(old: KObject[], d: KObject): void {
    const limit = d.spec.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = old.filter((r) => !r.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      this.objects.delete(RS, rs.metadata.namespace, rs.metadata.name!, { propagationPolicy: 'Background' });
    }
  }

  private calculateStatus(all: KObject[], newRS: KObject | undefined, d: KObject): any {
    const available = sumStatus(all, 'availableReplicas');
    const total = sumSpec(all);
    const status: any = {
      observedGeneration: d.metadata.generation,
      replicas: sumStatus(all, 'replicas'),
      updatedReplicas: newRS ? (newRS.status?.replicas ?? 0) : 0,
      readyReplicas: sumStatus(all, 'readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, total - available),
      conditions: structuredClone(d.status?.conditions ?? []),
    };
    if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
    if (available >= d.spec.replicas - maxUnavailable(d)) setCondition(status, this.cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'));
    else setCondition(status, this.cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'));
    return status;
  }

  private complete(d: KObject, s: any): boolean {
    const n = d.spec.replicas;
    return s.updatedReplicas === n && s.replicas === n && s.availableReplicas === n && s.observedGeneration >= (d.metadata.generation ?? 0);
  }

  private progressing(d: KObject, s: any): boolean {
    const o = d.status ?? {};
    const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
    const newOld = s.replicas - s.updatedReplicas;
    return s.updatedReplicas > (o.updatedReplicas ?? 0) || newOld < oldOld || s.readyReplicas > (o.readyReplicas ?? 0) || s.availableReplicas > (o.availableReplicas ?? 0);
  }

  private timedOut(d: KObject, s: any): boolean {
    const c = getCondition(s, 'Progressing');
    if (!c || c.reason === 'NewReplicaSetAvailable') return false;
    if (c.reason === 'ProgressDeadlineExceeded') return true;
    const from = Date.parse(c.lastUpdateTime ?? '');
    return from + d.spec.progressDeadlineSeconds * 1000 < this.clock.now();
  }

  private syncRolloutStatus(all: KObject[], newRS: KObject | undefined, d: KObject): void {
    const s = this.calculateStatus(all, newRS, d);
    if (!this.hasDeadline(d)) removeCondition(s, 'Progressing');
    const cur = getCondition(d.status, 'Progressing');
    const isComplete = s.replicas === s.updatedReplicas && cur?.reason === 'NewReplicaSetAvailable';
    if (this.hasDeadline(d) && !isComplete) {
      const what = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
      if (this.complete(d, s)) setCondition(s, this.cond('Progressing', 'True', 'NewReplicaSetAvailable', `${what} has successfully progressed.`));
      else if (this.progressing(d, s)) {
        const c = this.cond('Progressing', 'True', 'ReplicaSetUpdated', `${what} is progressing.`);
        const prev = getCondition(s, 'Progressing');
        if (prev) {
          if (prev.status === 'True') c.lastTransitionTime = prev.lastTransitionTime;
          removeCondition(s, 'Progressing');
        }
        setCondition(s, c);
      } else if (this.timedOut(d, s)) setCondition(s, this.cond('Progressing', 'False', 'ProgressDeadlineExceeded', `${what} has timed out progressing.`));
    }
    const failure = this.replicaFailure(all, newRS);
    if (failure) setCondition(s, failure);
    else removeCondition(s, 'ReplicaFailure');
    this.writeStatus(d, s);
    // requeueStuckDeployment: look again when the deadline would pass
    const c = getCondition(s, 'Progressing');
    if (this.hasDeadline(d) && c && c.reason !== 'NewReplicaSetAvailable' && c.reason !== 'ProgressDeadlineExceeded' && c.lastUpdateTime && !d.spec.paused)
      this.clock.wakeAt(Date.parse(c.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 + 1000);
  }

  private replicaFailure(all: KObject[], newRS: KObject | undefined): Condition | undefined {
    const fromRS = (rs: KObject | undefined) => {
      const c = rs && getCondition(rs.status, 'ReplicaFailure');
      return c ? { type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message } : undefined;
    };
    return fromRS(newRS) ?? all.map(fromRS).find(Boolean);
  }

  private syncStatusOnly(d: KObject, rsList: KObject[], newRSIn?: KObject): void {
    const newRS = newRSIn ?? [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
    this.writeStatus(d, this.calculateStatus(rsList, newRS, d));
  }

  private writeStatus(d: KObject, s: any): void {
    if (JSON.stringify(d.status) === JSON.stringify(s)) return;
    d.status = s;
    this.saveD(d);
  }
}
