export * from './text';
export * from './payload';
export * from './limits';
export * from './errors';
export * from './client';
export * from './card';
export * from './notify';
