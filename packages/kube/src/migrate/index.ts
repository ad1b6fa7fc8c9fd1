// Database migrations as a Kubernetes Job (the migrate action): naming, spec, lock, logs, verdict.
export * from './command';
export * from './naming';
export * from './template';
export * from './job-spec';
export * from './verdict';
export * from './log-cursor';
export { followContainer, containerDone, containerStarted, type FollowOptions } from './pod-logs';
export * from './lock';
export * from './prior';
export * from './pod-output';
export * from './supervise';
export * from './run';
export * from './summary';
