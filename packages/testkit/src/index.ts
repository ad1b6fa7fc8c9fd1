// The sandbox: a local world with the real wire protocols. Each area lives in its own folder/file.
export * from './process';
export * from './action-runner';
