export * from './client';
export * from './errors';
export * from './auth';
export * from './repository';
export * from './images';
export * from './store';
