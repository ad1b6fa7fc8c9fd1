import { UserError } from '@dantaro/core';
import type { KubeClient } from '../client';
import { ApiError } from '../errors';
import { imagePatch, planImageChanges, type ImageSpec } from '../images';
import { DEPLOYMENTS } from '../resources';
import { CHANGE_CAUSE_ANNOTATION, type Deployment } from '../types';
import type { Target } from './types';

/**
 * Set the images with a strategic-merge patch that carries the resourceVersion we planned from, so a
 * concurrent writer turns into a 409; then re-read, re-plan and re-apply (a few times).
 */
export async function applyImages(client: KubeClient, namespace: string, target: Target, specs: ImageSpec[], changeCause: string, fieldManager?: string): Promise<Deployment> {
  let d = target.deployment;
  for (let attempt = 1; ; attempt++) {
    const changes = planImageChanges(d, specs);
    target.changes = changes;
    // same images: nothing to roll out, and the Deployment is left exactly as it was
    if (changes.every((c) => c.from === c.to)) return d;
    const patch = imagePatch(changes, { [CHANGE_CAUSE_ANNOTATION]: changeCause }, d.metadata?.resourceVersion);
    try {
      return await client.patch<Deployment>(DEPLOYMENTS, namespace, target.name, patch, 'strategic', { fieldManager });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409) || attempt >= 5) throw e;
      client.log.debug(`deployment ${target.name} changed underneath us (409); re-reading and re-applying`);
      d = await client.get<Deployment>(DEPLOYMENTS, namespace, target.name);
      if (d.spec?.paused) throw new UserError(`deployment "${target.name}" was paused while we were updating it; nothing more was changed on it`);
    }
  }
}
