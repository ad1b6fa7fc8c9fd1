import type { Logger } from '@dantaro/core';
import type { DetectorOptions, FailureReason } from '../detectors';
import type { ContainerChange, ImageSpec } from '../images';
import type { Deployment } from '../types';

export type RolloutResultKind = 'success' | 'failed' | 'rolled-back' | 'rollback-failed';
export type Verdict = 'success' | 'failed' | 'aborted' | 'dry-run' | 'superseded';

export interface RolloutOptions {
  namespace: string;
  /** Explicit names, or a label selector (exactly one of them). */
  deployments?: string[];
  selector?: string;
  images: ImageSpec[];
  /** Overall time allowed for the rollout to reach a verdict (ms). */
  timeoutMs: number;
  rollbackOnFailure: boolean;
  failFast: boolean;
  detector: DetectorOptions;
  changeCause: string;
  dryRun: boolean;
  log: Logger;
  /** Max watch silence before reconnecting (adaptive below this). */
  watchSilenceMs?: number;
  signal?: AbortSignal;
  fieldManager?: string;
}

export interface PodDiagnosis {
  deployment: string;
  pod: string;
  phase: string;
  containers: Array<{ name: string; state: string; reason?: string; message?: string; restarts: number; lastTermination?: string }>;
  logs: string;
  logsFrom?: string;
  events: string[];
}

export interface DeploymentReport {
  name: string;
  changes: ContainerChange[];
  from: Record<string, string>;
  to: Record<string, string>;
  verdict: Verdict;
  reason?: FailureReason;
  message: string;
  seconds: number;
  revision?: number;
  previousRevision?: number;
  /** Outcome of the rollback of this Deployment, when one ran. */
  rollback?: 'rolled-back' | 'rollback-failed';
  /** Where the rollback went (revision after undo), when one ran. */
  rollbackRevision?: number;
  rollbackMessage?: string;
}

export interface TimelineEntry {
  section: string;
  name: string;
  startMs: number;
  endMs: number;
  status?: 'done' | 'crit' | 'active';
}

export interface RolloutResult {
  result: RolloutResultKind;
  failureReason?: FailureReason;
  failureMessage?: string;
  dryRun: boolean;
  deployments: DeploymentReport[];
  previousImages: Record<string, Record<string, string>>;
  diagnostics: PodDiagnosis[];
  warnings: string[];
  timeline: TimelineEntry[];
  startedAt: number;
  seconds: number;
}

export interface Target {
  name: string;
  deployment: Deployment;
  changes: ContainerChange[];
  previousRevision: number;
}
