import type { Logger } from '@dantaro/core';

/** What to build: the same for every builder. Secrets carry env var names, never values. */
export interface BuildSpec {
  context: string;
  file?: string;
  target?: string;
  buildArgs: Array<[string, string]>;
  /** `--secret id=<id>,env=<env>`: the value travels in the child's environment only. */
  secrets: Array<{ id: string; env: string }>;
  labels: Array<[string, string]>;
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
  /** 'false' (default, ECR-safe single manifest), 'true', or attributes such as `mode=max`. */
  provenance: string;
  sbom: string;
  /** SOURCE_DATE_EPOCH: created timestamp for reproducible images. */
  timestamp?: number;
}

export interface BuildRequest {
  spec: BuildSpec;
  /** `<registry>/<repository>`, no tag. */
  repository: string;
  /** Tags to push (those not already in the registry). May be empty. */
  pushTags: string[];
  push: boolean;
  /** Plain-HTTP registry (the loopback sandbox): --tls-verify=false. */
  insecure: boolean;
  /** Env for the builder: auth file locations, secret values. */
  env: Record<string, string>;
  /**
   * Called with the image digest as soon as the builder knows it — before pushing when it can
   * (buildah) — and throws to stop (an immutable tag holding another digest).
   */
  verify(digest: string): void;
  /** Some tag already exists: know the digest before pushing anything (when the builder can). */
  digestBeforePush?: boolean;
}

export interface BuildOutcome {
  digest: string;
  /** Tags actually pushed. */
  pushed: string[];
  metadata: Record<string, unknown>;
}

export interface BuilderIo {
  log: Logger;
  signal?: AbortSignal;
  /** Directory for the builder's own temp files (digest files, metadata). */
  workDir: string;
}

export interface Builder {
  readonly name: 'buildx' | 'buildah';
  run(req: BuildRequest, io: BuilderIo): Promise<BuildOutcome>;
}
