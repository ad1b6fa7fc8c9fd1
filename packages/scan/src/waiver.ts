import type { Finding } from './finding';
import { addDays, daysBetween } from './dates';

/** An accepted risk: from the waivers YAML file or a .trivyignore line. */
export interface Waiver {
  id: string;
  /** Package name, or name@version. */
  package?: string;
  target?: string;
  reason?: string;
  /** `YYYY-MM-DD`: the first day the waiver no longer applies (Trivy's `exp:` meaning). */
  expires?: string;
  source: { file: string; line: number };
}

/** Waivers that expire within this many days are warned about. */
export const EXPIRY_WARNING_DAYS = 14;

export function isExpired(w: Waiver, today: string): boolean {
  return w.expires !== undefined && w.expires <= today;
}

export function expiresSoon(w: Waiver, today: string): boolean {
  return w.expires !== undefined && w.expires > today && w.expires <= addDays(today, EXPIRY_WARNING_DAYS);
}

export function daysLeft(w: Waiver, today: string): number | undefined {
  return w.expires === undefined ? undefined : daysBetween(today, w.expires);
}

export function waiverMatches(w: Waiver, f: Finding): boolean {
  if (w.id !== f.id && !f.aliases?.includes(w.id)) return false;
  if (w.package !== undefined && w.package !== f.pkgName && w.package !== `${f.pkgName}@${f.installed}`) return false;
  if (w.target !== undefined && w.target !== f.target) return false;
  return true;
}

/** Waivers indexed by id so matching 100 000 findings stays linear. */
export class WaiverIndex {
  private readonly byId = new Map<string, Waiver[]>();
  constructor(waivers: Waiver[]) {
    for (const w of waivers) {
      const list = this.byId.get(w.id);
      if (list) list.push(w);
      else this.byId.set(w.id, [w]);
    }
  }
  match(f: Finding): Waiver | undefined {
    for (const id of f.aliases ? [f.id, ...f.aliases] : [f.id]) {
      const hit = this.byId.get(id)?.find((w) => waiverMatches(w, f));
      if (hit) return hit;
    }
    return undefined;
  }
}
