import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from './finding';

/** Shared by the unit tests: fixture paths and a finding builder. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-fixtures');
export const fixture = (name: string) => join(FIXTURES, name);

let n = 0;
export function finding(over: Partial<Finding> = {}): Finding {
  const id = over.id ?? `CVE-2024-${1000 + n++}`;
  const kind = over.kind ?? 'vulnerability';
  const target = over.target ?? 'app (debian 12)';
  const pkgName = over.pkgName ?? (kind === 'vulnerability' ? 'openssl' : undefined);
  return {
    kind,
    id,
    severity: 'HIGH',
    target,
    targetClass: 'os-pkgs',
    pkgName,
    installed: kind === 'vulnerability' ? '1.0' : undefined,
    fixed: kind === 'vulnerability' ? '1.1' : undefined,
    url: `https://avd.aquasec.com/nvd/${id.toLowerCase()}`,
    key: `${kind}\0${target}\0${id}\0${pkgName ?? ''}\0${n}`,
    baseKey: `${kind}\0${id}\0${pkgName ?? ''}`,
    ...over,
  };
}
