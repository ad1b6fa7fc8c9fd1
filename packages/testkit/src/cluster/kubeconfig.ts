// A kubeconfig for the simulator (CA inline, bearer token), as YAML.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigOpts {
  token?: string;
  namespace?: string;
}

export function kubeconfigYaml(url: string, caPem: string, token: string, namespace?: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sandbox', cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'sandbox', user: { token } }],
    contexts: [{ name: 'sandbox', context: { cluster: 'sandbox', user: 'sandbox', ...(namespace ? { namespace } : {}) } }],
    'current-context': 'sandbox',
    preferences: {},
  });
}

/** Written 0600: it holds a credential. */
export function writeKubeconfigFile(path: string, yaml: string): void {
  writeFileSync(path, yaml, { mode: 0o600 });
}
