// Scripted container behaviour: the string form (annotation / image label) and matching rules.
//   ready | ready-after=5s | never-ready | crashloop | oom | exit=1 | run=3s | unschedulable |
//   pull-fail | logs=first line|second line          (comma-separated, e.g. "exit=2,run=10s")
import { labelMatcher } from '../selectors';
import type { Behaviour, KObject } from '../types';

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`bad duration "${s}" (want e.g. 500ms, 5s, 2m)`);
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}

export function parseBehaviour(spec: string): Behaviour {
  const b: Behaviour = {};
  // logs= takes the rest of the string (it may contain commas)
  const li = spec.indexOf('logs=');
  const head = li >= 0 ? spec.slice(0, li) : spec;
  if (li >= 0) b.logs = spec.slice(li + 5).split('|');
  for (const raw of head.split(',').map((x) => x.trim()).filter(Boolean)) {
    const [k, v] = raw.split('=', 2);
    switch (k) {
      case 'ready':
        break;
      case 'ready-after':
        b.readyAfterMs = parseDuration(v);
        break;
      case 'never-ready':
        b.neverReady = true;
        break;
      case 'crashloop':
        b.exitCode ??= 1;
        break;
      case 'oom':
        b.oom = true;
        b.exitCode = 137;
        break;
      case 'exit':
        b.exitCode = Number(v);
        break;
      case 'run':
        b.runForMs = parseDuration(v);
        break;
      case 'unschedulable':
        b.unschedulable = true;
        break;
      case 'pull-fail':
        b.pullFails = true;
        break;
      default:
        throw new Error(`unknown behaviour "${raw}"`);
    }
  }
  return b;
}

export interface BehaviourMatch {
  image?: string | RegExp;
  namespace?: string;
  labelSelector?: string;
}

export interface BehaviourRule {
  match: BehaviourMatch;
  behaviour: Behaviour;
}

export function ruleMatches(rule: BehaviourRule, pod: KObject, image: string): boolean {
  const m = rule.match;
  if (m.namespace && pod.metadata.namespace !== m.namespace) return false;
  if (m.labelSelector && !labelMatcher(m.labelSelector)(pod.metadata.labels)) return false;
  if (m.image !== undefined) {
    if (typeof m.image === 'string') {
      // a string matches the whole reference or the repository (any tag/digest)
      const repo = image.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
      if (m.image !== image && m.image !== repo) return false;
    } else if (!m.image.test(image)) return false;
  }
  return true;
}

/** A valid image reference (roughly the distribution reference grammar). */
export function validImageRef(image: string): boolean {
  if (!image || image !== image.trim() || /[A-Z]/.test(image.replace(/@.*$/, '').replace(/:[^/:]*$/, ''))) return false;
  return /^([a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?\/)?[a-z0-9]+([._-]+[a-z0-9]+)*(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/.test(image);
}
