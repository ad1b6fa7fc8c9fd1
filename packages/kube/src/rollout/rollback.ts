import type { KubeClient } from '../client';
import { DEPLOYMENTS, REPLICASETS } from '../resources';
import { selectorString } from '../selector';
import type { Deployment, ReplicaSet } from '../types';
import { planUndo, UndoError } from '../undo';

/**
 * `kubectl rollout undo [--to-revision]` for one Deployment: plan from the Deployment and the
 * ReplicaSets it controls, then send kubectl's JSON patch. Returns the generation to watch, or why no
 * patch was sent (paused, no history, already at that template).
 */
export interface UndoOutcome {
  patched: boolean;
  message: string;
  toRevision?: number;
  generation?: number;
  error?: boolean;
}

export async function undoDeployment(client: KubeClient, namespace: string, name: string, toRevision = 0, fieldManager?: string): Promise<UndoOutcome> {
  const d = await client.get<Deployment>(DEPLOYMENTS, namespace, name);
  const rsList = await client.listAll<ReplicaSet>(REPLICASETS, namespace, { labelSelector: selectorString(d.spec?.selector) });
  let plan;
  try {
    plan = planUndo(d, rsList.items, toRevision);
  } catch (e) {
    if (e instanceof UndoError) return { patched: false, error: true, message: e.message };
    throw e;
  }
  if (plan.kind === 'skipped') return { patched: false, message: plan.message, toRevision: plan.toRevision, generation: d.metadata?.generation };
  const after = await client.patch<Deployment>(DEPLOYMENTS, namespace, name, plan.patch, 'json', { fieldManager });
  return { patched: true, message: `deployment.apps/${name} rolled back`, toRevision: plan.toRevision, generation: after.metadata?.generation };
}
