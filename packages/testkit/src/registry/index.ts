export * from './client';
export * from './registry';
export * from './fault-proxy';
export * from './container-tools';
