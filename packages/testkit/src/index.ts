// The sandbox: a local world with the real wire protocols. Each area lives in its own folder/file.
export * from './process';
export * from './action-runner';
export * from './services/index';
export * from './slack/index';
export * from './registry/index';
export * from './aws/index';
export * from './cluster/index';
export * from './world';
