// Shared shapes for the cluster simulator. Objects are plain JSON, as they travel on the wire.

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [k: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object. Controllers narrow with casts: the simulator is schemaless on purpose. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [k: string]: any;
}

/** A behaviour the simulated kubelet follows for a container (see behaviour.ts for the string form). */
export interface Behaviour {
  /** Simulated ms after start until Ready (default: at once, or the readinessProbe's initialDelaySeconds). */
  readyAfterMs?: number;
  /** Never becomes Ready (readiness probe keeps failing). */
  neverReady?: boolean;
  /** The container exits with this code after `runForMs` (crashloop = exit 1, oom = 137 OOMKilled). */
  exitCode?: number;
  oom?: boolean;
  /** Simulated ms the container runs before exiting (default 2 s; 1 s for Job pods). */
  runForMs?: number;
  /** The pod can never be scheduled. */
  unschedulable?: boolean;
  /** The image pull fails (as if absent from the registry). */
  pullFails?: boolean;
  /** Log lines each run prints ({pod}, {container}, {attempt}, {image} are substituted). */
  logs?: string[];
}

export interface ForbidRule {
  verb?: string;
  resource?: string;
  namespace?: string;
  name?: string;
}

export interface TokenInfo {
  user: string;
  groups?: string[];
  forbid?: ForbidRule[];
}

export interface EksOptions {
  clusterName: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Required to match X-Amz-Security-Token when set (temporary credentials). */
  sessionToken?: string;
  /** User name the token maps to (default `eks:<accessKeyId>`). */
  user?: string;
  forbid?: ForbidRule[];
  /** Look up other credentials (e.g. ones minted by a local STS): secret by access key id. */
  resolve?: (accessKeyId: string) => { secretAccessKey: string; sessionToken?: string; user?: string; forbid?: ForbidRule[] } | undefined;
  /** Extra STS hosts to accept besides sts[.region].amazonaws.com. */
  allowedHosts?: (string | RegExp)[];
  /** Wall clock for the 15-minute window (default Date.now). */
  now?: () => number;
}

export interface NodeCapacity {
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
}

export interface ClusterOptions {
  /** Simulated seconds per wall second (default 1). */
  timeScale?: number;
  /** Extra static bearer tokens. */
  tokens?: Record<string, TokenInfo>;
  eks?: EksOptions;
  /** Whether an image exists in the registry (default: every image exists). */
  imageExists?: (image: string) => Promise<boolean>;
  /** The image config labels; `sandbox.dantaro.dev/behaviour` there scripts the container. */
  imageLabels?: (image: string) => Promise<Record<string, string> | undefined>;
  /** Run every Job's first container as a real local process. */
  runJobsLocally?: boolean;
  nodeCapacity?: NodeCapacity;
  /** Watch events kept for resuming from a resourceVersion (older → 410 Gone). Default 10 000. */
  watchHistory?: number;
  /** Wall ms between BOOKMARK events on watches that allow them. Default 1000. */
  bookmarkIntervalMs?: number;
  /** Port to listen on (default: a free one). */
  port?: number;
}

export const BEHAVIOUR_KEY = 'sandbox.dantaro.dev/behaviour';
export const RUN_KEY = 'sandbox.dantaro.dev/run';
