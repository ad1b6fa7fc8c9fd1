import { REVISION_ANNOTATION, type Deployment } from './types';

/**
 * kubectl's DeploymentStatusViewer.Status (pkg/polymorphichelpers/rollout_status.go), message for
 * message. `failed` is kubectl's error return (exit 1); messages carry no trailing newline.
 */
export interface RolloutStatus {
  done: boolean;
  failed?: boolean;
  message: string;
}

/** Go's %q for the names that can occur here (DNS labels): a JSON string is the same text. */
const q = (s: string | undefined) => JSON.stringify(s ?? '');

export function rolloutStatus(d: Deployment, revision = 0): RolloutStatus {
  const name = d.metadata?.name;
  if (revision > 0) {
    const running = revisionOf(d);
    if (revision !== running) return { done: false, failed: true, message: `desired revision (${revision}) is different from the running revision (${running})` };
  }
  const st = d.status ?? {};
  if ((d.metadata?.generation ?? 0) <= (st.observedGeneration ?? 0)) {
    const cond = st.conditions?.find((c) => c.type === 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') return { done: false, failed: true, message: `deployment ${q(name)} exceeded its progress deadline` };
    const want = d.spec?.replicas;
    const updated = st.updatedReplicas ?? 0;
    if (want !== undefined && want !== null && updated < want) {
      return { done: false, message: `Waiting for deployment ${q(name)} rollout to finish: ${updated} out of ${want} new replicas have been updated...` };
    }
    if ((st.replicas ?? 0) > updated) {
      return { done: false, message: `Waiting for deployment ${q(name)} rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...` };
    }
    if ((st.availableReplicas ?? 0) < updated) {
      return { done: false, message: `Waiting for deployment ${q(name)} rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...` };
    }
    return { done: true, message: `deployment ${q(name)} successfully rolled out` };
  }
  return { done: false, message: 'Waiting for deployment spec update to be observed...' };
}

/** `deployment.kubernetes.io/revision` as a number; 0 when absent or not a number (as kubectl). */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number {
  const v = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return 0;
  return Number(v);
}
